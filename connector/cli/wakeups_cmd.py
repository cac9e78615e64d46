"""`connector wakeups`: the wake-ups waiting to ring and the front desk's open alerts, from
the local store; `--ack` acknowledges an alert (until the console does it)."""

from __future__ import annotations

import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import click

from connector.cli import main
from connector.cli.common import settings_or_exit
from connector.clock import SystemClock
from connector.hotel_time import hotel_time
from connector.store import Store


@main.command()
@click.option("--ack", "ack_id", type=int, default=None,
              help="Acknowledge the alert with this id (the front desk has dealt with it).")
@click.option("--by", "ack_by", default="", help="Who acknowledges (kept with the alert).")
def wakeups(ack_id: int | None, ack_by: str) -> None:
    """Wake-ups waiting to ring (hotel time) and open wake-up alerts. Exits 1 while an
    alert is open."""
    settings = settings_or_exit()
    tz = ZoneInfo(settings.hotel.timezone)
    with Store(settings.store.path) as store:
        if ack_id is not None:
            if not ack_by:
                raise click.UsageError("say who acknowledges with --by NAME")
            if not store.acknowledge_alert(ack_id, by=ack_by, at=SystemClock().now()):
                click.echo(f"Alert {ack_id} is not open (unknown, or already acknowledged).")
                sys.exit(2)
            click.echo(f"Alert {ack_id} acknowledged by {ack_by}.")
        waiting = [*store.wakeup_jobs_in_state("calling"), *store.wakeup_jobs_in_state("pending")]
        click.echo(f"{len(waiting)} wake-up(s) waiting to ring (times in {tz.key}):")
        for job in sorted(waiting, key=lambda j: (j.due_at, j.room)):
            retry = f", try {job.tries + 1}" if job.tries else ""
            now = " (ringing now)" if job.state == "calling" else ""
            click.echo(f"  room {job.room}: {_local(job.requested_at, tz)}"
                       f"{_next(job.due_at, job.requested_at, tz)}{retry}{now}")
        alerts = store.open_alerts()
        if alerts:
            click.echo(f"\n{len(alerts)} open alert(s) for the front desk:")
            for alert in alerts:
                what = ("not answered" if alert.kind == "wakeup_not_answered"
                        else "could not be placed (the connector was down)")
                when = _local(alert.requested_at, tz) if alert.requested_at else "?"
                tries = f" after {alert.tries} tries" if alert.tries else ""
                operator = f"; operator call: {alert.operator_call}" if alert.operator_call else ""
                click.echo(f"  [{alert.id}] room {alert.room}: wake-up for {when} {what}"
                           f"{tries}{operator}")
            click.echo("\nAcknowledge one with: connector wakeups --ack ID --by NAME")
        sys.exit(1 if alerts else 0)


def _local(at: datetime, tz: ZoneInfo) -> str:
    return hotel_time(at, tz)


def _next(due: datetime, requested: datetime, tz: ZoneInfo) -> str:
    if due == requested:
        return ""
    return f" (next try {hotel_time(due, tz, seconds=True, same_day_as=requested)})"
