"""What happens after a try (pure): another try, a snooze, or the final answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from connector.pms.fias.outbound import AnswerStatus
from connector.settings.phone import WakeupSettings
from connector.store import AlertKind
from connector.wakeup.outcomes import CallOutcome, answer_status

MAX_SNOOZES = 3


@dataclass(frozen=True)
class Rules:
    """The retry rules, from `WakeupSettings`."""

    retries: int
    retry_interval: timedelta
    snooze: timedelta
    grace: timedelta
    max_snoozes: int = MAX_SNOOZES

    @classmethod
    def from_settings(cls, settings: WakeupSettings) -> Rules:
        return cls(
            retries=settings.retries,
            retry_interval=timedelta(seconds=settings.retry_interval_seconds),
            snooze=timedelta(minutes=settings.snooze_minutes),
            grace=timedelta(minutes=settings.grace_minutes),
        )

    def may_snooze(self, snoozes: int) -> bool:
        return snoozes < self.max_snoozes


@dataclass(frozen=True)
class TryAgain:
    """Another try at `at`; `snoozed` starts a new sequence of tries."""

    at: datetime
    snoozed: bool = False


@dataclass(frozen=True)
class Final:
    """The wake-up is over: the PMS gets `status`; `alert` tells the front desk."""

    status: AnswerStatus
    alert: AlertKind | None


def after_try(*, tries_before: int, snoozes: int, outcome: CallOutcome, ended_at: datetime,
              rules: Rules) -> TryAgain | Final:
    """The next step for a wake-up whose try (after `tries_before` others in its sequence)
    ended with `outcome` at `ended_at`. Every outcome but a confirmation is retried, up to
    `rules.retries` times, then escalated."""
    if outcome is CallOutcome.SNOOZED and rules.may_snooze(snoozes):
        return TryAgain(at=ended_at + rules.snooze, snoozed=True)
    if outcome in (CallOutcome.CONFIRMED, CallOutcome.SNOOZED):
        return Final(answer_status(outcome), alert=None)
    if tries_before < rules.retries:
        return TryAgain(at=ended_at + rules.retry_interval)
    return Final(answer_status(outcome), alert="wakeup_not_answered")


def is_missed(due_at: datetime, now: datetime, rules: Rules) -> bool:
    """A try that should have started more than the grace window ago (the connector was
    down) is not placed any more."""
    return now - due_at > rules.grace


def missed() -> Final:
    """The answer for a wake-up that could not be placed in time: UR, and the front desk is
    told."""
    return Final(answer_status(CallOutcome.MISSED), alert="wakeup_missed")
