"""SDP text to a description of its media streams (RFC 4566), for offer/answer in `sdp`.

Structural faults (a bad m= or c= line) raise `SdpError(400)`. Odd attribute lines are
skipped rather than failing the call, as SBCs add many we do not need; crypto lines we
cannot run (unknown suite, MKI, session parameters, a key that is not 30 bytes) are dropped.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from connector.sip.media import srtp
from connector.sip.media.errors import SdpError
from connector.sip.media.g711 import Law

_BAD_REQUEST = 400


class Direction(enum.StrEnum):
    SENDRECV = "sendrecv"
    SENDONLY = "sendonly"
    RECVONLY = "recvonly"
    INACTIVE = "inactive"

    @property
    def sends(self) -> bool:
        return self in (Direction.SENDRECV, Direction.SENDONLY)

    @property
    def receives(self) -> bool:
        return self in (Direction.SENDRECV, Direction.RECVONLY)

    def seen_from_the_other_side(self) -> Direction:
        """An offer's `sendonly` is the answerer's `recvonly`, and so on."""
        return {Direction.SENDONLY: Direction.RECVONLY,
                Direction.RECVONLY: Direction.SENDONLY}.get(self, self)


_DIRECTIONS = frozenset(d.value for d in Direction)


@dataclass(frozen=True)
class Crypto:
    """One usable a=crypto line (supported suite, one 30-byte key, no MKI, no session
    parameters); lines we cannot run are dropped at parse time."""

    tag: int
    suite: str
    key: bytes = field(repr=False)


@dataclass(frozen=True)
class MediaSection:
    media: str
    port: int
    profile: str
    formats: tuple[str, ...]
    host: str | None  # media-level c=, else the session-level one
    rtpmap: dict[int, tuple[str, int]]  # payload type -> (lower-case encoding name, clock rate)
    crypto: tuple[Crypto, ...]
    direction: Direction

    def law_of(self, payload_type: int) -> Law | None:
        """The G.711 law a payload type stands for here, if any."""
        name, rate = self.rtpmap.get(payload_type, ("", 0))
        for law in Law:
            if (name, rate) == (law.encoding_name.lower(), 8000):
                return law
            if not name and payload_type == law.payload_type:
                return law
        return None

    @property
    def payload_types(self) -> list[int]:
        return [int(f) for f in self.formats]

    @property
    def telephone_event_pt(self) -> int | None:
        for pt in self.payload_types:
            if self.rtpmap.get(pt) == ("telephone-event", 8000):
                return pt
        return None


@dataclass(frozen=True)
class SessionDescription:
    media: tuple[MediaSection, ...]


def parse(text: str) -> SessionDescription:
    """Parse an SDP body; raises SdpError(400) when its structure is broken."""
    session_host: str | None = None
    session_direction = Direction.SENDRECV
    sections: list[_SectionBuilder] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if len(line) < 2 or line[1] != "=" or not line[0].isalpha():
            raise SdpError(_BAD_REQUEST, f"malformed SDP line {line[:40]!r}")
        kind, value = line[0], line[2:]
        if kind == "m":
            sections.append(_SectionBuilder.from_m_line(value))
        elif kind == "c":
            host = _connection_host(value)
            if sections:
                sections[-1].host = host
            else:
                session_host = host
        elif kind == "a":
            if sections:
                sections[-1].add_attribute(value)
            elif value in _DIRECTIONS:
                session_direction = Direction(value)
    if not sections:
        raise SdpError(_BAD_REQUEST, "SDP has no media line")
    return SessionDescription(
        tuple(s.build(session_host, session_direction) for s in sections))


def _connection_host(value: str) -> str:
    parts = value.split()
    if len(parts) != 3 or parts[0] != "IN" or parts[1] not in ("IP4", "IP6"):
        raise SdpError(_BAD_REQUEST, f"malformed connection line c={value[:40]}")
    return parts[2].split("/")[0]


def _crypto(value: str) -> Crypto | None:
    """A usable crypto attribute value (after `crypto:`), or None."""
    parts = value.split()
    if len(parts) != 3 or not parts[0].isdigit() or parts[1] not in srtp.SUITES:
        return None  # unknown suite, or session parameters we do not implement
    key_params = parts[2]
    if ";" in key_params or not key_params.startswith("inline:"):
        return None  # several keys (MKI) are not supported
    key_and_lifetime = key_params.removeprefix("inline:").split("|")
    if len(key_and_lifetime) > 2:
        return None  # MKI
    key = srtp.decode_inline(key_and_lifetime[0])
    return None if key is None else Crypto(int(parts[0]), parts[1], key)


@dataclass
class _SectionBuilder:
    media: str
    port: int
    profile: str
    formats: tuple[str, ...]
    host: str | None = None
    rtpmap: dict[int, tuple[str, int]] = field(default_factory=dict)
    crypto: list[Crypto] = field(default_factory=list)
    direction: Direction | None = None

    @classmethod
    def from_m_line(cls, value: str) -> _SectionBuilder:
        parts = value.split()
        if len(parts) < 4:
            raise SdpError(_BAD_REQUEST, f"malformed media line m={value[:40]}")
        port_text = parts[1].split("/")[0]
        if not port_text.isdigit() or int(port_text) > 65535:
            raise SdpError(_BAD_REQUEST, f"bad media port {parts[1][:20]!r}")
        formats = tuple(parts[3:])
        if parts[2].startswith("RTP/") and not all(f.isdigit() and int(f) < 128
                                                    for f in formats):
            raise SdpError(_BAD_REQUEST, f"bad RTP payload types in m={value[:40]}")
        return cls(parts[0], int(port_text), parts[2], formats)

    def add_attribute(self, value: str) -> None:
        name, _, rest = value.partition(":")
        if name in _DIRECTIONS and not rest:
            self.direction = Direction(name)
        elif name == "rtpmap":
            pt, _, encoding = rest.partition(" ")
            fields = encoding.strip().split("/")
            if pt.isdigit() and len(fields) >= 2 and fields[1].isdigit():
                self.rtpmap[int(pt)] = (fields[0].lower(), int(fields[1]))
        elif name == "crypto":
            crypto = _crypto(rest)
            if crypto is not None:
                self.crypto.append(crypto)

    def build(self, session_host: str | None, session_direction: Direction) -> MediaSection:
        return MediaSection(
            media=self.media,
            port=self.port,
            profile=self.profile,
            formats=self.formats,
            host=self.host or session_host,
            rtpmap=self.rtpmap,
            crypto=tuple(self.crypto),
            direction=self.direction or session_direction,
        )
