"""Who may start something on our lines: only Zoom.

Over TCP/TLS every message comes down the connection a line opened to its proxy, so it is
Zoom's. Over UDP the socket answers anyone who can reach it, so a request that starts a
dialog or acts outside one (INVITE, OPTIONS, SUBSCRIBE, ...) is accepted only from an
address the line's proxies or registrar resolve to. Everyone else is refused with 403.
Pure: the addresses are resolved by the line and handed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from connector.sip.address import parse_name_addr, parse_uri
from connector.sip.errors import ParseError
from connector.sip.message import Request

REFUSAL_LOG_SECONDS = 60.0  # one WARNING per source per minute: a flood must not flood the log
_REMEMBERED_SOURCES = 1024


def starts_something(request: Request) -> bool:
    """Does `request` start a dialog or act outside one (no To tag)? ACKs never do: an ACK
    without a transaction is dropped anyway."""
    if request.method == "ACK":
        return False
    try:
        return parse_name_addr(request.header("To") or "").tag is None
    except ParseError:
        return True


def line_of(request: Request) -> str | None:
    """The line a request is addressed to: the Request-URI's user (our Contact's)."""
    try:
        return parse_uri(request.uri).user
    except ParseError:
        return None


@dataclass
class TrustedSources:
    """The addresses each line's proxies and registrar resolved to, last time it looked."""

    _by_line: dict[str, frozenset[str]] = field(default_factory=dict)

    def set_line(self, line: str, addresses: frozenset[str]) -> None:
        """What `line`'s proxies and registrar resolve to now (kept when empty: a failed
        look-up must not lock Zoom out)."""
        if addresses:
            self._by_line[line] = addresses

    def addresses(self, line: str | None) -> frozenset[str]:
        """The line's addresses; every line's when the request names none of ours."""
        if line is not None and line in self._by_line:
            return self._by_line[line]
        return frozenset().union(*self._by_line.values())

    def allows(self, line: str | None, host: str) -> bool:
        return host in self.addresses(line)


@dataclass
class RefusalLog:
    """Decides which refusals are logged: the first from a source, then one a minute."""

    _last: dict[str, float] = field(default_factory=dict)
    suppressed: dict[str, int] = field(default_factory=dict)

    def should_log(self, host: str, now: float) -> bool:
        last = self._last.get(host)
        if last is not None and now - last < REFUSAL_LOG_SECONDS:
            self.suppressed[host] = self.suppressed.get(host, 0) + 1
            return False
        if len(self._last) >= _REMEMBERED_SOURCES:
            self._last.clear()
            self.suppressed.clear()
        self._last[host] = now
        return True

    def take_suppressed(self, host: str) -> int:
        """Refusals from `host` not logged since its last WARNING."""
        return self.suppressed.pop(host, 0)
