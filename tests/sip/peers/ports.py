"""Free loopback ports for the peers, each handed out once per test session.

Probing by binding is racy against other programs, but the peers bind within a second of
being given a port, and the in-process registry stops two peers of one run colliding.
"""

from __future__ import annotations

import socket
import threading
import time

HOST = "127.0.0.1"

_given: set[int] = set()
_lock = threading.Lock()


def _bindable(port: int, kinds: tuple[int, ...]) -> bool:
    for kind in kinds:
        with socket.socket(socket.AF_INET, kind) as probe:
            try:
                probe.bind((HOST, port))
            except OSError:
                return False
    return True


def _ephemeral(kind: int) -> int:
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def free_port(preferred: int | None = None, *, udp: bool = True, tcp: bool = True) -> int:
    """A port free on loopback for the given transports: `preferred` when it is free."""
    kinds = tuple(k for k, on in ((socket.SOCK_DGRAM, udp), (socket.SOCK_STREAM, tcp)) if on)
    with _lock:
        if preferred is not None and preferred not in _given and _bindable(preferred, kinds):
            _given.add(preferred)
            return preferred
        for _ in range(200):
            port = _ephemeral(kinds[0])
            if port not in _given and _bindable(port, kinds):
                _given.add(port)
                return port
    raise RuntimeError("no free loopback port found")


def free_udp_block(size: int, *, low: int = 30000, high: int = 40000) -> int:
    """The first port of `size` consecutive UDP ports, all free (sipp's RTP uses mp, mp+2)."""
    with _lock:
        base = low
        while base + size <= high:
            block = range(base, base + size)
            if not _given.intersection(block) and all(
                _bindable(p, (socket.SOCK_DGRAM,)) for p in block
            ):
                _given.update(block)
                return base
            base += size
    raise RuntimeError(f"no {size} free consecutive UDP ports in {low}-{high}")


def require_free(port: int, *, udp: bool = True, tcp: bool = False) -> int:
    """Claim a fixed port (a room phone must sit on 26000+NNN); raises when it is taken."""
    kinds = tuple(k for k, on in ((socket.SOCK_DGRAM, udp), (socket.SOCK_STREAM, tcp)) if on)
    with _lock:
        if port in _given or not _bindable(port, kinds):
            raise RuntimeError(f"port {port} on {HOST} is in use")
        _given.add(port)
        return port


def wait_bound(port: int, *, udp: bool = True, within: float = 5.0) -> None:
    """Return once some process has bound `port` (a peer finished starting); bounded."""
    kind = socket.SOCK_DGRAM if udp else socket.SOCK_STREAM
    deadline = time.monotonic() + within
    while _bindable(port, (kind,)):
        if time.monotonic() > deadline:
            raise TimeoutError(f"nothing bound {HOST}:{port} within {within} s")
        time.sleep(0.02)


def release(*ports: int) -> None:
    """Give ports back (a room phone's fixed port is reused by the next test)."""
    with _lock:
        _given.difference_update(ports)
