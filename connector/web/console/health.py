"""The Health page as data: what the IT person needs to know, in words, from the same
objects /readyz and /metrics read (the readiness checks, the FIAS door, the SIP pool, the
Zoom token and limiters, the store's lag and failures, the reporter's outbox, call
accounting). Pure: the route gathers the facts, this turns them into sections, each saying
whether it is fine. No guest data: rooms by number, records by type."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from connector.store.records import Failure
from connector.web.schemas import Readiness
from connector.zoom.answers import Trouble, ZoomAnswers

TimeWords = Callable[[datetime], str]

_FAMILIES = {"phone": "Zoom Phone API", "users": "Zoom Users API"}
_CATEGORIES = {"light": "Light", "medium": "Medium", "heavy": "Heavy",
               "resource_intensive": "Resource-intensive"}


@dataclass(frozen=True)
class Section:
    """One part of the page: `ok` False draws the eye; `lines` say what is so, and why."""

    key: str
    title: str
    ok: bool
    lines: tuple[str, ...]


@dataclass(frozen=True)
class FiasFacts:
    up: bool
    state: str  # the link's state in words ("up", "connecting", ...)
    changed_at: datetime | None
    recent: Sequence[tuple[datetime, str]]  # (when, record type), oldest first


@dataclass(frozen=True)
class CloudFacts:
    """The cloud PMS door (connector.pms.cloud.door.DoorStatus, as the page needs it)."""

    vendor: str
    connected: bool
    detail: str
    pending: int
    failed: int
    last_notice_at: datetime | None
    last_resync_at: datetime | None
    last_resync: str


@dataclass(frozen=True)
class LimiterFacts:
    family: str
    category: str
    per_second: float
    factor: float


@dataclass(frozen=True)
class BudgetFacts:
    family: str
    limit: int
    remaining: int


@dataclass(frozen=True)
class BillingFacts:
    on: bool
    missing: Sequence[str]
    unknown_postings: Sequence[tuple[int | None, str]]  # (P#, room)


def readiness_section(readiness: Readiness) -> Section:
    return Section("ready", "Ready for PMS events (/readyz)", readiness.ready,
                   tuple(f"{'OK' if c.ok else 'PROBLEM'}: {c.detail}" for c in readiness.checks))


def fias_section(fias: FiasFacts | None, when: TimeWords) -> Section:
    if fias is None:
        return Section("fias", "FIAS link to the PMS", True,
                       ("FIAS is off (CONNECTOR_FIAS__MODE): the PMS sends webhooks.",))
    since = f" since {when(fias.changed_at)}" if fias.changed_at else ""
    lines = [f"The link is {fias.state}{since}."]
    if not fias.up:
        lines.append("While it is down the PMS's check-ins and changes do not arrive; they "
                     "come when it is back (a resync is asked for after a long break), and "
                     "reports to the PMS wait in the outbox.")
    if fias.recent:
        last = list(reversed(fias.recent))[:10]
        lines.append("Last records: " + ", ".join(f"{kind} at {when(at)}" for at, kind in last))
    else:
        lines.append("No record received since the connector started.")
    return Section("fias", "FIAS link to the PMS", fias.up, tuple(lines))


def cloud_section(cloud: CloudFacts, when: TimeWords) -> Section:
    title = f"Cloud PMS ({cloud.vendor})"
    lines = [f"{'Connected' if cloud.connected else 'NOT connected'}: {cloud.detail}."]
    last = when(cloud.last_notice_at) if cloud.last_notice_at else "none yet"
    lines.append(f"Last notice from the PMS: {last}; {cloud.pending} waiting to be applied.")
    if cloud.failed:
        lines.append(f"{cloud.failed} notice(s) could not be read from the PMS; the resync "
                     "repairs their rooms.")
    resynced = when(cloud.last_resync_at) if cloud.last_resync_at else "not yet"
    lines.append(f"Last resync from the in-house list: {resynced} ({cloud.last_resync}).")
    return Section("cloud_pms", title, cloud.connected, tuple(lines))


def sip_section(lines_ready: int | None, lines_total: int | None) -> Section:
    if lines_ready is None or lines_total is None:
        return Section("sip", "SIP lines (wake-up calls)", False,
                       ("The telephone side is not running in this process.",))
    if lines_total == 0:
        return Section("sip", "SIP lines (wake-up calls)", False, (
            "No SIP line is configured: wake-up calls cannot ring; each is escalated to "
            "the front desk (CONNECTOR_SIP__LINES or CONNECTOR_SIP__ZOOM_DEVICE_IDS).",))
    return Section("sip", "SIP lines (wake-up calls)", lines_ready > 0, (
        f"{lines_ready} of {lines_total} SIP lines registered.",
        *(() if lines_ready else ("None is registered: wake-up calls cannot ring now.",))))


_TROUBLE_WORDS = {
    Trouble.SERVER_ERROR: "server error(s) (HTTP 5xx)",
    Trouble.NO_ANSWER: "time-out(s) or no answer",
    Trouble.RATE_LIMITED: "'too many requests' (HTTP 429)",
    Trouble.RENEWAL: "failed token renewal(s)",
}


def zoom_answers_lines(answers: ZoomAnswers, when: TimeWords) -> tuple[bool, list[str]]:
    """Whether Zoom answers now, and the lines saying so (since when, how it fails)."""
    if answers.failing_since is not None:
        kinds = ", ".join(f"{answers.counts[t]} {_TROUBLE_WORDS[t]}"
                          for t in Trouble if answers.counts.get(t))
        last = f" at {when(answers.last_failure_at)}" if answers.last_failure_at else ""
        return False, [
            f"Zoom is failing since {when(answers.failing_since)}: {kinds}; the last "
            f"{answers.last_failure}{last}.",
            "Changes are kept and retried; rooms show 'Zoom: failed' until Zoom answers again. "
            "Zoom's status page tells whether the outage is theirs."]
    if answers.last_outage is not None:
        began, ended = answers.last_outage
        return True, [f"Zoom answers normally (its last outage: {when(began)} to {when(ended)})."]
    if answers.last_ok_at is not None:
        return True, ["Zoom answers normally."]
    return True, []


def zoom_section(token_left: float | None, limiters: Iterable[LimiterFacts],
                 budgets: Iterable[BudgetFacts], answers: ZoomAnswers | None = None,
                 when: TimeWords = str) -> Section:
    """`token_left`: seconds until the token runs out (None: no token obtained); `answers`:
    how Zoom has answered lately (a run of 5xx, time-outs or 429s is an outage)."""
    ok = token_left is not None
    lines = ["Zoom token: none obtained (Zoom refused the app's credentials or could not be "
             "reached); changes wait until one is." if token_left is None else
             f"Zoom token: obtained, renewed before it runs out (in {_minutes(token_left)})."]
    if answers is not None:
        answering, answer_lines = zoom_answers_lines(answers, when)
        ok = ok and answering
        lines[:0] = answer_lines  # the outage first: it is what the IT person came for
    for limiter in sorted(limiters, key=lambda lim: (lim.family, lim.category)):
        pace = (f"{limiter.per_second * limiter.factor:g} a second" if limiter.per_second >= 1
                else f"{limiter.per_second * limiter.factor * 60:g} a minute")
        name = f"{_FAMILIES.get(limiter.family, limiter.family)}, " \
               f"{_CATEGORIES.get(limiter.category, limiter.category)}"
        if limiter.factor < 1:
            ok = False
            lines.append(f"{name}: slowed to {limiter.factor:.0%} ({pace}) after Zoom answered "
                         "'too many requests'; it speeds up again by itself.")
        else:
            lines.append(f"{name}: up to {pace} (our share of the account's limit).")
    for budget in sorted(budgets, key=lambda b: b.family):
        used = budget.limit - budget.remaining
        spent = budget.remaining == 0 and budget.limit > 0
        ok = ok and not spent
        lines.append(f"{_FAMILIES.get(budget.family, budget.family)}: {used} of today's "
                     f"{budget.limit} Heavy calls used (the day is Zoom's, UTC)"
                     + ("; spent: Heavy calls wait for 00:00 UTC." if spent else "."))
    return Section("zoom", "Zoom", ok, tuple(lines))


def waiting_section(waiting: Mapping[str, datetime | None], failures: Sequence[Failure],
                    reports_waiting: int, report_problems: Sequence[str],
                    when: TimeWords) -> Section:
    """Rooms Zoom lags on, those that failed and why, and reports the PMS has not had."""
    lines: list[str] = []
    oldest = min((at for at in waiting.values() if at is not None), default=None)
    if waiting:
        lines.append(f"{len(waiting)} room(s) waiting for Zoom"
                     + (f", the oldest change stored at {when(oldest)}." if oldest else "."))
    else:
        lines.append("Every room is in step with Zoom.")
    for failure in sorted(failures, key=lambda f: f.room):
        state = ("gave up until the next full pass or a re-sync" if failure.final
                 else f"retrying (attempt {failure.attempts})")
        lines.append(f"Room {failure.room} failed at {when(failure.at)}: "
                     f"{failure.error.rstrip('.')}; {state}.")
    lines.append(f"{reports_waiting} report(s) waiting to go to the PMS."
                 if reports_waiting else "No report is waiting to go to the PMS.")
    lines.extend(report_problems)
    ok = not failures and not report_problems
    return Section("waiting", "Events and reports waiting, rooms failed", ok, tuple(lines))


def billing_section(billing: BillingFacts) -> Section:
    if not billing.on:
        why = (f"to turn it on, set {' and '.join(billing.missing)}" if billing.missing else
               "the tariff (CONNECTOR_BILLING__TARIFF_FILE) was not loaded at start")
        return Section("billing", "Call accounting", True,
                       (f"Off: no call is taken or posted; {why}.",))
    lines = ["On: outside calls are rated and posted to the room's folio."]
    for p_number, room in billing.unknown_postings:
        lines.append(f"Posting P#{p_number} (room {room}) got no answer from the PMS: check "
                     "the room's folio; it will not be sent again.")
    return Section("billing", "Call accounting", not billing.unknown_postings, tuple(lines))


def _minutes(seconds: float) -> str:
    minutes = max(0, int(seconds // 60))
    return f"{minutes} min" if minutes < 120 else f"{minutes // 60} h {minutes % 60} min"
