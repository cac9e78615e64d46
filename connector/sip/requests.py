"""Building the requests and responses whose shape RFC 3261 fixes: responses to a request,
the ACK of a non-2xx, CANCEL, and a request re-sent with digest credentials."""

from __future__ import annotations

from connector.sip.address import parse_name_addr
from connector.sip.digest import Challenge, authorization, parse_challenge
from connector.sip.errors import ParseError
from connector.sip.message import Request, Response

ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO"
SUPPORTED_EXTENSIONS: frozenset[str] = frozenset()
KNOWN_METHODS = frozenset({"INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "INFO"})
REASONS = {
    100: "Trying", 180: "Ringing", 200: "OK", 400: "Bad Request", 403: "Forbidden",
    420: "Bad Extension",
    415: "Unsupported Media Type", 481: "Call/Transaction Does Not Exist", 486: "Busy Here",
    487: "Request Terminated", 488: "Not Acceptable Here", 500: "Server Internal Error",
    501: "Not Implemented",
    503: "Service Unavailable",
}


def response_to(request: Request, status: int, *, to_tag: str | None = None,
                reason: str | None = None) -> Response:
    """A response echoing the request's Via, From, To (tagged), Call-ID and CSeq (§8.2.6)."""
    response = Response(status=status, reason=reason or REASONS.get(status, "Unknown"))
    for via in request.header_values("Via"):
        response.add("Via", via)
    response.add("From", request.header("From") or "")
    to = request.header("To") or ""
    if to_tag and status > 100:
        address = parse_name_addr(to)
        if address.tag is None:
            to = str(address.with_tag(to_tag))
    response.add("To", to)
    response.add("Call-ID", request.call_id)
    response.add("CSeq", request.header("CSeq") or "")
    return response


def ack_for_non_2xx(invite: Request, response: Response) -> Request:
    """§17.1.1.3: same R-URI, top Via, From, Call-ID, CSeq number and Route; the To of the
    response (with its tag)."""
    ack = Request(method="ACK", uri=invite.uri)
    ack.add("Via", invite.header_values("Via")[0])
    for name in ("Max-Forwards", "From"):
        value = invite.header(name)
        if value is not None:
            ack.add(name, value)
    ack.add("To", response.header("To") or invite.header("To") or "")
    ack.add("Call-ID", invite.call_id)
    ack.add("CSeq", f"{invite.cseq[0]} ACK")
    for route in invite.header_values("Route"):
        ack.add("Route", route)
    return ack


def cancel_for(invite: Request) -> Request:
    """§9.1: CANCEL with the INVITE's R-URI, top Via (same branch), From, To, Call-ID, Route,
    and its CSeq number; it goes where the INVITE went."""
    cancel = Request(method="CANCEL", uri=invite.uri)
    cancel.add("Via", invite.header_values("Via")[0])
    for name in ("Max-Forwards", "From", "To", "Call-ID"):
        value = invite.header(name)
        if value is not None:
            cancel.add(name, value)
    cancel.add("CSeq", f"{invite.cseq[0]} CANCEL")
    for route in invite.header_values("Route"):
        cancel.add("Route", route)
    return cancel


def challenge_of(response: Response) -> tuple[str, Challenge]:
    """The authorization header to send and the challenge in a 401/407; raises ParseError."""
    if response.status == 401:
        header, answer = response.header("WWW-Authenticate"), "Authorization"
    else:
        header, answer = response.header("Proxy-Authenticate"), "Proxy-Authorization"
    if header is None:
        raise ParseError(f"{response.status} without a challenge")
    return answer, parse_challenge(header)


def with_credentials(request: Request, response: Response, *, username: str, password: str,
                     cnonce: str) -> Request:
    """The request again, answering the 401/407 challenge: CSeq + 1, no Via (a new
    transaction gets a new branch). Raises ParseError or DigestError if not answerable."""
    answer, challenge = challenge_of(response)
    retry = Request(method=request.method, uri=request.uri, body=request.body)
    for key, value in request.headers:
        if key not in ("Via", "Authorization", "Proxy-Authorization", "CSeq"):
            retry.headers.append((key, value))
    retry.add("CSeq", f"{request.cseq[0] + 1} {request.method}")
    retry.add(answer, authorization(challenge, username=username, password=password,
                                    method=request.method, uri=request.uri, cnonce=cnonce))
    return retry


def preflight(request: Request) -> Response | None:
    """The response that refuses a request outright (§8.2.2), or None to go on: 501 for a
    method we do not implement, 420 for an extension we do not support."""
    if request.method not in KNOWN_METHODS:
        response = response_to(request, 501)
        response.add("Allow", ALLOW)
        return response
    if request.method in ("ACK", "CANCEL"):
        return None
    unsupported = [option for option in request.header_values("Require")
                   if option.lower() not in SUPPORTED_EXTENSIONS]
    if unsupported:
        response = response_to(request, 420)
        response.add("Unsupported", ", ".join(unsupported))
        return response
    return None
