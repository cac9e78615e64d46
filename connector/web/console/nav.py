"""The console's navigation, in order. A new page adds its entry here (label, path); the
base layout marks the entry whose path the current page starts with."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    label: str
    path: str
    admin: bool = False  # shown to admins only (the page answers a desk account 403)


NAV: tuple[NavItem, ...] = (
    NavItem("Rooms", "/console/rooms"),
    NavItem("Wake-ups", "/console/wakeups"),
    NavItem("Alerts", "/console/alerts"),
    NavItem("Health", "/console/health", admin=True),
)
