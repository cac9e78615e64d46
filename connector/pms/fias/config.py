"""What a FIAS link announces and how it paces itself (pure data; the lead's settings map
onto `LinkConfig`)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from connector.pms.fias.codec import Record, check_charset


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
    # Exactly the fields every PS carries; a hotel's SO/PX/PC are added by `PostingFields`.
    _sub("PS", "DATIRNPTTADDDUP#"),
    _sub("PA", "ASDAP#RNTI"),
    _sub("DS", "DATI"),
    _sub("DE", "DATI"),
    _sub("NS", "DATI"),  # the night audit, during which postings wait
    _sub("NE", "DATI"),
)


class AliveRecord(enum.StrEnum):
    """The record we check the link with while it is up."""

    LS = "LS"  # Oracle IFC8: LS from us, answered by LA (p. 99)
    LA = "LA"  # Protel-like IFCs: LA both ways
    NONE = "none"  # a PMS that neither sends nor answers one


class Profile(enum.StrEnum):
    """Which kind of PMS interface is at the other end (how it checks the link)."""

    ORACLE = "oracle"
    PROTEL = "protel"
    QUIET = "quiet"


# Oracle allows the vendor's LS alive check at most once every 5 minutes (p. 99).
MIN_LS_INTERVAL = 300.0


@dataclass(frozen=True, slots=True)
class AliveCheck:
    """How the link is checked while up.

    `record`/`interval`: what we send, how often. `answer_la`: an LA from the PMS is answered
    with LA (IFCs that poll with LA expect it; IFC8 never echoes LA and must not be echoed).
    `dead_after`: no byte at all from the PMS for this long and the link is dropped (None: no
    timer; TCP keep-alive and a failed write find a dead peer).
    """

    record: AliveRecord
    interval: float
    dead_after: float | None
    answer_la: bool

    def __post_init__(self) -> None:
        if self.interval <= 0:
            raise ValueError("the alive interval must be positive")
        if self.dead_after is not None and self.dead_after <= 0:
            raise ValueError("the dead-link timeout must be positive (or none)")
        if (self.record is not AliveRecord.NONE and self.dead_after is not None
                and self.dead_after <= self.interval):
            raise ValueError("the dead-link timeout must be longer than the alive interval")

    def describe(self) -> str:
        """One line for `connector doctor` and the start-up log."""
        if self.record is AliveRecord.NONE:
            check = "no alive record"
        elif self.record is AliveRecord.LS:
            check = f"LS from us every {self.interval:g} s, answered by LA"
        else:
            check = f"LA from us every {self.interval:g} s"
        if self.answer_la:
            check += "; the PMS's LA is answered with LA"
        dead = ("none: TCP keep-alive and failed writes" if self.dead_after is None
                else f"{self.dead_after:g} s of silence")
        return f"{check}; dead link: {dead}"


PROFILES: dict[Profile, AliveCheck] = {
    Profile.ORACLE: AliveCheck(AliveRecord.LS, MIN_LS_INTERVAL, 360.0, answer_la=False),
    Profile.PROTEL: AliveCheck(AliveRecord.LA, 60.0, 180.0, answer_la=True),
    Profile.QUIET: AliveCheck(AliveRecord.NONE, MIN_LS_INTERVAL, None, answer_la=False),
}


@dataclass(frozen=True, slots=True)
class LinkConfig:
    """How the PBX side of a FIAS link behaves. Times are seconds.

    `alive`: the alive check while up (Oracle's LS every 5 minutes by default).
    `self_start_after`: a PMS that has not sent LS this long after connect is not waiting to:
      we start the handshake ourselves with LS, LD, the LRs and LA (Oracle: wait up to 3 s,
      then start with LS or LD, p. 99). None: wait for the PMS however long it takes.
    `handshake_timeout`: a PMS that answers our description (LD, the LRs, LA) neither with LA
      nor with a record this long after we sent it is not listening: the link is dropped and
      dialled again. Without it a quiet profile (no dead-link timer) would wait forever.
    `ack_mode`: ACK/NAK every frame and wait for the PMS's ACK before the next one;
      `ack_timeout` and `max_tries` bound the resends.
    `pacing`: minimum gap between two records we send (Oracle advises about 0.5 s).

    The link never decides on its own to resync: the application sends DR
    (`FiasLink.request_resync`) when its policy says so.
    """

    charset: str = "utf-8"
    lrc: bool = False
    ack_mode: bool = False
    version: str = "1.0"
    alive: AliveCheck = PROFILES[Profile.ORACLE]
    self_start_after: float | None = 3.0
    handshake_timeout: float | None = 60.0
    ack_timeout: float = 2.0
    max_tries: int = 3
    pacing: float = 0.0
    subscriptions: tuple[Subscription, ...] = DEFAULT_SUBSCRIPTIONS

    def __post_init__(self) -> None:
        check_charset(self.charset)
        if self.ack_timeout <= 0 or self.pacing < 0:
            raise ValueError("the ACK timeout must be positive, pacing not negative")
        if self.max_tries < 1:
            raise ValueError("max_tries must be at least 1")
