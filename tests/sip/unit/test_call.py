"""A live call hearing from the far end: BYE, INFO digits, refresh re-INVITEs, and hanging up."""

from __future__ import annotations

import pytest

from connector.sip.api import CallEnded
from connector.sip.call import SipCall
from connector.sip.dialog import Dialog
from connector.sip.message import Request, Response
from tests.sip.unit.factories import invite, response
from tests.sip.unit.test_outbound import FakeMedia


class DigitMedia(FakeMedia):
    def __init__(self) -> None:
        super().__init__()
        self.digits: list[str] = []

    def push_digit(self, digit: str) -> None:
        self.digits.append(digit)


class Handle:
    def __init__(self, request: Request) -> None:
        self.request = request
        self.responses: list[Response] = []

    def respond(self, reply: Response) -> None:
        self.responses.append(reply)


class Agent:
    def __init__(self) -> None:
        self.sent: list[Request] = []

    async def request(self, request: Request) -> Response:
        self.sent.append(request)
        return response(request, 200)


def in_dialog(method: str, *, content_type: str = "", body: bytes = b"") -> Request:
    request = invite()
    request.method = method
    request.replace("CSeq", f"2 {method}")
    request.replace("To", "<sip:7001@hotel.test>;tag=ours")
    request.remove("Content-Type")
    if content_type:
        request.add("Content-Type", content_type)
    request.body = body
    return request


def live_call() -> tuple[SipCall, Agent, DigitMedia, list[SipCall]]:
    agent, media, ended = Agent(), DigitMedia(), []
    dialog = Dialog.as_callee(invite(record_route=("<sip:proxy.test;lr>",)), "ours")
    call = SipCall(agent, dialog, media, line="1001", local_sdp="v=0 ours",  # type: ignore[arg-type]
                   contact_uri="sip:1001@192.0.2.10:5060", on_end=ended.append)
    return call, agent, media, ended


async def test_far_end_bye_ends_the_call_and_closes_media() -> None:
    call, _, media, ended = live_call()
    bye = Handle(in_dialog("BYE"))
    call.received(bye)  # type: ignore[arg-type]
    await call.closed()
    assert [r.status for r in bye.responses] == [200]
    assert call.ended and media.closed and ended == [call]
    with pytest.raises(CallEnded):
        await call.read_digit(1)


@pytest.mark.parametrize(("content_type", "body", "status", "digits"), [
    ("application/dtmf-relay", b"Signal=5\r\nDuration=160\r\n", 200, ["5"]),
    ("application/dtmf", b"#", 200, ["#"]),
    ("text/plain", b"hello", 415, []),
])
async def test_info_digits_reach_the_media(content_type: str, body: bytes, status: int,
                                           digits: list[str]) -> None:
    call, _, media, _ = live_call()
    info = Handle(in_dialog("INFO", content_type=content_type, body=body))
    call.received(info)  # type: ignore[arg-type]
    assert [r.status for r in info.responses] == [status]
    assert media.digits == digits


async def test_session_refresh_reinvite_gets_the_same_session_back() -> None:
    call, _, _, _ = live_call()
    refresh = Handle(in_dialog("INVITE", content_type="application/sdp", body=b"v=0 theirs"))
    call.received(refresh)  # type: ignore[arg-type]
    (ok,) = refresh.responses
    assert ok.status == 200 and ok.body == b"v=0 ours"
    assert ok.header("Contact") == "<sip:1001@192.0.2.10:5060>"
    assert not call.ended


async def test_unknown_in_dialog_method_gets_501() -> None:
    call, _, _, _ = live_call()
    update = Handle(in_dialog("UPDATE"))
    call.received(update)  # type: ignore[arg-type]
    assert [r.status for r in update.responses] == [501]


async def test_hangup_sends_bye_along_the_route_set_once() -> None:
    call, agent, media, ended = live_call()
    await call.hangup()
    await call.hangup()
    (bye,) = agent.sent
    assert bye.method == "BYE" and bye.header_values("Route") == ["<sip:proxy.test;lr>"]
    assert bye.uri == "sip:2101@10.0.0.9:5062"
    assert media.closed and ended == [call]
