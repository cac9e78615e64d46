"""What a FIAS link announces and how it paces itself (pure data; the lead's settings map
onto `LinkConfig`)."""

from __future__ import annotations

from dataclasses import dataclass

from connector.pms.fias.codec import CHARSETS, Record


@dataclass(frozen=True, slots=True)
class Subscription:
    """One LR: a record type and the fields we use in it. The PMS sends only the record types
    and fields we announce, so this list is also what we can ever learn from it."""

    record_type: str
    fields: tuple[str, ...]

    def to_record(self) -> Record:
        """The LR record on the wire: ``LR|RIGI|FLRNG#GN...|``."""
        return Record("LR", (("RI", self.record_type), ("FL", "".join(self.fields))))


def _sub(record_type: str, fields: str) -> Subscription:
    return Subscription(record_type, tuple(fields[i:i + 2] for i in range(0, len(fields), 2)))


# Modelled on NethVoice's production PBX set (pms-facts §1.2), with the guest fields our
# events carry (GF first name, GT title, GV VIP, GA/GD dates, CS class of service) added.
# The outbound types (WA, PS, and RE's RS) are announced too, as NethVoice does: an IFC that
# checks the LR list refuses records it was not told about, and one that does not ignores them.
DEFAULT_SUBSCRIPTIONS: tuple[Subscription, ...] = (
    _sub("GI", "RNG#GNGFGTGLGVGSSFGAGDCS"),
    _sub("GO", "RNG#GSSF"),
    _sub("GC", "RNG#GNGFGTGLGVGSROGAGDCS"),
    _sub("RE", "RNRSMLCSDN"),
    _sub("WR", "DATIRN"),
    _sub("WC", "DATIRN"),
    _sub("WA", "DATIRNAS"),
    _sub("PS", "DATIRNG#PTTADDDUP#SOCT"),
    _sub("PA", "ASDAP#RNTI"),
    _sub("DS", "DATI"),
    _sub("DE", "DATI"),
    _sub("NS", "DATI"),  # the night audit, during which postings wait
    _sub("NE", "DATI"),
)


@dataclass(frozen=True, slots=True)
class LinkConfig:
    """How the PBX side of a FIAS link behaves. Times are seconds.

    `keepalive_interval`: we send LA this often while up.
    `dead_after`: no byte at all from the PMS for this long and the link is dropped
      (None: never; for an IFC that neither sends nor answers LA).
    `ls_prompt_after`: a PMS that has said nothing this long after connect is sent LS,
      which asks it to start the handshake (Protel waits for the client; IFC8 speaks first).
    `ack_mode`: ACK/NAK every frame and wait for the PMS's ACK before the next one;
      `ack_timeout` and `max_tries` bound the resends.
    `pacing`: minimum gap between two records we send (Oracle advises about 0.5 s).
    `resync_on_link_up`: send DR as soon as the link is up (the PMS then sends DS … DE).
    """

    charset: str = "utf-8"
    lrc: bool = False
    ack_mode: bool = False
    version: str = "1.0"
    keepalive_interval: float = 60.0
    dead_after: float | None = 180.0
    ls_prompt_after: float | None = 5.0
    ack_timeout: float = 2.0
    max_tries: int = 3
    pacing: float = 0.0
    resync_on_link_up: bool = True
    subscriptions: tuple[Subscription, ...] = DEFAULT_SUBSCRIPTIONS

    def __post_init__(self) -> None:
        if self.charset not in CHARSETS:
            raise ValueError(f"charset must be one of {', '.join(CHARSETS)}")
        if self.keepalive_interval <= 0 or self.ack_timeout <= 0 or self.pacing < 0:
            raise ValueError("keep-alive and ACK timeout must be positive, pacing not negative")
        if self.dead_after is not None and self.dead_after <= self.keepalive_interval:
            raise ValueError("dead_after must be longer than keepalive_interval")
        if self.max_tries < 1:
            raise ValueError("max_tries must be at least 1")
