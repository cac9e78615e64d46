"""Group wake-ups: N rooms' wake-ups fall due at the same moment and P SIP lines call them
against room phones that answer after a set delay. How late does each room start ringing,
and how close does the whole burst come to the fastest P lines allow?

    python bench/wakeup_burst.py [--rooms 48] [--lines 24] [--answer-delay 1] [--transport udp|tls]

Exits 0 when the goals below are met, 1 otherwise; the last line is the verdict. Figures and
how to read them: docs/benchmarks.md.

Setup. Real parts on loopback. Kamailio stands in for Zoom (tests/sip/peers: 401/407 digest,
record-route); every room extension 2NNN goes to one sipp room phone (`room_answer_digit`,
-m N -l N). It rings for `--answer-delay` s, answers, presses 1 `--digit-after` s after the
ACK and waits for our BYE. The connector's side runs in this process: the `LinePool` of P
lines (1001, 1002, ...; registered before anything is timed) and the `WakeupScheduler` as
`connector serve` builds it, on a SQLite `Store` (temporary directory), the shipped English
prompts and a `Reporter` with no PMS channel. Confirm mode is press_before: "press 1 to
confirm", the 1 (which cuts the prompt short), the wake-up message and "goodbye", then our
hang-up. There are no retries. Rooms 101, 102, ... map to extensions 2101, 2102, ...; each is
checked in and given a wake-up; all are due at the same whole second, `--lead` s later (as
a PMS's HH:MM makes them), and go in as one ingest, as `Connector.ingest` does it.

Measured from the outside, in the room phone's message trace (sipp -trace_msg):
- lateness: when the room phone got our INVITE (after the 407 round), minus the due time. The
  first P calls found a line free: goal p99 < 1 s. The others waited for a line; they are
  printed apart, with the line turnaround (a room's BYE -> the next queued room's INVITE).
- call duration: the median INVITE -> BYE at the room phone (ringing, the digit, the message).
- total: from the due time to the last BYE at the room phone, against the bound
  ceil(N / P) x call duration. The message says the time, so calls a minute later can be
  half a second longer or shorter; the goal is judged on the waves' bound (the sum over
  waves of P calls of each wave's median duration), which is the same bound when every call
  is as long: total / bound of the waves <= 1.05.
- CPU per concurrent call: this process's CPU time (getrusage), from storing the wake-ups to
  the end of the last try, divided by the call-seconds (the sum of the durations): the share
  of one core that one call in progress costs. Kamailio's and sipp's CPU are printed too.
Also checked: every wake-up ended confirmed, and the room phone counted N successful calls.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import math
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest  # the peers skip through pytest when a program is missing
from prometheus_client import CollectorRegistry

from connector.clock import SystemClock
from connector.events.models import AnyEvent, CheckIn, Guest, WakeupSet
from connector.pms.reporter import Reporter
from connector.rooms.desired import RoomView, fold
from connector.rooms.state import RoomState
from connector.settings.phone import (
    ConfirmMode,
    SipAccount,
    SipSettings,
    SipTransport,
    SrtpMode,
    WakeupSettings,
)
from connector.sip.pool import LinePool
from connector.store import Store
from connector.voice import speech
from connector.voice.library import PromptLibrary
from connector.wakeup.metrics import WakeupMetrics
from connector.wakeup.scheduler import WakeupScheduler
from connector.wakeup.script import Speaking

# The SIP test bed lives with the tests; this script runs as `python bench/wakeup_burst.py`.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.wakeup_burst_parts import (
    BurstFigures,
    RoomCall,
    group_cpu,
    own_cpu,
    read_room_calls,
    reaped_children_cpu,
)
from tests.sip.peers import ports
from tests.sip.peers.certs import make_certs
from tests.sip.peers.kamailio import Kamailio, start_kamailio
from tests.sip.peers.sipp import RunOptions, Sipp

GOAL_FREE_P99 = 1.0  # seconds: a room with a line free rings within a second of its time
GOAL_RATIO = 1.05
FIRST_ROOM = 101
LAST_ROOM = 998  # extension 2999 is the test bed's busy room
RTP_PORTS = (42000, 42999)  # outside the 30000-40000 block the peers take theirs from
TIMEZONE = ZoneInfo("UTC")
POLL_SECONDS = 0.25


class Hotel:
    """The connector's wake-up side: store, scheduler, and the PMS's events going in."""

    def __init__(self, directory: Path, pool: LinePool, prompts: PromptLibrary,
                 rooms: Sequence[str], ring_seconds: float) -> None:
        clock = SystemClock()
        self.clock = clock
        self.rooms = rooms
        self.store = Store(directory / "connector.sqlite3", clock=clock)
        self.scheduler = WakeupScheduler(
            settings=WakeupSettings(confirm=ConfirmMode.PRESS_BEFORE, retries=0,
                                    ring_seconds=ring_seconds),
            store=self.store, phone=pool,
            speaking=Speaking(voice=prompts, speech=speech, tz=TIMEZONE),
            reporter=Reporter(self.store, None, tz=TIMEZONE, clock=clock),
            room_map={room: f"2{room}" for room in rooms}, clock=clock,
            metrics=WakeupMetrics(CollectorRegistry()))

    def wake_everyone_at(self, due: datetime) -> None:
        """Check every room in with a wake-up at `due`: one PMS batch, stored and folded as
        `Connector.ingest` does, then the scheduler is told which rooms changed."""
        now = self.clock.now()
        events: list[AnyEvent] = []
        for room in self.rooms:
            events.append(CheckIn(id=f"in-{room}", occurred_at=now, room=room,
                                  reservation=f"R{room}", guests=[Guest(last_name="Guest")]))
            events.append(WakeupSet(id=f"wake-{room}", occurred_at=now, room=room, at=due))
        changed: set[str] = set()

        def noting(event: AnyEvent, seq: int, rooms: RoomView) -> dict[str, RoomState]:
            result = fold(event, seq, rooms)
            changed.update(result)
            return result

        self.store.ingest(events, noting)
        self.scheduler.rooms_changed(sorted(changed))

    def active_tries(self) -> int:
        return (self.store.count_wakeup_jobs("pending")
                + self.store.count_wakeup_jobs("calling"))

    def outcomes(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for job in self.store.wakeup_jobs(self.rooms):
            key = job.last_outcome if job.state == "done" else job.state
            counts[str(key)] = counts.get(str(key), 0) + 1
        return counts


def _pool(kamailio: Kamailio, lines: int, transport: SipTransport) -> LinePool:
    settings = SipSettings(
        transport=transport, outbound_proxy=kamailio.proxy(transport.value),
        bind_host=kamailio.host, srtp=SrtpMode.OFF,  # Debian's sipp has no SRTP
        tls_ca_file=kamailio.ca_file, stagger_seconds=0.02,
        rtp_port_min=RTP_PORTS[0], rtp_port_max=RTP_PORTS[1])
    accounts = [SipAccount(user=str(1001 + n), password=kamailio.password,
                           domain=kamailio.host) for n in range(lines)]
    return LinePool.from_settings(settings, accounts, registry=CollectorRegistry())


async def _until_no_tries_left(hotel: Hotel, within: float) -> bool:
    deadline = time.monotonic() + within
    while hotel.active_tries():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(POLL_SECONDS)
    return True


def _waves(calls: Sequence[RoomCall], lines: int, due: float) -> list[str]:
    rows = []
    for first in range(0, len(calls), lines):
        wave = calls[first:first + lines]
        ends = [call.bye_at for call in wave if call.bye_at is not None]
        last_end = f"{max(ends) - due:>9.3f}" if ends else f"{'-':>9}"
        rows.append(f"  wave {first // lines + 1:<3}{len(wave):>6}"
                    f"{wave[0].invite_at - due:>14.3f}{wave[-1].invite_at - due:>13.3f}"
                    f"{last_end}")
    return rows


async def main(args: argparse.Namespace, work: Path) -> int:
    """The benchmark; peers' files and the store go under `work`."""
    if not 1 <= args.rooms <= LAST_ROOM - FIRST_ROOM + 1:
        raise SystemExit(f"--rooms: 1 to {LAST_ROOM - FIRST_ROOM + 1}")
    if not 1 <= args.lines <= 99:
        raise SystemExit("--lines: 1 to 99 (the test bed's lines are 1001-1099)")
    rooms = [str(FIRST_ROOM + n) for n in range(args.rooms)]
    transport = SipTransport(args.transport)
    waves = math.ceil(args.rooms / args.lines)
    timeout = args.lead + waves * (args.answer_delay + args.digit_after + 30) + 30
    print(f"wake-up burst: {args.rooms} rooms due at the same second, {args.lines} SIP lines "
          f"({transport.value}), rooms answer after {args.answer_delay:g} s and press 1 "
          f"{args.digit_after:g} s later (confirm press_before)")
    print(f"goals: p99 lateness < {GOAL_FREE_P99:g} s for calls that find a line free; "
          f"total <= {GOAL_RATIO} x ceil({args.rooms}/{args.lines}) x call duration "
          f"(each wave's own)\n")

    prompts = await asyncio.to_thread(PromptLibrary.load, None, "en")
    async with contextlib.AsyncExitStack() as running:
        certs = make_certs(work / "certs")
        room_port = ports.free_port(tcp=False)
        ports.release(room_port)  # claimed again by the sipp room phone below
        kamailio = start_kamailio(work / "kamailio", certs, shared_room_port=room_port)
        running.callback(kamailio.stop)
        sipp = Sipp(work / "sipp", kamailio)
        running.callback(sipp.stop_all)
        pool = _pool(kamailio, args.lines, transport)
        await pool.start()
        running.push_async_callback(pool.stop)
        if not await pool.wait_ready(args.lines, within=10 + 0.02 * args.lines):
            print(f"VERDICT: FAIL - only {pool.lines_ready} of {args.lines} lines registered")
            return 1

        children_before = reaped_children_cpu()
        phone = sipp.start(
            "room_answer_digit", port=room_port,
            options=RunOptions(calls=args.rooms, limit=args.rooms, timeout=timeout + 30),
            ring_ms=round(args.answer_delay * 1000), digit_after_ms=round(args.digit_after * 1000))
        ports.wait_bound(room_port)
        hotel = Hotel(work, pool, prompts, rooms,
                      ring_seconds=max(5.0, args.answer_delay + 5))
        running.callback(hotel.store.close)
        stop = asyncio.Event()
        scheduler = asyncio.create_task(hotel.scheduler.run(stop), name="wakeups")

        due = math.ceil(time.time() + args.lead)
        cpu_before, kamailio_before = own_cpu(), group_cpu(kamailio.process.pid)
        hotel.wake_everyone_at(datetime.fromtimestamp(due, UTC))
        finished = await _until_no_tries_left(hotel, timeout)
        cpu = own_cpu() - cpu_before
        kamailio_cpu = group_cpu(kamailio.process.pid) - kamailio_before
        stop.set()
        await scheduler
        # With every try over, the room phone has had its N calls and exits by itself.
        room_result = await phone.wait_async(within=10 if finished else 1)
        sipp_cpu = reaped_children_cpu() - children_before
        outcomes = hotel.outcomes()

        calls = read_room_calls((phone.run_dir / "messages.log").read_text(errors="replace"))
    confirmed = outcomes.get("confirmed", 0)
    print(f"wake-ups: {confirmed} of {args.rooms} confirmed "
          f"({', '.join(f'{k} {v}' for k, v in sorted(outcomes.items()))}); room phone: "
          f"{room_result.successful} successful, {room_result.failed} failed"
          f"{', timed out' if room_result.timed_out else ''}")
    if not finished or len(calls) != args.rooms or any(c.bye_at is None for c in calls):
        print(f"room phone saw {len(calls)} INVITEs, "
              f"{sum(c.bye_at is not None for c in calls)} BYEs (--store-dir DIR keeps the "
              f"peers' configs and logs)")
        print(f"\nVERDICT: FAIL - the burst did not complete ({confirmed} of {args.rooms} "
              f"confirmed)")
        return 1
    figures = BurstFigures.of(calls, due=due, lines=args.lines)
    _print_figures(figures, calls, due, args, cpu=cpu, kamailio_cpu=kamailio_cpu,
                   sipp_cpu=sipp_cpu)
    return _verdict(figures, confirmed, args.rooms, room_result.ok)


def _print_figures(figures: BurstFigures, calls: Sequence[RoomCall], due: float,
                   args: argparse.Namespace, *, cpu: float, kamailio_cpu: float,
                   sipp_cpu: float) -> None:
    durations = sorted(c.bye_at - c.invite_at for c in calls if c.bye_at is not None)
    print(f"call duration (room phone, INVITE -> BYE): median {figures.median_call:.3f} s "
          f"(min {durations[0]:.3f}, max {durations[-1]:.3f})\n")
    print(f"{'seconds':<52}{'calls':>6}{'p50':>8}{'p99':>8}{'max':>8}")
    print(f"{'lateness, due -> INVITE at the room, line free':<52}{figures.free_lateness.row()}")
    print(f"{'lateness, due -> INVITE at the room, queued':<52}"
          f"{figures.queued_lateness.row()}")
    print(f"{'line turnaround, BYE -> next queued INVITE':<52}{figures.turnaround.row()}")
    print(f"\n{'':<11}{'calls':>6}{'first INVITE':>14}{'last INVITE':>13}{'last BYE':>9}"
          f"   (seconds after the due time)")
    print("\n".join(_waves(calls, args.lines, due)))
    print(f"\ntotal: due -> last BYE {figures.total:.3f} s")
    print(f"  bound ceil({args.rooms}/{args.lines}) x {figures.median_call:.3f} s (median call) "
          f"= {figures.bound:.3f} s: ratio {figures.ratio:.3f}")
    print(f"  bound of the waves (each wave's median call, back to back) = "
          f"{figures.waves_bound:.3f} s: ratio {figures.waves_ratio:.3f}")
    share = cpu / figures.call_seconds
    print(f"CPU, connector process: {cpu:.2f} s over {figures.call_seconds:.1f} call-seconds "
          f"= {100 * share:.2f} % of one core per concurrent call "
          f"({args.lines} at once: {100 * share * args.lines:.0f} %)")
    print(f"CPU, peers: kamailio {kamailio_cpu:.2f} s, sipp room phone {sipp_cpu:.2f} s")


def _verdict(figures: BurstFigures, confirmed: int, rooms: int, room_ok: bool) -> int:
    checks = [
        (figures.free_lateness.p99 < GOAL_FREE_P99,
         f"p99 lateness with a free line {figures.free_lateness.p99:.3f} s "
         f"(goal < {GOAL_FREE_P99:g} s)"),
        (figures.waves_ratio <= GOAL_RATIO,
         f"total / bound of the waves {figures.waves_ratio:.3f} (goal <= {GOAL_RATIO})"),
        (confirmed == rooms and room_ok,
         f"{confirmed} of {rooms} wake-ups confirmed, room phone "
         f"{'ok' if room_ok else 'not ok'}"),
    ]
    print()
    for ok, text in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {text}")
    passed = all(ok for ok, _ in checks)
    print(f"\nVERDICT: {'PASS' if passed else 'FAIL'} - "
          + "; ".join(text for _, text in checks))
    return 0 if passed else 1


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rooms", type=int, default=48, help="wake-ups due at once (N)")
    parser.add_argument("--lines", type=int, default=24, help="SIP lines in the pool (P)")
    parser.add_argument("--answer-delay", type=float, default=1.0,
                        help="seconds the room phone rings before it answers")
    parser.add_argument("--digit-after", type=float, default=1.0,
                        help="seconds after the answer until the guest presses 1")
    parser.add_argument("--transport", choices=["udp", "tls"], default="udp",
                        help="our lines to Kamailio (Kamailio reaches sipp over UDP)")
    parser.add_argument("--lead", type=float, default=2.0,
                        help="seconds between storing the wake-ups and their due time")
    parser.add_argument("--store-dir", default=None,
                        help="where the store and the peers' configs and logs go, kept "
                             "(default: a temporary directory, removed)")
    return parser.parse_args(argv)


def run(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark with command-line `argv`; the exit status."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = parse_args(argv)
    with contextlib.ExitStack() as scratch:
        work = Path(args.store_dir or scratch.enter_context(
            tempfile.TemporaryDirectory(prefix="wakeup-burst-")))
        work.mkdir(parents=True, exist_ok=True)
        try:
            return asyncio.run(main(args, work))
        except pytest.skip.Exception as missing:
            print(f"VERDICT: FAIL - a SIP peer is missing: {missing}")
            return 1


if __name__ == "__main__":
    sys.exit(run())
