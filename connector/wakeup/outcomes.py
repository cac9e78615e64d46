"""How a try of a wake-up ended, and what the PMS is told about a wake-up that ended so."""

from __future__ import annotations

import enum

from connector.pms.fias.outbound import AnswerStatus


class CallOutcome(enum.StrEnum):
    CONFIRMED = "confirmed"  # answered and confirmed (or answering is confirmation)
    UNCONFIRMED = "unconfirmed"  # answered, never confirmed
    SNOOZED = "snoozed"  # the guest asked to be called again in a few minutes
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    FAILED = "failed"  # network or SIP error, no line, no extension for the room
    MISSED = "missed"  # fell due while the connector was down, past the grace window


_ANSWER = {
    CallOutcome.CONFIRMED: AnswerStatus.OK,
    CallOutcome.UNCONFIRMED: AnswerStatus.NO_RESPONSE,
    CallOutcome.NO_ANSWER: AnswerStatus.NO_RESPONSE,
    CallOutcome.BUSY: AnswerStatus.BUSY,
    CallOutcome.FAILED: AnswerStatus.UNPROCESSABLE,
    CallOutcome.MISSED: AnswerStatus.UNPROCESSABLE,
    # A snooze that is not honoured (none left) is a guest who is awake.
    CallOutcome.SNOOZED: AnswerStatus.OK,
}


def answer_status(outcome: CallOutcome) -> AnswerStatus:
    """The FIAS `AS` of a wake-up whose last try ended with `outcome`."""
    return _ANSWER[outcome]
