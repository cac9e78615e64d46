"""The console's navigation, in order. A new page adds its entry here (label, path); the
base layout marks the entry whose path the current page starts with."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    label: str
    path: str


NAV: tuple[NavItem, ...] = (
    NavItem("Rooms", "/console/rooms"),
    NavItem("Wake-ups", "/console/wakeups"),
    NavItem("Alerts", "/console/alerts"),
)
