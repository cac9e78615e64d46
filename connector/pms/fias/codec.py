"""FIAS framing, sans I/O: `Record` values, `encode()`, and an incremental `Decoder`.

A record on the wire is ``STX payload ETX [LRC]``. The payload is the two-letter record type,
then ``|``-separated fields, each a two-character id immediately followed by its value, and a
trailing ``|``: ``GI|RN101|G#4711|GNSmith|``.

LRC, for the PMS interfaces that ask for it, is one byte after ETX: the XOR of every byte
after STX up to and including ETX. That is how Oracle IFC8 and the FIAS implementations we
could read compute it (STX excluded, ETX included); the choice lives in `lrc_of()` only.

Between frames a peer in ACK mode sends single control bytes (ENQ, ACK, NAK); they come out
of the decoder as `Control` events. Everything else outside a frame is junk and is reported,
never raised: a PMS link must survive whatever a serial-to-IP box or a confused IFC sends.
"""

from __future__ import annotations

import codecs
import enum
import re
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

STX: Final = 0x02
ETX: Final = 0x03
ENQ: Final = 0x05
ACK: Final = 0x06
NAK: Final = 0x15

MAX_FRAME: Final = 8 * 1024  # payload bytes; real records are a few hundred at most
CHARSET_EXAMPLES: Final = ("windows-1252", "iso-8859-1", "iso-8859-2", "cp850", "utf-8")
# What the framing needs to read the same in the link's code page: STX, ETX, the separator,
# record types and field ids. Values may be in any script the code page has.
_FRAMING = "\x02\x03|#+ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

_RECORD_TYPE = re.compile(r"[A-Z]{2}")
_FIELD_ID = re.compile(r"[A-Z0-9#+]{2}")
_FORBIDDEN_IN_VALUE = frozenset("|\x02\x03")


class Control(enum.Enum):
    """A single link-control byte sent between frames (ACK/NAK mode, ENQ polling)."""

    ENQ = ENQ
    ACK = ACK
    NAK = NAK

    def to_bytes(self) -> bytes:
        """The byte on the wire."""
        return bytes([self.value])


class MalformedReason(enum.StrEnum):
    """Why bytes could not be read as a record."""

    JUNK = "bytes outside a frame"
    RESTARTED = "frame interrupted by a new STX"
    TOO_LONG = "frame longer than 8 KiB"
    BAD_LRC = "LRC does not match"
    NO_TYPE = "frame without a two-letter record type"
    BAD_FIELD = "field without a valid two-character id"

    @property
    def is_frame(self) -> bool:
        """True when a frame arrived damaged (answered with NAK in ACK mode); junk between
        frames is not a frame and gets no answer."""
        return self is not MalformedReason.JUNK


@dataclass(frozen=True, slots=True)
class Malformed:
    """Bytes that are not a record; `raw` is what was discarded (for the debug log only:
    it may hold a guest's name)."""

    reason: MalformedReason
    raw: bytes


@dataclass(frozen=True, slots=True)
class Record:
    """One FIAS record: its type and its fields in wire order (ids may repeat).

    `undecodable` is set by the decoder when some bytes were not valid in the link's code
    page: they were read as U+FFFD, and the record is still used (a check-in is not lost for
    one bad letter in a name)."""

    type: str
    fields: tuple[tuple[str, str], ...] = ()
    undecodable: bool = False
    _index: Mapping[str, str] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        if not _RECORD_TYPE.fullmatch(self.type):
            raise ValueError(f"record type must be two capital letters, not {self.type!r}")
        index: dict[str, str] = {}
        for pair in self.fields:
            field_id, value = pair
            if not _FIELD_ID.fullmatch(field_id):
                raise ValueError(f"field id must be two of A-Z 0-9 # +, not {field_id!r}")
            if _FORBIDDEN_IN_VALUE.intersection(value):
                raise ValueError(f"field {field_id} holds a separator or STX/ETX")
            index.setdefault(field_id, value)  # the first occurrence wins, as in `get`
        object.__setattr__(self, "_index", MappingProxyType(index))

    @classmethod
    def of(cls, type: str, *fields: tuple[str, str] | None) -> Record:
        """Build a record from (id, value) pairs; a None pair is left out (optional fields)."""
        return cls(type, tuple(pair for pair in fields if pair is not None))

    def get(self, field_id: str, default: str | None = None) -> str | None:
        """The value of the first field with this id, or `default`."""
        return self._index.get(field_id, default)

    @property
    def mapping(self) -> Mapping[str, str]:
        """A read-only view by field id (the first occurrence of a repeated id)."""
        return self._index

    def __str__(self) -> str:
        return self.type + "|" + "".join(f"{i}{v}|" for i, v in self.fields)


Event = Record | Malformed | Control


def lrc_of(data: bytes) -> int:
    """The longitudinal redundancy check: XOR of all bytes (payload and ETX)."""
    value = 0
    for byte in data:
        value ^= byte
    return value


def check_charset(name: str) -> str:
    """`name` if Python knows it as a code page that writes the framing bytes (STX, ETX,
    `|`, A-Z, 0-9) as plain ASCII; else `ValueError` saying what would do. UTF-16 and
    UTF-32 are refused: their ETX is not the byte 0x03, so no frame would ever end."""
    problem = f"{name!r} is not a code page Python knows"
    try:
        codecs.lookup(name)
        readable = _FRAMING.encode(name) == _FRAMING.encode("ascii")
        problem = f"{name!r} does not write STX, ETX, '|', A-Z and 0-9 as ASCII bytes"
    except (LookupError, TypeError, ValueError):
        readable = False
    if not readable:
        raise ValueError(f"{problem}; use the code page agreed with the PMS, for example "
                         f"{', '.join(CHARSET_EXAMPLES)}")
    return name


def encode(record: Record, *, charset: str = "utf-8", lrc: bool = False) -> bytes:
    """The record framed for the wire. Raises `UnicodeEncodeError` when a value cannot be
    written in `charset` (CP850 has no Cyrillic, for example): the caller decides whether
    to transliterate, the codec never silently alters a value."""
    body = str(record).encode(charset) + bytes([ETX])
    return bytes([STX]) + body + (bytes([lrc_of(body)]) if lrc else b"")


def parse_payload(text: str, *, undecodable: bool = False) -> Record | MalformedReason:
    """A decoded payload as a record, or why it is not one. A missing trailing `|` and empty
    fields (``||``) are tolerated: they carry nothing and some IFCs send them."""
    record_type, _, rest = text.partition("|")
    if not _RECORD_TYPE.fullmatch(record_type):
        return MalformedReason.NO_TYPE
    pairs: list[tuple[str, str]] = []
    for part in rest.split("|"):
        if not part:
            continue
        if not _FIELD_ID.fullmatch(part[:2]):
            return MalformedReason.BAD_FIELD
        pairs.append((part[:2], part[2:]))
    return Record(record_type, tuple(pairs), undecodable)


class _State(enum.Enum):
    BETWEEN = enum.auto()  # outside a frame
    IN_FRAME = enum.auto()  # after STX
    AWAIT_LRC = enum.auto()  # after ETX, LRC mode: the next byte is the checksum, whatever it is
    SKIPPING = enum.auto()  # an over-long frame: drop bytes until it ends
    SKIP_LRC = enum.auto()  # the over-long frame's LRC byte


class Decoder:
    """Bytes in (`receive_data`), events out (`next_record`). Never raises on input."""

    def __init__(self, *, charset: str = "utf-8", lrc: bool = False) -> None:
        self.charset = check_charset(charset)
        self.lrc = lrc
        self._state = _State.BETWEEN
        self._frame = bytearray()  # payload and ETX of the frame being read
        self._junk = bytearray()
        self._events: deque[Event] = deque()

    def receive_data(self, data: bytes) -> None:
        """Feed bytes as they arrive; frames may be split or batched arbitrarily."""
        for byte in data:
            self._feed(byte)
        # Junk is reported once per read, not per byte, and never held back waiting for more.
        self._flush_junk()

    def next_record(self) -> Event | None:
        """The next complete event, or None when more bytes are needed."""
        return self._events.popleft() if self._events else None

    def _feed(self, byte: int) -> None:
        match self._state:
            case _State.AWAIT_LRC:
                self._finish(byte)
            case _State.SKIP_LRC:
                self._state = _State.BETWEEN
            case _State.SKIPPING:
                if byte == STX:
                    self._start()
                elif byte == ETX:
                    self._state = _State.SKIP_LRC if self.lrc else _State.BETWEEN
            case _State.IN_FRAME:
                if byte == STX:
                    self._malformed(MalformedReason.RESTARTED, bytes([STX]) + self._frame)
                    self._start()
                elif byte == ETX:
                    self._frame.append(byte)
                    if self.lrc:
                        self._state = _State.AWAIT_LRC
                    else:
                        self._finish(None)
                elif len(self._frame) >= MAX_FRAME:
                    self._malformed(MalformedReason.TOO_LONG, bytes([STX]) + self._frame)
                    self._frame.clear()
                    self._state = _State.SKIPPING
                else:
                    self._frame.append(byte)
            case _State.BETWEEN:
                if byte == STX:
                    self._start()
                elif byte in (ENQ, ACK, NAK):
                    self._flush_junk()
                    self._events.append(Control(byte))
                else:
                    self._junk.append(byte)

    def _start(self) -> None:
        self._flush_junk()
        self._frame.clear()
        self._state = _State.IN_FRAME

    def _finish(self, lrc: int | None) -> None:
        frame = bytes(self._frame)  # payload + ETX
        self._frame.clear()
        self._state = _State.BETWEEN
        raw = bytes([STX]) + frame + (bytes([lrc]) if lrc is not None else b"")
        if lrc is not None and lrc != lrc_of(frame):
            self._malformed(MalformedReason.BAD_LRC, raw)
            return
        undecodable = False
        try:
            text = frame[:-1].decode(self.charset)
        except UnicodeDecodeError:
            text, undecodable = frame[:-1].decode(self.charset, errors="replace"), True
        parsed = parse_payload(text, undecodable=undecodable)
        if isinstance(parsed, MalformedReason):
            self._malformed(parsed, raw)
        else:
            self._events.append(parsed)

    def _malformed(self, reason: MalformedReason, raw: bytes) -> None:
        self._events.append(Malformed(reason, raw))

    def _flush_junk(self) -> None:
        if self._junk:
            self._malformed(MalformedReason.JUNK, bytes(self._junk))
            self._junk.clear()


def decode_all(data: bytes, *, charset: str = "utf-8", lrc: bool = False) -> list[Event]:
    """Every event in `data` (a convenience for tests and the simulator's logs)."""
    decoder = Decoder(charset=charset, lrc=lrc)
    decoder.receive_data(data)
    events: list[Event] = []
    while (event := decoder.next_record()) is not None:
        events.append(event)
    return events

