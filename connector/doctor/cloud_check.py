"""The doctor's word on a cloud PMS (OHIP, Cloudbeds): what the vendor's adapter finds
(credentials, permissions, the stream or the webhook subscription), and the notice inbox as
the running service left it (pending, failed, the last notice, the stream's offset)."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from prometheus_client import CollectorRegistry

from connector.clock import Clock
from connector.hotel_time import hotel_time
from connector.pms.cloud.contract import CloudPms
from connector.settings import Settings
from connector.settings.cloud_pms import CLOUD_KINDS
from connector.store import Store

from .report import DoctorReport, Status

INBOX = "PMS notices"


async def check_cloud_pms(settings: Settings, report: DoctorReport, *, clock: Clock,
                          adapter: CloudPms | None = None) -> None:
    """Run the adapter's own checks (FAIL when one is not ok), then say how the inbox
    stands; nothing when the PMS is not a cloud one. `adapter`: when not the one the
    settings build (tests)."""
    kind = settings.pms_kind()
    if kind not in CLOUD_KINDS:
        return
    tz = ZoneInfo(settings.hotel.timezone)
    if adapter is None:
        from connector.pms.cloud.loading import build_adapter

        try:
            adapter = build_adapter(settings, kind, tz=tz, clock=clock,
                                    registry=CollectorRegistry())
        except ImportError as error:
            report.add(f"PMS ({kind.value})", Status.FAIL,
                       f"this connector has no {kind.value} adapter", [str(error)])
            return
    try:
        findings = await adapter.doctor()
    except Exception as error:  # the adapter's own failure is a finding too
        findings = [(f"PMS ({kind.value})", False, "the checks could not run",
                     [f"{type(error).__name__}: {error}"])]
    finally:
        await adapter.close()
    for name, ok, summary, details in findings:
        report.add(name, Status.OK if ok else Status.FAIL, summary, details)
    _check_inbox(settings, kind.value, report)


def _check_inbox(settings: Settings, vendor: str, report: DoctorReport) -> None:
    resync = (f"resync: at start, after a gap in the PMS's events, daily at "
              f"{settings.pms.resync_daily_at} hotel time, on demand with "
              "`connector sync --pms`")
    path = Path(settings.store.path)
    if not path.exists():
        report.add(INBOX, Status.OK, "none yet",
                   [f"no store at {path} yet: `connector serve` has not run", resync])
        return
    with Store(path) as store:
        counts = store.cloud_notices.counts()
        offset = store.cloud_notices.offset(vendor)
    tz = ZoneInfo(settings.hotel.timezone)
    last = ("never" if counts.last_received_at is None
            else hotel_time(counts.last_received_at, tz))
    details = [f"last notice received: {last}",
               f"stream offset: {offset if offset is not None else 'none stored'}", resync]
    summary = f"{counts.pending} pending, {counts.failed} failed, {counts.applied} applied"
    if counts.failed:
        details.insert(0, "failed notices could not be read from the PMS; the resync "
                          "repairs their rooms (connector status shows the rooms)")
    report.add(INBOX, Status.WARN if counts.failed else Status.OK, summary, details)
