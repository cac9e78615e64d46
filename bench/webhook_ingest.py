"""Webhook ingest: how many signed PMS events a second does `connector serve` acknowledge on
loopback, each one committed to disk before the answer, at what latency, and how does that
compare with the same server answering an empty endpoint (the ceiling of the stack here)?

    python bench/webhook_ingest.py [--events 5000] [--connections 32] [--batch 50]
                                   [--batch-events 10000] [--reconcile] [--store-dir DIR]

Three processes, so that no part's work lands on another's event loop:
  - the Zoom sandbox (child): the connector must open against a Zoom (token, directory); it
    serves on loopback as the real Zoom would from afar, and its request log says whether the
    connector called Zoom while the load ran;
  - the connector (child): what `connector serve` runs, `Service` (the web door on FastAPI +
    uvicorn, the reconciler, the directory refresh) on one asyncio loop, production settings
    except those named here, logging JSON at INFO (to a file in the work directory, not
    stderr), its store a SQLite file (WAL, synchronous=FULL) in a fresh temporary directory.
    It is built as `connector.serve.runner.serve` builds it, plus one benchmark-only route
    (below) and SIGTERM/SIGINT handlers;
  - the load generator (this process): a minimal HTTP/1.1 keep-alive client on asyncio
    streams, C connections opened before the clock starts, each sending its next request when
    the previous answer is in (closed loop). Not httpx: at a few hundred microseconds of CPU a
    request it would be the bottleneck of the ceiling on a small machine and flatter the
    ratio. Requests are signed (`signature_headers`) and serialised before each run starts;
    the generator's and the server's CPU use are printed per run, so a saturated generator
    would show.

Runs, in order (a short unmeasured warm-up of both paths first):
  ceiling/single   `POST /bench/empty` with the single-event run's exact requests (signed,
                   same bodies; only the path differs); the route exists only in this
                   benchmark's app object, reads the body and answers 204;
  webhook/single   `POST /v1/pms/events`, one event a request: `--events` valid events with
                   unique ids for the rooms of the room map, round-robin, each room cycling
                   check-in, DND on, DND off, check-out (with check-outs, a room's state
                   stays one stay, as in a hotel; check-ins alone would pile up stays and
                   make every fold slower as the run goes on);
  ceiling/batch    as ceiling/single with the batch run's requests (repeated to at least
                   2,000 requests, so the ceiling is not a handful of samples);
  webhook/batch    `--batch-events` in batches of `--batch` (one transaction each).
Each run: acknowledged events (202 answers, each id answered `stored`) per second, from the
first request sent to the last answer read, and p50/p99 of the time per request.

The reconciler. By default it runs as in production but with the settle time at its maximum
(CONNECTOR_RECONCILE__SETTLE_SECONDS=60): every event re-arms its room's settle timer, so no
room becomes due while the load runs, as when the PMS sends faster than Zoom's rate limits let
the connector follow. The reconciler still wakes after nudges and reads the dirty rooms (a
cost of the ingest path in production too) but calls no Zoom; the sandbox's request log
confirms it (the "Zoom" column). `--reconcile` keeps the production settle (0.5 s): rooms
are pushed to the sandbox while the load runs, on the connector's loop and on the sandbox's
process, which then shares the machine with the measurement.

The disk. Durable-before-acknowledged costs an fsync per commit, on the event loop; the
webhook's requests that arrive together share one (group commit, `connector.web.
group_commit`), so on the wall clock the single-event rate is about 1 / (CPU per request +
fsync / requests per commit). A bare SQLite probe (one-row transactions, WAL,
synchronous=FULL, in the store's directory) times the fsync first.

Goals (exit 0 when all hold; issue 13's):
  - single events: events/s >= 0.5 x the empty endpoint's requests/s on the wall clock, the
    connector's CPU per acknowledged event at most 2 x the stack's CPU per empty request (the
    ratio >= 0.5), and p99 at most 3 x the empty endpoint's. CPU time is charged only while a
    process runs, so it holds up better than rates when other processes share the machine
    (the "others" column);
  - batches (`--batch`, 50): events/s >= 0.25 x the batch ceiling's requests/s, on the wall
    clock (the batch shares one fsync);
  - every run answered in full; every acknowledged event is in the store
    (`Store.event_status`), the store holds exactly the events acknowledged, none twice.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import json
import logging
import multiprocessing
import os
import platform
import pstats
import shutil
import signal
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from connector.web.signing import signature_headers

HOST = "127.0.0.1"
SECRET = "bench-webhook-secret-0123456789abcdef"
WEBHOOK_PATH = "/v1/pms/events"
EMPTY_PATH = "/bench/empty"
HELD_SETTLE_SECONDS = 60.0  # the settings' maximum: no room settles while load runs
MIN_CEILING_REQUESTS = 2000
WARMUP_CEILING, WARMUP_EVENTS = 500, 100
GOAL_SINGLE = 0.5  # single events/s / the empty endpoint's requests/s
GOAL_SINGLE_CPU = 0.5  # the empty endpoint's CPU per request / the webhook's per event
GOAL_SINGLE_P99 = 3.0  # the webhook's p99 / the empty endpoint's
GOAL_BATCH = 0.25  # batched events/s / the empty endpoint's requests/s
REQUEST_TIMEOUT = 15.0  # seconds for one answer
START_TIMEOUT = 60.0  # seconds for a child to come up
SHUTDOWN_TIMEOUT = 10.0  # seconds for the connector's graceful shutdown
FIRST_NAMES = ("Ana", "Ben", "Chloé", "Dmitri", "Eun-ji", "Farah", "Giulia", "Hiro")
LAST_NAMES = ("Lima", "Okafor", "Dubois", "Ivanov", "Kim", "Haddad", "Rossi", "Sato")


# -- children ------------------------------------------------------------------------------


def _stop_on_message(conn: Connection, stop: asyncio.Event,
                     answer: Callable[[str], Any] | None = None) -> None:
    """Set `stop` when the parent says "stop" or goes away; answer other requests."""
    loop = asyncio.get_running_loop()

    def readable() -> None:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            message = "stop"
        if message == "stop" or answer is None:
            loop.remove_reader(conn.fileno())
            stop.set()
        else:
            conn.send(answer(message))

    loop.add_reader(conn.fileno(), readable)
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)


def sandbox_child(conn: Connection, workdir: str, lifetime: float) -> None:
    asyncio.run(_sandbox(conn, Path(workdir), lifetime))


async def _sandbox(conn: Connection, workdir: Path, lifetime: float) -> None:
    from connector.sandbox import Sandbox, SandboxConfig
    from connector.sandbox.server import SandboxServer

    sandbox = Sandbox(SandboxConfig())
    async with SandboxServer(sandbox):
        room_map = sandbox.hotel.write_room_map(workdir / "rooms.csv")
        # Rooms of the map that Zoom has (the demo map also lists two it does not), so a
        # reconciler that pushes (--reconcile) can converge them.
        rooms = [e.room for e in sandbox.hotel.rooms
                 if sandbox.account.owner_of_extension(e.extension) is not None]
        conn.send({"env": sandbox.environment(str(room_map)), "rooms": rooms})
        stop = asyncio.Event()

        def zoom_calls(_message: str) -> int:
            return sum(1 for e in sandbox.log.entries() if e.endpoint != "oauth_token")

        _stop_on_message(conn, stop, zoom_calls)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), lifetime)
    with contextlib.suppress(OSError):
        conn.send({"stopped": True})


async def empty_endpoint(request: Request) -> Response:
    """The ceiling: a route as the webhook's is (Starlette, a Request in), that reads the body
    and answers 204: everything the stack does, nothing the connector does."""
    await request.body()
    return Response(status_code=204)


def _matches_webhook(route: Any) -> bool:
    """Whether `route` answers the webhook's requests."""
    from starlette.routing import Match

    scope = {"type": "http", "method": "POST", "path": WEBHOOK_PATH, "root_path": "",
             "headers": [], "query_string": b""}
    return bool(route.matches(scope)[0] is Match.FULL)


def connector_child(conn: Connection, env: dict[str, str], workdir: str,
                    lifetime: float, profile: bool) -> None:
    for key in [k for k in os.environ if k.startswith("CONNECTOR_")]:
        del os.environ[key]
    os.environ.update(env)
    from connector.logs import configure_logging
    from connector.settings import load_settings

    settings = load_settings(_env_file=None)
    configure_logging(settings.log)
    log_file = open(Path(workdir) / "connector.log", "a", encoding="utf-8")  # noqa: SIM115
    for handler in logging.getLogger("connector").handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(log_file)
    profiler = cProfile.Profile(time.process_time) if profile else None  # CPU, not wall
    try:
        if profiler is not None:
            profiler.enable()
        asyncio.run(_connector(conn, settings, lifetime))
    finally:
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(Path(workdir) / "connector.prof")
        log_file.close()


async def _connector(conn: Connection, settings: Any, lifetime: float) -> None:
    from prometheus_client import CollectorRegistry

    from connector.clock import SystemClock
    from connector.serve.runner import Service
    from connector.service import Connector

    clock, registry = SystemClock(), CollectorRegistry()
    connector = await Connector.open(settings, clock=clock, registry=registry)
    service = Service(settings, connector, clock=clock, registry=registry)

    # The ceiling: on this benchmark's app object only, beside the real routes, and found
    # as the webhook is: tried right before the webhook's route. Appended last, it was
    # tried after every other route, about 20 us of matching a request that the webhook
    # does not pay (which flattered the ratios).
    from starlette.routing import Route

    routes = service.app.router.routes
    webhook_at = next(i for i, route in enumerate(routes) if _matches_webhook(route))
    routes.insert(webhook_at, Route(EMPTY_PATH, empty_endpoint, methods=["POST"]))
    running = asyncio.create_task(service.run(), name="service")
    deadline = time.monotonic() + START_TIMEOUT
    while not service.web.started:
        if running.done() or time.monotonic() > deadline:
            service.stop.set()
            await asyncio.wait_for(running, 10)
            raise RuntimeError("the connector's web server did not start")
        await asyncio.sleep(0.01)
    port = service.web.servers[0].sockets[0].getsockname()[1]
    conn.send({"port": port, "pid": os.getpid()})
    stop = asyncio.Event()
    _stop_on_message(conn, stop)
    stopper = asyncio.create_task(stop.wait())
    await asyncio.wait([stopper, running], timeout=lifetime,
                       return_when=asyncio.FIRST_COMPLETED)
    stopper.cancel()
    service.stop.set()
    # With --reconcile, rooms in flight may be queued behind the sandbox's rate limits: the
    # store is consistent either way (every acknowledged event was committed), so give the
    # graceful shutdown a while, then cancel it.
    try:
        await asyncio.wait_for(running, SHUTDOWN_TIMEOUT)
        graceful = True
    except TimeoutError:
        graceful = False
    with contextlib.suppress(OSError):
        conn.send({"stopped": graceful})


# -- the load generator --------------------------------------------------------------------


@dataclass
class Run:
    name: str
    requests: int = 0
    answered: int = 0
    events: int = 0  # acknowledged (webhook runs)
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    acked: list[str] = field(default_factory=list)
    not_stored: list[str] = field(default_factory=list)  # answered 202 but not "stored"
    first_error: str = ""
    generator_cpu: float = 0.0  # cores (CPU seconds / wall seconds)
    server_cpu: float = 0.0
    others_cpu: float = 0.0  # cores used by processes outside this benchmark
    zoom_calls: int = 0

    @property
    def rate(self) -> float:
        """Events per second for a webhook run, requests per second for a ceiling."""
        return self.done / self.seconds if self.seconds else 0.0

    @property
    def done(self) -> int:
        return self.events if self.name.startswith("webhook") else self.answered

    @property
    def server_ms(self) -> float:
        """The connector's CPU per event (webhook) or per request (ceiling), in ms."""
        return self.server_cpu * self.seconds / self.done * 1000 if self.done else float("nan")

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, round(p * len(ordered)) - 1))]


def build_request(path: str, body: bytes, port: int, timestamp: int) -> bytes:
    headers = {"Host": f"{HOST}:{port}", "Content-Type": "application/json",
               "Content-Length": str(len(body)),
               **signature_headers(body, [SECRET], timestamp)}
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return f"POST {path} HTTP/1.1\r\n{head}\r\n".encode() + body


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """(status, body, server keeps the connection) of one HTTP/1.1 response."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip().lower()
    keep = headers.get("connection") != "close"
    if status in (204, 304) or 100 <= status < 200:
        return status, b"", keep
    if "content-length" in headers:
        return status, await reader.readexactly(int(headers["content-length"])), keep
    if headers.get("transfer-encoding") == "chunked":
        chunks = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                return status, b"".join(chunks), keep
            chunks.append(chunk[:-2])
    return status, await reader.read(), False


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system, all threads) of a process, from /proc; 0 elsewhere."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = text[text.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu() -> float:
    """CPU seconds all processes have used, summed over cores, from /proc/stat; 0 elsewhere."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, fields[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


@dataclass
class Pids:
    connector: int
    sandbox: int


async def load(name: str, port: int, requests: list[bytes], connections: int,
               time_limit: float, pids: Pids, expect_ids: list[list[str]] | None,
               zoom_calls: Callable[[], int]) -> Run:
    """Send every request over `connections` keep-alive connections, each waiting for its
    answer before the next; stop early only at `time_limit` seconds. `expect_ids[i]`: the
    event ids request i carries (webhook runs)."""
    run = Run(name, requests=len(requests))
    pending = iter(range(len(requests)))
    links = [await asyncio.open_connection(HOST, port) for _ in range(connections)]
    calls_before = zoom_calls()

    async def worker(link: tuple[asyncio.StreamReader, asyncio.StreamWriter]) -> None:
        reader, writer = link
        for i in pending:
            if time.perf_counter() > deadline:
                return
            sent = time.perf_counter()
            try:
                writer.write(requests[i])
                await writer.drain()
                status, body, keep = await asyncio.wait_for(read_response(reader),
                                                            REQUEST_TIMEOUT)
            except (OSError, asyncio.IncompleteReadError, TimeoutError) as error:
                run.statuses[f"error {type(error).__name__}"] += 1
                run.first_error = run.first_error or f"{type(error).__name__}: {error}"
                writer.close()
                try:
                    reader, writer = await asyncio.open_connection(HOST, port)
                except OSError:
                    return  # the server is gone: the run reports what was answered
                continue
            run.latencies.append(time.perf_counter() - sent)
            run.answered += 1
            run.statuses[str(status)] += 1
            if expect_ids is not None:
                note_answer(run, status, body, expect_ids[i])
            elif status != 204 and not run.first_error:
                run.first_error = f"{status}: {body[:300]!r}"
            if not keep:
                writer.close()
                reader, writer = await asyncio.open_connection(HOST, port)
        writer.close()

    cpu, server, zoom = time.process_time(), process_cpu(pids.connector), process_cpu(
        pids.sandbox)
    everyone = machine_cpu()
    start = time.perf_counter()
    deadline = start + time_limit
    await asyncio.gather(*(worker(link) for link in links))
    run.seconds = time.perf_counter() - start
    ours = [time.process_time() - cpu, process_cpu(pids.connector) - server,
            process_cpu(pids.sandbox) - zoom]
    run.generator_cpu, run.server_cpu = ours[0] / run.seconds, ours[1] / run.seconds
    run.others_cpu = max(0.0, machine_cpu() - everyone - sum(ours)) / run.seconds
    run.zoom_calls = zoom_calls() - calls_before
    return run


def note_answer(run: Run, status: int, body: bytes, ids: list[str]) -> None:
    if status != 202:
        run.first_error = run.first_error or f"{status}: {body[:300]!r}"
        return
    answer = json.loads(body)
    answers = answer.get("events", [answer])
    if [a["id"] for a in answers] != ids:
        run.first_error = run.first_error or f"202 for other ids than sent: {body[:200]!r}"
        return
    for a in answers:
        run.acked.append(a["id"])
        if a["status"] != "stored" or a["duplicate"]:
            run.not_stored.append(a["id"])
    run.events += len(answers)


# -- the workload --------------------------------------------------------------------------


def make_events(prefix: str, count: int, rooms: list[str], offset: int = 0,
                ) -> list[dict[str, Any]]:
    """`count` events for the rooms round-robin; each room cycles check-in, DND on, DND off,
    check-out (so its state stays a hotel's: one stay at a time). `offset`: where in the
    cycle the previous run stopped. A room's events are len(rooms) apart, more than single
    requests in flight, so those arrive in order; batches in flight together may swap a
    room's events, which the connector then takes in the order they arrived, as from a PMS."""
    now = datetime.now(UTC).isoformat()
    events: list[dict[str, Any]] = []
    for n in range(offset, offset + count):
        room = rooms[n % len(rooms)]
        visit = n // len(rooms)
        event: dict[str, Any] = {"type": "", "id": f"bench-{prefix}-{n - offset:07d}",
                                 "occurred_at": now, "room": room}
        reservation = f"B{visit // 4}-{room}"
        match visit % 4:
            case 0:
                guest = {"first_name": FIRST_NAMES[n % len(FIRST_NAMES)],
                         "last_name": LAST_NAMES[visit % len(LAST_NAMES)]}
                event.update(type="check_in", reservation=reservation, guests=[guest])
            case 1 | 2:
                event.update(type="dnd", on=visit % 4 == 1)
            case _:
                event.update(type="check_out", reservation=reservation)
        events.append(event)
    return events


def webhook_requests(events: list[dict[str, Any]], per_request: int, port: int,
                     ) -> tuple[list[bytes], list[list[str]]]:
    timestamp = int(time.time())
    requests, ids = [], []
    for i in range(0, len(events), per_request):
        group = events[i:i + per_request]
        payload: Any = group[0] if per_request == 1 else {"events": group}
        body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
        requests.append(build_request(WEBHOOK_PATH, body, port, timestamp))
        ids.append([e["id"] for e in group])
    return requests, ids


def ceiling_requests(webhook: list[bytes], minimum: int) -> list[bytes]:
    """The same bytes, to the empty endpoint, repeated up to `minimum` requests."""
    moved = [r.replace(f"POST {WEBHOOK_PATH} ".encode(), f"POST {EMPTY_PATH} ".encode(), 1)
             for r in webhook]
    return [moved[i % len(moved)] for i in range(max(minimum, len(moved)))]


def commit_probe(directory: Path, commits: int) -> float:
    """Bare durable commits a second in `directory`: one ~300-byte row per transaction."""
    path = directory / "probe.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
        row = "x" * 300
        for _ in range(10):
            conn.execute("INSERT INTO t (body) VALUES (?)", (row,))
        start = time.perf_counter()
        for _ in range(commits):
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO t (body) VALUES (?)", (row,))
            conn.execute("COMMIT")
        return commits / (time.perf_counter() - start)
    finally:
        conn.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def filesystem_of(path: Path) -> str:
    best, kind = "", "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/mounts").read_text().splitlines():
            parts = line.split()
            if len(parts) > 2 and str(path).startswith(parts[1]) and len(parts[1]) > len(best):
                best, kind = parts[1], parts[2]
    return kind


# -- verification --------------------------------------------------------------------------


def verify(store_path: Path, acked: list[str], sent: set[str]) -> list[str]:
    """Problems: an acknowledged event missing, a stored one not sent, a duplicate."""
    from connector.store import Store

    problems: list[str] = []
    with Store(store_path) as store:
        missing = [i for i in acked if store.event_status(i) is None]
        events = store.counts().events
    problems += [f"acknowledged but not in the store: {i}" for i in missing[:5]]
    if missing:
        problems.append(f"{len(missing)} acknowledged events missing in all")
    conn = sqlite3.connect(f"file:{store_path}?mode=ro", uri=True)
    try:
        rows, distinct = conn.execute(
            "SELECT count(*), count(DISTINCT event_id) FROM inbox").fetchone()
        stored = {i for (i,) in conn.execute("SELECT event_id FROM inbox")}
    finally:
        conn.close()
    if len(set(acked)) != len(acked):
        problems.append(f"{len(acked) - len(set(acked))} events acknowledged twice")
    if rows != distinct:
        problems.append(f"{rows - distinct} events stored twice")
    if events != len(set(acked)):
        problems.append(f"the store holds {events} events; {len(set(acked))} were acknowledged")
    strays = stored - sent
    if strays:
        problems.append(f"{len(strays)} stored events were never sent")
    return problems


# -- the run -------------------------------------------------------------------------------


class Child:
    """A child process and its end of the pipe; stopped by message, then by its handle."""

    def __init__(self, ctx: Any, name: str, target: Callable[..., None], *args: Any) -> None:
        self.name = name
        self.conn, theirs = ctx.Pipe()
        self.process = ctx.Process(target=target, args=(theirs, *args), daemon=True)
        self.process.start()
        theirs.close()

    def receive(self, timeout: float) -> Any:
        deadline = time.monotonic() + timeout
        while not self.conn.poll(0.1):
            if not self.process.is_alive():
                raise RuntimeError(f"{self.name} exited (code {self.process.exitcode}); "
                                   "its error is above")
            if time.monotonic() > deadline:
                raise TimeoutError(f"no answer from {self.name} in {timeout:.0f} s")
        return self.conn.recv()

    def ask(self, message: str) -> Any:
        self.conn.send(message)
        return self.receive(10)

    def stop(self, timeout: float) -> Any:
        """Ask the child to stop, wait for it (then end it); returns its last message."""
        with contextlib.suppress(OSError):
            self.conn.send("stop")
        last = None
        with contextlib.suppress(TimeoutError, RuntimeError, EOFError, OSError):
            last = self.receive(timeout)
        self.process.join(timeout)
        if self.process.is_alive():
            self.process.terminate()  # SIGTERM: the child stops gracefully on it
            self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)
        return last


def print_table(runs: list[Run]) -> None:
    print(f"{'run':<16}{'requests':>9}{'events':>7}{'seconds':>8}{'ev|req/s':>9}"
          f"{'p50 ms':>8}{'p99 ms':>8}{'server':>8}{'CPU ms':>8}{'gen':>6}{'others':>8}"
          f"{'Zoom':>6}")
    for r in runs:
        events = str(r.events) if r.name.startswith("webhook") else "-"
        print(f"{r.name:<16}{r.answered:>9}{events:>7}{r.seconds:>8.2f}{r.rate:>9.0f}"
              f"{r.percentile(0.5) * 1000:>8.1f}{r.percentile(0.99) * 1000:>8.1f}"
              f"{r.server_cpu:>8.2f}{r.server_ms:>8.3f}{r.generator_cpu:>6.2f}"
              f"{r.others_cpu:>8.2f}{r.zoom_calls:>6}")
    print("  requests: answered; events: acknowledged (202, stored); ev|req/s: events/s "
          "(webhook), requests/s (ceiling);\n  p50/p99: per request; server, gen, others: "
          "cores used by the connector, the generator, processes outside the benchmark;\n"
          "  CPU ms: the connector's CPU per event (webhook) or per request (ceiling); Zoom: "
          "calls the sandbox answered")


def print_profile(path: Path, lines: int = 25) -> None:
    print(f"\nprofile of the connector process (cProfile, CPU time, whole life; {path.name}), "
          "by own time:")
    stats = pstats.Stats(str(path), stream=sys.stdout)
    stats.sort_stats("tottime").print_stats(lines)


async def measure(args: argparse.Namespace, port: int, pids: Pids, rooms: list[str],
                  zoom_calls: Callable[[], int]) -> tuple[list[Run], list[Run], set[str]]:
    c, limit = args.connections, args.run_timeout
    sent: set[str] = set()
    warm_events = make_events("warm", WARMUP_EVENTS, rooms)
    offset = len(warm_events)
    sent.update(e["id"] for e in warm_events)
    warm_reqs, warm_ids = webhook_requests(warm_events, 1, port)
    warmup = [
        await load("warmup/ceiling", port, ceiling_requests(warm_reqs, WARMUP_CEILING), c,
                   limit, pids, None, zoom_calls),
        await load("warmup/webhook", port, warm_reqs, c, limit, pids, warm_ids, zoom_calls),
    ]
    runs: list[Run] = []
    for label, count, per_request in (("single", args.events, 1),
                                      ("batch", args.batch_events, args.batch)):
        events = make_events(label, count, rooms, offset)
        offset += count
        sent.update(e["id"] for e in events)
        requests, ids = webhook_requests(events, per_request, port)
        ceiling = ceiling_requests(requests, max(MIN_CEILING_REQUESTS, len(requests)))
        runs.append(await load(f"ceiling/{label}", port, ceiling, c, limit, pids, None,
                               zoom_calls))
        runs.append(await load(f"webhook/{label}", port, requests, c, limit, pids, ids,
                               zoom_calls))
    return warmup, runs, sent


def main(args: argparse.Namespace) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="webhook-ingest-", dir=args.store_dir))
    try:
        return _main(args, workdir)
    finally:
        if args.keep:
            print(f"kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def _main(args: argparse.Namespace, workdir: Path) -> int:
    cores = os.cpu_count() or 1
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    print(f"machine: {cores} cores ({usable} usable), Python {platform.python_version()}, "
          f"{platform.system()} {platform.machine()}; store on {filesystem_of(workdir)} "
          f"({workdir})")
    commits = commit_probe(workdir, args.probe_commits)
    print(f"disk: {commits:.0f} bare durable SQLite commits/s "
          f"({1000 / commits:.2f} ms each; WAL, synchronous=FULL, one row a transaction)")
    settle = None if args.reconcile else HELD_SETTLE_SECONDS
    print("reconciler: " + (
        "running with the production settle (0.5 s): rooms are pushed to the sandbox while "
        "the load runs" if settle is None else
        f"running, settle {settle:g} s: every event re-arms its room's timer, so no room is "
        "pushed to Zoom during the load"))
    print(f"load: {args.connections} keep-alive connections; {args.events} single events; "
          f"{args.batch_events} events in batches of {args.batch}\n")

    ctx = multiprocessing.get_context("spawn")
    lifetime = args.run_timeout * 6 + 120
    sandbox = Child(ctx, "the sandbox", sandbox_child, str(workdir), lifetime)
    connector: Child | None = None
    try:
        zoom = sandbox.receive(START_TIMEOUT)
        env = {**zoom["env"],
               "CONNECTOR_STORE__PATH": str(workdir / "connector.sqlite3"),
               "CONNECTOR_WEBHOOK__SECRET": SECRET,
               "CONNECTOR_SERVER__HOST": HOST, "CONNECTOR_SERVER__PORT": "0",
               "CONNECTOR_LOG__FORMAT": "json"}
        if settle is not None:
            env["CONNECTOR_RECONCILE__SETTLE_SECONDS"] = str(settle)
        connector = Child(ctx, "the connector", connector_child, env, str(workdir), lifetime,
                          args.profile)
        started = connector.receive(START_TIMEOUT)
        pids = Pids(connector=started["pid"], sandbox=sandbox.process.pid)
        warmup, runs, sent = asyncio.run(measure(
            args, started["port"], pids, zoom["rooms"], lambda: int(sandbox.ask("count"))))
        graceful = (connector.stop(SHUTDOWN_TIMEOUT + 20) or {}).get("stopped", False)
        connector = None
    finally:
        if connector is not None:
            connector.stop(10)
        sandbox.stop(10)

    print_table(runs)
    by_name = {r.name: r for r in runs}
    failed = [r for r in [*warmup, *runs] if r.first_error or r.answered < r.requests]
    for r in failed:
        print(f"  {r.name}: {r.answered}/{r.requests} answered; statuses "
              f"{dict(r.statuses)}; first problem: {r.first_error or 'time limit reached'}")
    busy = max(r.others_cpu for r in runs)
    if busy > 0.2:
        print(f"  NOTE: other processes used up to {busy:.1f} of the {cores} cores during "
              "the runs: rates and latencies are pessimistic and noisy; CPU ms holds better")

    print("\nratios to the empty endpoint (same server, connections, request bytes):")
    ratios, cpu_ratios, p99s = {}, {}, {}
    for label in ("single", "batch"):
        hook, top = by_name[f"webhook/{label}"], by_name[f"ceiling/{label}"]
        ratios[label] = hook.rate / top.rate if top.rate else 0.0
        cpu_ratios[label] = top.server_ms / hook.server_ms if hook.server_ms else 0.0
        p99s[label] = hook.percentile(0.99) / top.percentile(0.99)
        print(f"  {label:<7} events/s / req/s = {ratios[label]:.3f}   p50 x"
              f"{hook.percentile(0.5) / top.percentile(0.5):.1f}  p99 x"
              f"{hook.percentile(0.99) / top.percentile(0.99):.1f}   CPU: ceiling ms/request"
              f" / webhook ms/event = {cpu_ratios[label]:.3f}")
    single = by_name["webhook/single"]
    per_request = 1000 / single.rate if single.rate else float("nan")
    print(f"  single: {per_request:.2f} ms a request on the connector's loop (requests that "
          f"arrive together commit together) = {single.server_ms:.2f} ms CPU + "
          f"{per_request - single.server_ms:.2f} ms waiting, for a commit's fsync (a bare "
          f"commit here: {1000 / commits:.2f} ms) and, on a shared machine, for a core")

    acked = [i for r in [*warmup, *runs] for i in r.acked]
    not_stored = [i for r in [*warmup, *runs] for i in r.not_stored]
    problems = verify(workdir / "connector.sqlite3", acked, sent)
    if not_stored:
        problems.append(f"{len(not_stored)} answered as duplicates though sent once")
    with open(workdir / "connector.log", encoding="utf-8") as log:
        log_lines = sum(1 for _ in log)
    zoom_total = sum(r.zoom_calls for r in runs)
    print(f"\nstore: {len(acked)} events acknowledged (warm-up included): "
          + ("each in the store (event_status), the store holds exactly those, none twice"
             if not problems else "PROBLEMS"))
    for problem in problems:
        print(f"  - {problem}")
    print(f"connector: {log_lines} JSON log lines; {zoom_total} Zoom calls during the "
          f"measured runs ({'reconciler pushing' if args.reconcile else 'reconciler held'}); "
          + ("stopped gracefully" if graceful else
             f"its graceful shutdown took over {SHUTDOWN_TIMEOUT:g} s (rooms in flight behind "
             "Zoom's rate limits) and was cut short"))
    if args.profile:
        print_profile(workdir / "connector.prof")

    bound = ("mostly waiting" if per_request - single.server_ms > single.server_ms
             else "mostly CPU")
    ok = (not problems and not failed and ratios["single"] >= GOAL_SINGLE
          and cpu_ratios["single"] >= GOAL_SINGLE_CPU and p99s["single"] <= GOAL_SINGLE_P99
          and ratios["batch"] >= GOAL_BATCH)
    batch = by_name["webhook/batch"]
    print(f"\nVERDICT: {'PASS' if ok else 'FAIL'} - single events: {single.rate:.0f}/s = "
          f"{ratios['single']:.3f} x the empty endpoint's {by_name['ceiling/single'].rate:.0f} "
          f"req/s ({bound}; goal >= {GOAL_SINGLE}), CPU {single.server_ms:.2f} ms/event = "
          f"{cpu_ratios['single']:.2f} x the empty endpoint's rate (goal >= {GOAL_SINGLE_CPU}), "
          f"p99 x{p99s['single']:.1f} the empty endpoint's (goal <= {GOAL_SINGLE_P99:g}); "
          f"batches of {args.batch}: {batch.rate:.0f} events/s = {ratios['batch']:.2f} x "
          f"(goal >= {GOAL_BATCH}); store {'ok' if not problems else 'NOT OK'}; "
          f"{cores} cores{', shared' if busy > 0.2 else ''}")
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000,
                        help="single-event requests in the measured run")
    parser.add_argument("--batch-events", type=int, default=10000,
                        help="events in the batched run")
    parser.add_argument("--batch", type=int, default=50, help="events per batched request")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--reconcile", action="store_true",
                        help="let the reconciler push to the sandbox during the load "
                             "(production settle); default: held")
    parser.add_argument("--probe-commits", type=int, default=200,
                        help="bare SQLite commits timed for the disk's rate")
    parser.add_argument("--run-timeout", type=float, default=60.0,
                        help="a run stops sending after this many seconds")
    parser.add_argument("--store-dir", default=None,
                        help="where the work directory (store, log) goes (default: tmp)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--profile", action="store_true",
                        help="profile the connector process (cProfile; slows it) and print "
                             "where its time went")
    args = parser.parse_args()
    if min(args.events, args.batch_events, args.batch, args.connections) < 1:
        parser.error("counts must be at least 1")
    sys.exit(main(args))
