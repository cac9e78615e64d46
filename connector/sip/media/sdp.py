"""SDP offer/answer (RFC 3264) for one audio stream: PCMU/PCMA, telephone-event, SDES-SRTP.

Pure: text in, text and a `Negotiated` out. Parsing (`sdp_parse`) raises `SdpError(400)` for
broken structure; an SDP we understand but cannot accept raises `SdpError(488)`.

How `SrtpMode` shapes the exchange:
- OFF: offer RTP/AVP without crypto; refuse RTP/SAVP; ignore crypto lines.
- OPTIONAL: offer RTP/AVP *with* a crypto line (best-effort SRTP, as common UAs do) and
  encrypt when the answer carries one; answer with SRTP when the offer has usable crypto.
- MANDATORY: offer RTP/SAVP with crypto; refuse an offer or answer without usable crypto.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field

from connector.settings.phone import SrtpMode
from connector.sip.media import srtp
from connector.sip.media.errors import MediaError, SdpError
from connector.sip.media.g711 import Law
from connector.sip.media.sdp_parse import Crypto, Direction, MediaSection, parse
from connector.sip.media.srtp import SrtpKeys

PLAIN_PROFILE = "RTP/AVP"
SECURE_PROFILE = "RTP/SAVP"
TELEPHONE_EVENT_PT = 101
PTIME_MS = 20
_NOT_ACCEPTABLE = 488
_BAD_REQUEST = 400


@dataclass(frozen=True)
class Negotiated:
    """The agreed audio stream, seen from this side."""

    remote_host: str
    remote_port: int
    law: Law
    payload_type: int
    telephone_event_pt: int | None
    direction: Direction  # what this side does
    srtp: SrtpKeys | None


@dataclass(frozen=True)
class LocalMedia:
    """Our end of the stream: where we receive, the SRTP policy and our SDES key."""

    host: str
    port: int
    session_id: int
    mode: SrtpMode
    key: bytes | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.mode is not SrtpMode.OFF and self.key is None:
            raise MediaError(f"SRTP mode {self.mode} needs a local SDES key")


def build_offer(local: LocalMedia) -> str:
    """Our offer: PCMU, PCMA and telephone-event, secured as `local.mode` says."""
    profile = SECURE_PROFILE if local.mode is SrtpMode.MANDATORY else PLAIN_PROFILE
    crypto = None
    if local.mode is not SrtpMode.OFF and local.key is not None:
        crypto = Crypto(1, srtp.DEFAULT_SUITE, local.key)
    codecs = [(law.payload_type, law) for law in (Law.ULAW, Law.ALAW)]
    audio = _audio_lines(local.port, profile, codecs, TELEPHONE_EVENT_PT, Direction.SENDRECV,
                         crypto)
    return _render(local, [audio])


def answer_offer(local: LocalMedia, offer_text: str) -> tuple[str, Negotiated]:
    """Answer an offer: the first audio stream we can run, our other m-lines refused with
    port 0 (RFC 3264 keeps their order). Raises SdpError when no stream is acceptable."""
    offer = parse(offer_text)
    chosen: tuple[int, Negotiated] | None = None
    first_error: SdpError | None = None
    for index, section in enumerate(offer.media):
        if section.media != "audio" or chosen is not None:
            continue
        try:
            chosen = index, _negotiate_offer(local, section)
        except SdpError as error:
            first_error = first_error or error
    if chosen is None:
        raise first_error or SdpError(_NOT_ACCEPTABLE, "offer has no audio stream")
    chosen_index, negotiated = chosen
    blocks = []
    for index, section in enumerate(offer.media):
        if index != chosen_index:
            blocks.append([f"m={section.media} 0 {section.profile} {' '.join(section.formats)}"])
            continue
        crypto = None
        if negotiated.srtp is not None:
            # Answer with the tag of the offered line we took (always the first usable one).
            crypto = Crypto(section.crypto[0].tag, negotiated.srtp.suite, negotiated.srtp.tx_key)
        blocks.append(_audio_lines(local.port, section.profile,
                                   [(negotiated.payload_type, negotiated.law)],
                                   negotiated.telephone_event_pt, negotiated.direction, crypto))
    return _render(local, blocks), negotiated


def accept_answer(local: LocalMedia, answer_text: str) -> Negotiated:
    """Read the answer to our offer; raises SdpError(488) when it leaves no usable stream."""
    answer = parse(answer_text)
    section = next((s for s in answer.media if s.media == "audio"), None)
    if section is None:
        raise SdpError(_NOT_ACCEPTABLE, "answer has no audio stream")
    if section.port == 0:
        raise SdpError(_NOT_ACCEPTABLE, "answer rejected the audio stream (port 0)")
    keys = _srtp_keys(local, section)
    return _negotiated(section, keys)


def _negotiate_offer(local: LocalMedia, section: MediaSection) -> Negotiated:
    if section.port == 0:
        raise SdpError(_NOT_ACCEPTABLE, "offered audio stream is disabled (port 0)")
    if section.profile not in (PLAIN_PROFILE, SECURE_PROFILE):
        raise SdpError(_NOT_ACCEPTABLE, f"unsupported media profile {section.profile}")
    keys = _srtp_keys(local, section)
    return _negotiated(section, keys)


def _srtp_keys(local: LocalMedia, section: MediaSection) -> SrtpKeys | None:
    """Apply the SRTP mode to the far end's stream description (offer or answer)."""
    if local.mode is SrtpMode.OFF:
        if section.profile == SECURE_PROFILE:
            raise SdpError(_NOT_ACCEPTABLE, "far end requires SRTP, which is turned off")
        return None
    usable = section.crypto[0] if section.crypto else None
    if usable is None or local.key is None:
        if local.mode is SrtpMode.MANDATORY:
            raise SdpError(_NOT_ACCEPTABLE, "SRTP is mandatory and no usable a=crypto was given")
        if section.profile == SECURE_PROFILE:
            raise SdpError(_NOT_ACCEPTABLE, "RTP/SAVP without a usable a=crypto line")
        return None
    return SrtpKeys(suite=usable.suite, tx_key=local.key, rx_key=usable.key)


def _negotiated(section: MediaSection, keys: SrtpKeys | None) -> Negotiated:
    if section.host is None:
        raise SdpError(_BAD_REQUEST, "no connection address (c=) for the audio stream")
    chosen = next(((pt, law) for pt in section.payload_types
                   if (law := section.law_of(pt)) is not None), None)
    if chosen is None:
        raise SdpError(_NOT_ACCEPTABLE, "no common codec (PCMU or PCMA)")
    direction = section.direction.seen_from_the_other_side()
    if _is_unspecified(section.host):
        # RFC 2543 hold: a null address means "do not send to me".
        direction = Direction.RECVONLY if direction.receives else Direction.INACTIVE
    return Negotiated(
        remote_host=section.host,
        remote_port=section.port,
        law=chosen[1],
        payload_type=chosen[0],
        telephone_event_pt=section.telephone_event_pt,
        direction=direction,
        srtp=keys,
    )


def _audio_lines(port: int, profile: str, codecs: list[tuple[int, Law]],
                 telephone_event_pt: int | None, direction: Direction,
                 crypto: Crypto | None) -> list[str]:
    formats = [pt for pt, _ in codecs]
    if telephone_event_pt is not None:
        formats.append(telephone_event_pt)
    lines = [f"m=audio {port} {profile} {' '.join(map(str, formats))}"]
    lines += [f"a=rtpmap:{pt} {law.encoding_name}/8000" for pt, law in codecs]
    if telephone_event_pt is not None:
        lines += [f"a=rtpmap:{telephone_event_pt} telephone-event/8000",
                  f"a=fmtp:{telephone_event_pt} 0-16"]
    lines += [f"a=ptime:{PTIME_MS}", f"a={direction}"]
    if crypto is not None:
        lines.append(f"a=crypto:{crypto.tag} {crypto.suite} "
                     f"inline:{srtp.encode_inline(crypto.key)}")
    return lines


def _render(local: LocalMedia, blocks: Iterable[list[str]]) -> str:
    family = "IP6" if ":" in local.host else "IP4"
    lines = [
        "v=0",
        f"o=- {local.session_id} {local.session_id} IN {family} {local.host}",
        "s=-",
        f"c=IN {family} {local.host}",
        "t=0 0",
    ]
    for block in blocks:
        lines += block
    return "\r\n".join(lines) + "\r\n"


def _is_unspecified(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False  # a host name
