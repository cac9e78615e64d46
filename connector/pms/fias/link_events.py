"""What the FIAS link tells the application (small immutable values, h11 style)."""

from __future__ import annotations

import enum
from collections.abc import Hashable
from dataclasses import dataclass

from connector.pms.fias.codec import Malformed, Record


class LinkState(enum.Enum):
    """Where the PBX side of the link is. CLOSED and FAILED ask the transport to drop the
    connection (after writing what `data_to_send()` still holds)."""

    DISCONNECTED = "disconnected"  # no TCP connection
    AWAITING_LS = "awaiting LS"  # connected; the PMS has not started the handshake
    AWAITING_LA = "awaiting LA"  # we sent LD, the LRs and LA; waiting for the PMS's LA
    UP = "up"
    CLOSED = "closed"  # we sent LE (to end the link, or to answer the PMS's)
    FAILED = "failed"  # silent PMS, or ACKs that never came


@dataclass(frozen=True, slots=True)
class LinkUp:
    """The PMS answered the handshake; records may flow. Whether to ask for a resync (DR)
    now is the application's decision (`request_resync`)."""


@dataclass(frozen=True, slots=True)
class LinkDown:
    """The link left the up state; `reason` says why, for the log and /readyz."""

    reason: str


@dataclass(frozen=True, slots=True)
class RecordReceived:
    """An application record from the PMS (link records LS/LA/LE/LD/LR are consumed)."""

    record: Record


@dataclass(frozen=True, slots=True)
class Delivered:
    """The record sent with `ref` reached the PMS: ACKed in ACK mode, otherwise handed to
    the transport."""

    ref: Hashable


@dataclass(frozen=True, slots=True)
class Undelivered:
    """The record sent with `ref` was not delivered. `maybe_delivered`: it was written but
    never ACKed, so the PMS may have it."""

    ref: Hashable
    reason: str
    maybe_delivered: bool


LinkEvent = LinkUp | LinkDown | RecordReceived | Malformed | Delivered | Undelivered
