"""Zoom's published rate limits, per account (shared by every app on it).

Source: Zoom's published rate-limit tables (the team's Zoom fact sheet, §2). Pure data
and arithmetic; no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from connector.settings.model import Plan
from connector.zoom.catalogue import Category, Family

SECOND = 1.0
MINUTE = 60.0


@dataclass(frozen=True, slots=True)
class Limit:
    """`requests` per `period` seconds."""

    requests: float
    period: float

    @property
    def per_second(self) -> float:
        return self.requests / self.period

    def scaled(self, share: float) -> Limit:
        return Limit(self.requests * share, self.period)


_C = Category
_TABLE: dict[tuple[Family, Plan], dict[Category, Limit]] = {
    (Family.PHONE, Plan.PRO): {
        _C.LIGHT: Limit(20, SECOND), _C.MEDIUM: Limit(10, SECOND),
        _C.HEAVY: Limit(5, SECOND), _C.RESOURCE_INTENSIVE: Limit(5, MINUTE),
    },
    (Family.PHONE, Plan.BUSINESS): {
        _C.LIGHT: Limit(40, SECOND), _C.MEDIUM: Limit(20, SECOND),
        _C.HEAVY: Limit(10, SECOND), _C.RESOURCE_INTENSIVE: Limit(10, MINUTE),
    },
    (Family.USERS, Plan.PRO): {
        _C.LIGHT: Limit(30, SECOND), _C.MEDIUM: Limit(20, SECOND),
        _C.HEAVY: Limit(10, SECOND), _C.RESOURCE_INTENSIVE: Limit(10, MINUTE),
    },
    (Family.USERS, Plan.BUSINESS): {
        _C.LIGHT: Limit(80, SECOND), _C.MEDIUM: Limit(60, SECOND),
        _C.HEAVY: Limit(40, SECOND), _C.RESOURCE_INTENSIVE: Limit(20, MINUTE),
    },
}

# Heavy and Resource-intensive calls share one daily budget per table.
_DAILY: dict[tuple[Family, Plan], int] = {
    (Family.PHONE, Plan.PRO): 15_000,
    (Family.PHONE, Plan.BUSINESS): 30_000,
    (Family.USERS, Plan.PRO): 30_000,
    (Family.USERS, Plan.BUSINESS): 60_000,
}

DAILY_CATEGORIES = frozenset({Category.HEAVY, Category.RESOURCE_INTENSIVE})


def limit_for(family: Family, category: Category, plan: Plan) -> Limit:
    """Zoom's full limit for one category (before our share is taken)."""
    return _TABLE[(family, plan)][category]


def daily_budget(family: Family, plan: Plan) -> int:
    """Zoom's daily cap on Heavy + Resource-intensive calls for one table."""
    return _DAILY[(family, plan)]
