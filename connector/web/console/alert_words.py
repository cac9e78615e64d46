"""Front-desk alerts in words: what happened, in which room, and what to do."""

from __future__ import annotations

from datetime import datetime, tzinfo

from connector.hotel_time import hotel_time
from connector.store import Alert
from connector.web.console.wakeup_board import outcome_words

_OPERATOR_WORDS = {
    "answered": "the operator was called and told",
    "busy": "the operator's line was busy",
    "no_answer": "the operator did not answer the call",
    "failed": "the call to the operator failed",
    "not_configured": "no operator extension is set, so nobody was called",
}


def alert_words(alert: Alert, tz: tzinfo, now: datetime) -> str:
    """The alert as the desk reads it."""
    at = hotel_time(alert.requested_at, tz, same_day_as=now) if alert.requested_at else ""
    if alert.kind == "wakeup_missed":
        return (f"Room {alert.room}: the wake-up at {at} was missed (the connector was down "
                "when it fell due). Call the room.")
    tries = (f"{alert.tries} {'try' if alert.tries == 1 else 'tries'}" if alert.tries
             else "its tries")
    last = outcome_words(alert.outcome)
    said = f" (last: {last})" if last else ""
    return (f"Room {alert.room}: the wake-up at {at} was not answered after {tries}{said}. "
            "Call or visit the room.")


def operator_words(alert: Alert) -> str:
    """How the call to the operator went ("" while none was placed)."""
    call = alert.operator_call
    return "" if call is None else _OPERATOR_WORDS.get(call, call)
