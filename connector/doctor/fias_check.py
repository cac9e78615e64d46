"""The doctor's word on the FIAS link: how it will be checked and when it resyncs (from the
settings alone; the link itself is the running service's)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from connector.pms.fias.resync_policy import ResyncRules
from connector.settings import Settings
from connector.settings.model import FiasMode

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
