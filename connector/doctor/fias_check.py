"""The doctor's word on the FIAS link: how it will be checked and when it resyncs (from the
settings), and how the PMS keys its guests (as the running service last saw it)."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from connector.pms.fias.resync_policy import ResyncRules
from connector.serve.fias_watch import GUEST_KEY_META, guest_key_line
from connector.settings import Settings
from connector.settings.model import FiasMode
from connector.store import Store

from .report import DoctorReport, Status


def check_fias(settings: Settings, report: DoctorReport) -> None:
    """Say which alive check and which resync policy the link uses (nothing when off)."""
    fias = settings.fias
    if fias.mode is FiasMode.OFF:
        return
    rules = ResyncRules.parse(fias.resync_after_down_seconds, fias.resync_daily_at,
                              ZoneInfo(settings.hotel.timezone))
    report.add("FIAS link", Status.OK,
               f"{fias.mode.value} {fias.host}:{fias.port}, profile {fias.profile.value}", [
                   f"alive check: {fias.alive_check().describe()}",
                   f"resync (DR): {rules.describe()}",
               ])


def check_fias_guest_key(settings: Settings, report: DoctorReport) -> None:
    """Guests keyed by reservation number (G#) or by room, from the store; nothing to say
    when FIAS is off. Read from the store `connector serve` keeps (never created here)."""
    if settings.fias.mode is FiasMode.OFF:
        return
    path = Path(settings.store.path)
    if not path.exists():
        report.add("FIAS guests", Status.OK, guest_key_line(None),
                   [f"no store at {path} yet: `connector serve` has not run"])
        return
    with Store(path) as store:
        stored = store.meta(GUEST_KEY_META)
    report.add("FIAS guests", Status.OK, guest_key_line(stored))
