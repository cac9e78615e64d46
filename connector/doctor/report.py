"""The doctor's findings and how they read (pure)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Status(enum.StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"  # the connector cannot work until this is fixed
    SKIPPED = "skipped"  # not checked because something before it failed


_MARK = {Status.OK: "ok  ", Status.WARN: "WARN", Status.FAIL: "FAIL", Status.SKIPPED: "--  "}


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    summary: str
    details: tuple[str, ...] = ()


@dataclass
class DoctorReport:
    checks: list[Check] = field(default_factory=list)

    def add(
        self, name: str, status: Status, summary: str, details: list[str] | None = None
    ) -> None:
        self.checks.append(Check(name, status, summary, tuple(details or ())))

    @property
    def blocking(self) -> bool:
        return any(c.status is Status.FAIL for c in self.checks)

    @property
    def warnings(self) -> int:
        return sum(1 for c in self.checks if c.status is Status.WARN)

    def verdict(self) -> str:
        if self.blocking:
            failed = ", ".join(c.name for c in self.checks if c.status is Status.FAIL)
            return f"NOT READY: fix {failed} first."
        if self.warnings:
            return f"READY, with {self.warnings} warning(s) above."
        return "READY."

    def render(self, max_details: int = 12) -> str:
        width = max((len(c.name) for c in self.checks), default=0)
        lines = ["Zoom hospitality connector: doctor", ""]
        for check in self.checks:
            lines.append(f"[{_MARK[check.status]}] {check.name:<{width}}  {check.summary}")
            shown = check.details[:max_details]
            lines.extend(f"{'':>{width + 9}}- {detail}" for detail in shown)
            if len(check.details) > max_details:
                lines.append(f"{'':>{width + 9}}  … and {len(check.details) - max_details} more")
        lines += ["", self.verdict()]
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ready": not self.blocking,
            "warnings": self.warnings,
            "checks": [
                {"name": c.name, "status": c.status.value, "summary": c.summary,
                 "details": list(c.details)}
                for c in self.checks
            ],
        }
