"""A room phone calling one of the connector's lines (housekeeping codes, a guest setting a
wake-up): Zoom delivers the INVITE to the line's registered contact with the room's
extension in P-Asserted-Identity; the phone keys its digits once the prompt plays and waits
for the connector to hang up."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

from connector.sandbox.sip.calls import Direction, Outcome, PhoneCall
from connector.sandbox.sip.environment import Environment
from connector.sandbox.sip.live_call import LiveCall, destination_of
from connector.sandbox.sip.registrar import Binding
from connector.sandbox.sip.transactions import ClientTx
from connector.sip import ids
from connector.sip.dialog import Dialog
from connector.sip.errors import SipError
from connector.sip.media.stream import MediaStream
from connector.sip.message import Request, Response
from connector.sip.requests import ALLOW, cancel_for

CANCEL_WAIT_SECONDS = 5.0


@dataclass(frozen=True)
class Dialling:
    """What the person at the room phone does."""

    extension: str  # the room phone's own extension
    dialled: str  # the number keyed: the housekeeping or wake-up number
    digits: str = ""
    digit_delay: float = 1.5  # from the answer to the first key (the prompt has started)
    answer_within: float = 10.0  # give up (CANCEL) if the line has not answered by then
    hang_up_after: float = 30.0  # from the last key, unless the connector hangs up first


def invite_for(env: Environment, binding: Binding, dialling: Dialling, sdp: str) -> Request:
    """The INVITE Zoom sends a line for a room's call: to the line's contact, From and
    P-Asserted-Identity the room, To the number dialled."""
    room = f'"Room {dialling.extension}" <sip:{dialling.extension}@{env.domain}>'
    invite = Request(method="INVITE", uri=binding.contact, body=sdp.encode())
    invite.add("Max-Forwards", "70")
    invite.add("From", f"{room};tag={ids.new_tag()}")
    invite.add("To", f"<sip:{dialling.dialled}@{env.domain}>")
    invite.add("Call-ID", ids.new_call_id(env.host))
    invite.add("CSeq", "1 INVITE")
    invite.add("Contact", f"<sip:{dialling.extension}@{env.domain}>")
    invite.add("P-Asserted-Identity", room)
    invite.add("Allow", ALLOW)
    invite.add("Content-Type", "application/sdp")
    return invite


async def call_line(env: Environment, binding: Binding, dialling: Dialling) -> PhoneCall:
    """Place the call, key the digits, end it; what happened."""
    media = await env.open_media()
    invite = invite_for(env, binding, dialling, media.offer())
    record = env.calls.add(PhoneCall(
        call_id=invite.call_id, direction=Direction.FROM_ROOM, extension=dialling.extension,
        line=binding.user, dialled=dialling.dialled, started_at=env.clock.now()))
    try:
        tx = env.layer.send_request(invite, binding.source)
        response = await _answer(env, tx, dialling.answer_within)
        record.sip_status = response.status
        if response.status >= 300:
            record.outcome = (Outcome.CANCELLED if response.status == 487
                              else Outcome.BUSY if response.status in (486, 600)
                              else Outcome.REFUSED)
        else:
            await _talk(env, tx, response, media, record, dialling)
    finally:
        await media.close()
        if record.ended_at is None:
            record.ended_at = env.clock.now()
        env.calls.touch()
    return record


async def _answer(env: Environment, tx: ClientTx, within: float) -> Response:
    """The final response; CANCEL when none came in time (then the 487, or a 408)."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(within):
            return await tx.final()
    env.layer.send_request(cancel_for(tx.request), tx.destination)
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(CANCEL_WAIT_SECONDS):
            return await tx.final()
    return Response(status=408, reason="Request Timeout")


async def _talk(env: Environment, tx: ClientTx, response: Response, media: MediaStream,
                record: PhoneCall, dialling: Dialling) -> None:
    try:
        dialog = Dialog.as_caller(tx.request, response)
    except SipError:
        record.outcome = Outcome.REFUSED
        return
    ack = dialog.ack(tx.request.cseq[0])
    tx.ack_for_2xx = env.layer.send_ack(ack, destination_of(ack))
    call = LiveCall(env.layer, dialog, media, record, env.calls, env.clock.now())
    env.live[record.call_id] = call
    try:
        try:
            media.accept_answer(response.body.decode("utf-8", "replace"))
        except SipError:
            record.outcome = Outcome.REFUSED
            await call.hang_up()
            return
        media.start()
        record.outcome = Outcome.ANSWERED
        env.calls.touch()
        await call.press(dialling.digits, first_after=dialling.digit_delay)
        if not await call.wait_end(dialling.hang_up_after):
            await call.hang_up()
    finally:
        env.live.pop(record.call_id, None)
        await call.close(env.clock.now())
