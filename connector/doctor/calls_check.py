"""The doctor's line for call accounting: on only when Zoom may send and list the calls (the
scopes), the webhooks can be proven Zoom's (the secret token) and the tariff can be read; what
is missing otherwise; and, from the store, the calls that need someone (unknown postings,
calls held for want of a rate, with the classes the tariff lacks, late charges)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

from connector.billing.tariff import TariffError, load_tariff
from connector.billing.webhook import CALL_HISTORY_EVENT_SCOPE
from connector.settings import Settings
from connector.store import CallState, Store, StoreError
from connector.zoom.catalogue import endpoint
from connector.zoom.scopes import ScopeReport

from .report import DoctorReport, Status

NAME = "Calls"
# At most this many held calls are read to group their reasons (the count is exact anyway).
_NO_RATE_READ = 10_000
# A number as the reasons show it (`+44791…`): the grouping is by what is missing, not who
# was called.
_SHOWN_NUMBER = re.compile(r"\+?\d+…")


def check_call_accounting(settings: Settings, scopes: ScopeReport | None,
                          report: DoctorReport) -> None:
    """OK when call accounting is on and no call waits for someone, or when the hotel has
    not set it up at all (no tariff, no secret token); WARN otherwise, saying what to do.
    `scopes` None: the token could not be had, so the scopes are not checked."""
    missing = _missing(settings, scopes)
    tariff_problems = _tariff_problems(settings.billing.tariff_file)
    attention = _attention(settings.store.path)
    if tariff_problems:
        missing.append(f"the tariff {settings.billing.tariff_file} cannot be used (calls are "
                       f"kept and held as 'no rate' until it is fixed and the connector "
                       f"restarted): {len(tariff_problems)} problem(s)")
    if missing:
        not_set_up = (settings.billing.tariff_file is None
                      and settings.zoom.webhook_secret_token is None)
        status = Status.OK if not_set_up and not attention else Status.WARN
        summary = ("off: not set up (docs/billing.md)" if not_set_up
                   else "OFF: no call is taken or posted")
        report.add(NAME, status, summary, missing + tariff_problems + attention)
        return
    summary = "on: calls from the rooms are rated by the tariff and posted to the folio"
    if attention:
        report.add(NAME, Status.WARN, f"{summary}; some calls need someone", attention)
    else:
        report.add(NAME, Status.OK, summary)


def _missing(settings: Settings, scopes: ScopeReport | None) -> list[str]:
    needs = []
    if settings.billing.tariff_file is None:
        needs.append("set CONNECTOR_BILLING__TARIFF_FILE: the hotel's tariff "
                     "(deploy/tariff.example.yaml, docs/billing.md)")
    if settings.zoom.webhook_secret_token is None:
        needs.append("set CONNECTOR_ZOOM__WEBHOOK_SECRET_TOKEN: the Zoom app's Secret Token "
                     "(app → Feature), which signs its call-history webhooks")
    if scopes is None or scopes.granted is None:
        return needs
    if CALL_HISTORY_EVENT_SCOPE not in scopes.granted:
        needs.append(f"the Zoom app lacks {CALL_HISTORY_EVENT_SCOPE}: Zoom sends no call-history "
                     "webhooks (add it: app → Scopes)")
    listing = endpoint("list_account_call_history")
    if not scopes.allows(listing):
        needs.append(f"the Zoom app lacks {listing.admin_scope}: calls whose webhook is "
                     "lost are never found (add it: app → Scopes)")
    return needs


def _tariff_problems(path: Path | None) -> list[str]:
    if path is None:
        return []
    try:
        load_tariff(path)
    except TariffError as error:
        return list(error.problems)
    except OSError as error:
        return [f"the file cannot be read: {error}"]
    return []


def _attention(path: Path) -> list[str]:
    """The calls waiting for someone, from the store (none when it does not exist yet)."""
    if not path.exists():
        return []
    try:
        with Store(path) as store:
            counts = store.count_open_calls()
            held = store.calls(states=["no_rate"], limit=_NO_RATE_READ) if counts.get(
                "no_rate") else []
    except StoreError as error:
        return [f"the store could not be read for the calls: {error}"]
    return attention_lines(counts, [record.reason or "" for record in held])


def attention_lines(counts: Mapping[CallState, int], no_rate_reasons: Sequence[str]) -> list[str]:
    """What the front desk or IT must do about the calls by state (pure): unknown postings
    to settle, no-rate calls grouped by the class the tariff lacks, late charges."""
    lines = []
    if unknown := counts.get("unknown", 0):
        lines.append(f"{unknown} posting(s) unknown: sent, no answer from the PMS; check the "
                     "folio, then `connector calls resolve --p-number N --posted` (or "
                     "--not-posted); `connector calls --unknown` lists them")
    if no_rate := counts.get("no_rate", 0):
        lines.append(f"{no_rate} call(s) held with no rate: add the class to the tariff and "
                     "restart (they are rated then); `connector calls --no-rate` lists them")
        grouped = Counter(_SHOWN_NUMBER.sub("…", reason) for reason in no_rate_reasons)
        lines.extend(f"  {count} call(s): {reason}" for reason, count in grouped.most_common())
    if waiting := counts.get("waiting_charge", 0):
        lines.append(f"{waiting} call(s) waiting for Zoom's carrier charge (their tariff class "
                     "marks it up): read after each call-history poll, for at most "
                     "CONNECTOR_BILLING__CARRIER_CHARGE_WAIT_HOURS")
    if late := counts.get("late", 0):
        lines.append(f"{late} late charge(s): the record came after the guest left and the "
                     "window (CONNECTOR_BILLING__LATE_POSTING_HOURS); charge by hand if "
                     "wanted; `connector calls --late` lists them")
    return lines
