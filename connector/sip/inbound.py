"""Answering a call to one of our lines: 100, 180, then 200 with our SDP (Record-Route
kept) until the ACK; who called and what they dialled."""

from __future__ import annotations

import logging
from collections.abc import Callable

from connector.sip import ids
from connector.sip.address import parse_name_addr, parse_uri
from connector.sip.agent import ServerHandle, UserAgent
from connector.sip.api import CallerId
from connector.sip.call import SipCall
from connector.sip.dialog import Dialog
from connector.sip.errors import ParseError
from connector.sip.media.errors import SdpError
from connector.sip.media_port import MediaSession
from connector.sip.message import Request, Response
from connector.sip.requests import ALLOW, response_to

log = logging.getLogger("connector.sip.inbound")


def caller_id(request: Request) -> CallerId:
    """P-Asserted-Identity's user first, else From's; `dialled` is the To user, else the
    Request-URI's. Raises ParseError for unparseable addresses."""
    sender = parse_name_addr(request.header("From") or "")
    asserted_values = request.header_values("P-Asserted-Identity")
    asserted = parse_name_addr(asserted_values[0]) if asserted_values else None
    from_user = _user(sender.uri)
    number = (_user(asserted.uri) if asserted else "") or from_user
    name = (asserted.display if asserted and asserted.display else sender.display)
    dialled = _user(parse_name_addr(request.header("To") or "").uri) or (
        parse_uri(request.uri).user or "")
    return CallerId(number=number, name=name, from_user=from_user, dialled=dialled)


def _user(uri: str) -> str:
    # P-Asserted-Identity may be a tel: URI.
    if uri.lower().startswith("tel:"):
        return uri[4:].split(";", 1)[0]
    scheme, _, rest = uri.partition(":")
    if scheme.lower() not in ("sip", "sips") or "@" not in rest:
        return ""
    return rest.split("@", 1)[0].split(";", 1)[0]


async def answer(agent: UserAgent, handle: ServerHandle, media: MediaSession, *,
                 line: str, contact_uri: str, on_start: Callable[[SipCall], None],
                 on_end: Callable[[SipCall], None]) -> SipCall | None:
    """Answer the INVITE in `handle`; the call once ACKed, None when it failed (the caller
    got the error response, or a BYE when the ACK never came)."""
    invite = handle.request
    local_tag = ids.new_tag()
    handle.respond(response_to(invite, 100))
    try:
        # Built first: a To we cannot tag would leave even our error response unsendable.
        ok = _dialog_response(invite, 200, local_tag, contact_uri)
    except ParseError:
        handle.respond(response_to(invite, 400))
        return None
    try:
        dialog = Dialog.as_callee(invite, local_tag)
        answer_sdp = media.answer(invite.body.decode("utf-8", "replace"))
    except SdpError as error:
        handle.respond(response_to(invite, error.status, to_tag=local_tag, reason=error.reason))
        return None
    except ParseError:
        handle.respond(response_to(invite, 400, to_tag=local_tag))
        return None
    dialog.user_agent = agent.config.user_agent
    # No 180 before the 200: we answer at once, and a 180 sent just before the 200 can be
    # relayed after it over UDP (seen through Kamailio), which some callers treat as an error.
    if handle.cancelled.is_set():
        return None
    ok.add("Allow", ALLOW)
    ok.add("Content-Type", "application/sdp")
    ok.body = answer_sdp.encode()
    call = SipCall(agent, dialog, media, line=line, on_end=on_end, local_sdp=answer_sdp,
                   contact_uri=contact_uri)
    # Known before the 200 leaves, so a BYE racing the ACK finds its dialog.
    on_start(call)
    handle.respond(ok)
    media.start()
    if not await handle.acked:
        log.warning("SIP inbound call never ACKed; hanging up", extra={"line": line})
        await call.hangup()
        return None
    return call


def _dialog_response(invite: Request, status: int, local_tag: str,
                     contact_uri: str) -> Response:
    response = response_to(invite, status, to_tag=local_tag)
    for route in invite.header_values("Record-Route"):
        response.add("Record-Route", route)
    response.add("Contact", f"<{contact_uri}>")
    return response
