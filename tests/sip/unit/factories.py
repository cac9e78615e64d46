"""Small SIP messages for the core's unit tests."""

from __future__ import annotations

from connector.sip.message import Request, Response, parse


def invite(*, branch: str = "z9hG4bKinv1", record_route: tuple[str, ...] = (),
           extra: str = "") -> Request:
    """An INVITE as a room phone behind a proxy would send it to one of our lines."""
    rr = "".join(f"Record-Route: {route}\r\n" for route in record_route)
    data = (
        "INVITE sip:1001@10.0.0.5:5060 SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP 10.0.0.1:5060;branch={branch};rport\r\n"
        "Via: SIP/2.0/UDP 10.0.0.9:5062;branch=z9hG4bKroom\r\n"
        f"{rr}"
        'From: "Room 101" <sip:2101@hotel.test>;tag=roomtag\r\n'
        "To: <sip:7001@hotel.test>\r\n"
        "Call-ID: call-1@10.0.0.9\r\n"
        "CSeq: 1 INVITE\r\n"
        "Contact: <sip:2101@10.0.0.9:5062>\r\n"
        "Max-Forwards: 69\r\n"
        f"{extra}"
        "Content-Type: application/sdp\r\n"
        "Content-Length: 4\r\n\r\nv=0\n"
    ).encode()
    message = parse(data)
    assert isinstance(message, Request)
    return message


def response(request: Request, status: int, *, to_tag: str | None = "far",
             extra: str = "") -> Response:
    """The response a far end would send to `request`."""
    # Requests the agent has not sent yet have no Via: answer as if it had added one.
    vias = "".join(f"Via: {via}\r\n" for via in request.header_values("Via")) or (
        "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKsent\r\n")
    to = request.header("To") or ""
    if to_tag:
        to += f";tag={to_tag}"
    data = (
        f"SIP/2.0 {status} Whatever\r\n{vias}"
        f"From: {request.header('From')}\r\nTo: {to}\r\n"
        f"Call-ID: {request.call_id}\r\nCSeq: {request.header('CSeq')}\r\n{extra}"
        "Content-Length: 0\r\n\r\n"
    ).encode()
    message = parse(data)
    assert isinstance(message, Response)
    return message


def outgoing(method: str = "REGISTER", *, branch: str = "z9hG4bKout1") -> Request:
    """A request of ours, as the agent would send it."""
    request = Request(method=method, uri="sip:hotel.test")
    request.add("Via", f"SIP/2.0/UDP 192.0.2.10:5060;branch={branch};rport")
    request.add("Max-Forwards", "70")
    request.add("From", "<sip:1001@hotel.test>;tag=ourtag")
    request.add("To", "<sip:2101@hotel.test>")
    request.add("Call-ID", "ours-1@192.0.2.10")
    request.add("CSeq", f"1 {method}")
    return request
