"""Settings: read once from the environment (and `.env`), validated with clear messages."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from connector.settings.model import (
    ENV_PREFIX,
    LogFormat,
    LogSettings,
    Plan,
    RoomSettings,
    SchedulingSettings,
    Settings,
    ZoomSettings,
)
from connector.settings.problems import describe, env_name


class SettingsError(Exception):
    """Start-up cannot go on: each entry of `problems` names a variable and what to do."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        listing = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"The connector's settings have {len(problems)} problem(s):\n{listing}")


def load_settings(**overrides: Any) -> Settings:
    """Read and validate the settings; raise `SettingsError` listing every problem at once."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        raise SettingsError(describe(error, Settings)) from None


__all__ = [
    "ENV_PREFIX",
    "LogFormat",
    "LogSettings",
    "Plan",
    "RoomSettings",
    "SchedulingSettings",
    "Settings",
    "SettingsError",
    "ZoomSettings",
    "env_name",
    "load_settings",
]
