"""When to ask the PMS for a full resync (DR), as a pure policy the FIAS door drives.

DR makes the PMS resend every in-house guest (DS … DE). Oracle says a database sync "may not
be requested more than once per day" in streaming set-ups, so it is not sent at every
reconnect, only when we may have missed records or drifted:

- at the first link-up after the process starts (we know nothing of what happened before);
- after a reconnect, only if the link was down longer than `after_down` seconds (a short
  gap loses nothing: the PMS keeps what it could not send, and sends it when the link is back);
- on demand (`connector sync --pms` leaves a request in the store);
- once a day at `daily_at`, hotel time (a DST gap moves it forward, a repeated hour counts
  once). A daily moment passed while the link was down is owed until any DR goes out.

One DR answers every reason pending at the time. The policy reads no clock: the door passes
monotonic seconds for link changes and the wall time for the daily moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

from connector.wakeup.occurrences import local_moment

# The store's meta key where `connector sync --pms` leaves its request (an ISO timestamp).
RESYNC_REQUEST_KEY = "fias.resync.requested_at"


@dataclass(frozen=True, slots=True)
class ResyncRules:
    """`after_down`: seconds of link downtime after which a reconnect resyncs.
    `daily_at`: the hotel's wall time of the daily resync (None: no daily one)."""

    after_down: float
    daily_at: time | None
    tz: tzinfo

    @classmethod
    def parse(cls, after_down: float, daily_at: str | None, tz: tzinfo) -> ResyncRules:
        """From the settings (`daily_at` is `HH:MM`, already validated, or None)."""
        if daily_at is None:
            return cls(after_down, None, tz)
        hour, minute = daily_at.split(":")
        return cls(after_down, time(int(hour), int(minute)), tz)

    def describe(self) -> str:
        """One line for `connector doctor` and the start-up log."""
        daily = (f"daily at {self.daily_at:%H:%M} hotel time" if self.daily_at is not None
                 else "no daily resync")
        return (f"at the first link-up; after a reconnect if the link was down longer than "
                f"{self.after_down:g} s; {daily}; on demand with `connector sync --pms`")


class ResyncPolicy:
    """Feed it `link_up`, `link_down` and `request`; ask `due(now)` while the link is up and
    call `sent(now)` once the DR has gone out."""

    def __init__(self, rules: ResyncRules, *, started_at: datetime) -> None:
        self.rules = rules
        self._ever_up = False
        self._down_since: float | None = None
        self._on_link_up: str | None = None
        self._requested = False
        # Daily moments before this one are not owed (one at or before start-up is covered
        # by the first link-up's DR).
        self._last_dr = started_at

    def link_up(self, monotonic: float) -> None:
        """The link came up at `monotonic` seconds."""
        if not self._ever_up:
            self._ever_up = True
            self._on_link_up = "first link-up since the connector started"
        elif self._down_since is not None:
            down = monotonic - self._down_since
            if down > self.rules.after_down:
                self._on_link_up = (f"the link was down {down:.0f} s, longer than "
                                    f"{self.rules.after_down:g} s")
        self._down_since = None

    def link_down(self, monotonic: float) -> None:
        """The link went down at `monotonic` seconds."""
        if self._down_since is None:
            self._down_since = monotonic
        self._on_link_up = None  # not sent while it was up: the next link-up decides anew

    def request(self) -> None:
        """Someone asked for a resync (`connector sync --pms`)."""
        self._requested = True

    def due(self, now: datetime) -> str | None:
        """Why a DR should go out now, or None. Only ask while the link is up."""
        reasons = []
        if self._on_link_up is not None:
            reasons.append(self._on_link_up)
        if self._requested:
            reasons.append("asked for with `connector sync --pms`")
        daily = self._latest_daily(now)
        if daily is not None and daily > self._last_dr:
            reasons.append(f"the daily resync of {daily:%Y-%m-%d %H:%M %Z}")
        return "; ".join(reasons) or None

    def sent(self, now: datetime) -> None:
        """The DR went out at `now`: every pending reason is answered."""
        self._on_link_up = None
        self._requested = False
        self._last_dr = now

    def _latest_daily(self, now: datetime) -> datetime | None:
        """The latest daily moment at or before `now`."""
        if self.rules.daily_at is None:
            return None
        day = now.astimezone(self.rules.tz).date()
        while (moment := local_moment(day, self.rules.daily_at, self.rules.tz)) > now:
            day -= timedelta(days=1)
        return moment
