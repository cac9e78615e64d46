"""A PMS peer made of plain bytes, for testing the link without sockets."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from connector.pms.fias.codec import Control, Record, decode_all, encode
from connector.pms.fias.config import LinkConfig
from connector.pms.fias.link import FiasLink
from connector.pms.fias.link_events import LinkEvent, LinkState

HOTEL_TIME = datetime(2026, 3, 14, 7, 30, 5)


def new_link(**overrides: object) -> FiasLink:
    config = replace(LinkConfig(), **overrides)  # type: ignore[arg-type]
    return FiasLink(config, local_time=lambda: HOTEL_TIME)


def frame(link: FiasLink, record_type: str, *fields: tuple[str, str]) -> bytes:
    """A record as the PMS would put it on the wire for this link's settings."""
    return encode(Record(record_type, fields), charset=link.config.charset, lrc=link.config.lrc)


def sent(link: FiasLink) -> list[Record | Control]:
    """What the link wrote since last asked, decoded (control bytes included)."""
    out: list[Record | Control] = []
    for event in decode_all(link.data_to_send(), charset=link.config.charset,
                            lrc=link.config.lrc):
        assert isinstance(event, Record | Control), event
        out.append(event)
    return out


def types(items: list[Record | Control]) -> list[str]:
    return [i.type if isinstance(i, Record) else i.name for i in items]


def state(link: FiasLink) -> LinkState:
    """The link's state, read afresh (keeps mypy from narrowing across calls)."""
    return link.state


def events(link: FiasLink) -> list[LinkEvent]:
    out: list[LinkEvent] = []
    while (event := link.next_event()) is not None:
        out.append(event)
    return out


def bring_up(link: FiasLink, now: float = 0.0) -> float:
    """Connect and run the handshake as a PMS would (waiting out any pacing); returns the
    time at which the link is up."""
    link.connection_made(now)
    link.receive_data(frame(link, "LS"), now)
    while "LA" not in types(sent(link)):
        now += link.config.pacing
        link.tick(now)
    link.receive_data(frame(link, "LA"), now)
    events(link)
    return now
