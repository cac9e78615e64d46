"""The doctor's word on the FIAS link: how it will be checked and when it resyncs (from the
settings), and how the PMS keys its guests (as the running service last saw it)."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from connector.pms.fias.resync_policy import ResyncRules
from connector.serve.fias_watch import GUEST_KEY_META, guest_key_line
from connector.settings import Settings
from connector.settings.model import FiasMode, FiasSettings
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
    if fias.mode is FiasMode.SERVER:
        _check_server_guard(fias, report)


def _check_server_guard(fias: FiasSettings, report: DoctorReport) -> None:
    """A listening link with no allow-list lets anyone who reaches the port act as the PMS."""
    mtls = "client certificates required" if fias.tls_client_ca else "no client certificates"
    entries = fias.allowed_peer_entries()
    if entries is None:
        report.add("FIAS server guard", Status.WARN,
                   f"any address may open the FIAS link on port {fias.port} and take it over "
                   "from the PMS", [
                       "set CONNECTOR_FIAS__ALLOWED_PEERS to the PMS's address, host name or "
                       "CIDR block (comma-separated), e.g. 10.0.5.20",
                       f"mutual TLS: {mtls} (CONNECTOR_FIAS__TLS_CLIENT_CA)",
                   ])
        return
    report.add("FIAS server guard", Status.OK,
               f"only {', '.join(entries)} may open the link", [f"mutual TLS: {mtls}"])


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
