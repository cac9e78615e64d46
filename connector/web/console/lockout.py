"""The sign-in lock-out, as a pure rule: too many failures in a window lock the account, and
separately the client address, until the oldest counted failure leaves the window.

Counting per account stops a slow guess at one desk account from many addresses; per address,
one machine guessing across every account. While locked, the password is not even checked,
so a guess during the lock-out learns nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class LockoutRule:
    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)


RULE = LockoutRule()


def locked_until(failures: Sequence[datetime], now: datetime,
                 rule: LockoutRule = RULE) -> datetime | None:
    """When sign-in opens again given these failure times, or None if it is open now."""
    recent = sorted(at for at in failures if at > now - rule.window)
    if len(recent) < rule.max_failures:
        return None
    # Open again once fewer than max_failures remain in the window.
    return recent[-rule.max_failures] + rule.window
