"""What the connector has kept for the PMS, read back from a store in tests."""

from __future__ import annotations

import itertools

from connector.store import Report, Store


def kept_reports(store: Store) -> list[Report]:
    """Every report in the outbox, in the order it was kept (ids count up from 1)."""
    found: list[Report] = []
    for report_id in itertools.count(1):
        report = store.outbox.get(report_id)
        if report is None:
            return found
        found.append(report)
    raise AssertionError("unreachable")
