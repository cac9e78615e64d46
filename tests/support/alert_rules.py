"""Just enough of Prometheus to evaluate deploy/prometheus-rules.yaml in a test: each rule's
expression is `max(metric)` or `sum(metric)` compared with a number, the metric optionally
narrowed to one label's value (`max(metric{state="unknown"})`), and `for:` is honoured by
sampling over time, as Prometheus does at each evaluation."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from prometheus_client.parser import text_string_to_metric_families

_EXPR = re.compile(r'^(max|sum)\((\w+(?:\{\w+="[\w.-]*"\})?)\)\s*(==|!=|>=|<=|>|<)\s*'
                   r"([0-9.]+)$")
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "==": operator.eq, "!=": operator.ne, ">=": operator.ge, "<=": operator.le,
    ">": operator.gt, "<": operator.lt,
}
_UNITS = {"s": 1, "m": 60, "h": 3600}


@dataclass(frozen=True)
class Rule:
    alert: str
    aggregate: str
    metric: str
    compare: str
    threshold: float
    for_seconds: float

    def holds(self, samples: Mapping[str, list[float]]) -> bool:
        """The condition on one scrape; a metric with no series gives no result (false)."""
        values = samples.get(self.metric, [])
        if not values:
            return False
        value = max(values) if self.aggregate == "max" else sum(values)
        return _COMPARE[self.compare](value, self.threshold)


def load_rules(path: Path) -> list[Rule]:
    """Every alerting rule of a rules file; an expression outside the subset fails the test."""
    rules: list[Rule] = []
    for group in yaml.safe_load(path.read_text())["groups"]:
        for raw in group["rules"]:
            match = _EXPR.match(raw["expr"].strip())
            assert match, f"{raw['alert']}: expression outside the tested subset: {raw['expr']}"
            aggregate, metric, compare, threshold = match.groups()
            rules.append(Rule(raw["alert"], aggregate, metric, compare, float(threshold),
                              _seconds(raw.get("for", "0s"))))
    return rules


def scrape(text: str) -> dict[str, list[float]]:
    """/metrics text as sample name → the values of its series; each series is also under
    `name{label="value"}` for each of its labels, as a rule narrowed to one label names it."""
    samples: dict[str, list[float]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append(sample.value)
            for label, value in sample.labels.items():
                samples.setdefault(f'{sample.name}{{{label}="{value}"}}', []).append(
                    sample.value)
    return samples


@dataclass
class Alerts:
    """Pending and firing alerts over successive evaluations (times in seconds)."""

    rules: list[Rule]
    _pending_since: dict[str, float] = field(default_factory=dict)

    def evaluate(self, at: float, samples: Mapping[str, list[float]]) -> set[str]:
        """The alerts firing after an evaluation at `at`."""
        firing: set[str] = set()
        for rule in self.rules:
            if not rule.holds(samples):
                self._pending_since.pop(rule.alert, None)
                continue
            since = self._pending_since.setdefault(rule.alert, at)
            if at - since >= rule.for_seconds:
                firing.add(rule.alert)
        return firing


def _seconds(text: str) -> float:
    return float(text[:-1]) * _UNITS[text[-1]]
