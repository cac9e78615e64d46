"""A room phone being rung by one of the connector's lines (a wake-up call, the operator
told of a missed one): it rings, then answers, is busy or lets it ring, as its behaviour
says; once answered it keys its digits and waits for the hang-up."""

from __future__ import annotations

import asyncio
import contextlib

from connector.sandbox.sip.behaviour import PhoneBehaviour, Pickup
from connector.sandbox.sip.calls import Direction, Outcome, PhoneCall
from connector.sandbox.sip.environment import Environment
from connector.sandbox.sip.live_call import LiveCall
from connector.sandbox.sip.transactions import ServerTx
from connector.sip import ids
from connector.sip.dialog import Dialog
from connector.sip.errors import ParseError
from connector.sip.media.errors import MediaError, SdpError
from connector.sip.media.stream import MediaStream
from connector.sip.message import Request, Response
from connector.sip.requests import ALLOW, response_to

# Bounds, so nothing an emulated phone does can last for ever.
MAX_RING_SECONDS = 120.0  # a phone that never answers gives 480 after this
MAX_CALL_SECONDS = 300.0  # then the room hangs up itself


async def ring(env: Environment, tx: ServerTx, *, extension: str, line: str,
               behaviour: PhoneBehaviour) -> PhoneCall:
    """Play one incoming INVITE to the end; what happened."""
    invite = tx.request
    record = env.calls.add(PhoneCall(
        call_id=invite.call_id, direction=Direction.TO_ROOM, extension=extension, line=line,
        dialled=extension, started_at=env.clock.now()))
    local_tag = ids.new_tag()
    contact = f"<sip:{extension}@{env.domain}>"

    def refuse(status: int, outcome: Outcome, reason: str | None = None) -> PhoneCall:
        tx.respond(response_to(invite, status, to_tag=local_tag, reason=reason))
        return _finished(env, record, status, outcome)

    if behaviour.pickup is Pickup.BUSY:
        return refuse(486, Outcome.BUSY)
    tx.respond(_dialog_response(invite, 180, local_tag, contact))
    ringing = MAX_RING_SECONDS if behaviour.pickup is Pickup.NO_ANSWER else behaviour.answer_after
    if await _cancelled_within(tx, ringing):
        return _finished(env, record, 487, Outcome.CANCELLED)
    if behaviour.pickup is Pickup.NO_ANSWER:
        return refuse(480, Outcome.REFUSED, "Temporarily Unavailable")
    try:
        media = await env.open_media()
    except MediaError:
        return refuse(503, Outcome.REFUSED)
    try:
        answer_sdp = media.answer(invite.body.decode("utf-8", "replace"))
        dialog = Dialog.as_callee(invite, local_tag)
    except SdpError as error:
        await media.close()
        return refuse(error.status, Outcome.REFUSED, error.reason)
    except ParseError:
        await media.close()
        return refuse(400, Outcome.REFUSED)
    if tx.cancelled.is_set():
        await media.close()
        return _finished(env, record, 487, Outcome.CANCELLED)
    await _talk(env, tx, dialog, media, record, behaviour, contact, answer_sdp)
    return record


async def _talk(env: Environment, tx: ServerTx, dialog: Dialog, media: MediaStream,
                record: PhoneCall, behaviour: PhoneBehaviour, contact: str,
                answer_sdp: str) -> None:
    invite = tx.request
    ok = _dialog_response(invite, 200, dialog.local_tag, contact)
    ok.add("Allow", ALLOW)
    ok.add("Content-Type", "application/sdp")
    ok.body = answer_sdp.encode()
    call = LiveCall(env.layer, dialog, media, record, env.calls, env.clock.now())
    env.live[invite.call_id] = call  # before the 200 leaves: a BYE may race the ACK
    record.outcome, record.sip_status = Outcome.ANSWERED, 200
    tx.respond(ok)
    media.start()
    presser: asyncio.Task[None] | None = None
    try:
        if not await tx.acked:  # Timer H bounds this wait
            record.outcome = Outcome.NOT_ACKED
            await call.hang_up()
            return
        env.calls.touch()
        if behaviour.digits:
            presser = asyncio.create_task(
                call.press(behaviour.digits, first_after=behaviour.press_after))
        if not await call.wait_end(MAX_CALL_SECONDS):
            await call.hang_up()
    finally:
        if presser is not None:
            presser.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await presser
        env.live.pop(invite.call_id, None)
        await call.close(env.clock.now())


async def _cancelled_within(tx: ServerTx, seconds: float) -> bool:
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await tx.cancelled.wait()
    return tx.cancelled.is_set()


def _finished(env: Environment, record: PhoneCall, status: int, outcome: Outcome) -> PhoneCall:
    record.sip_status, record.outcome = status, outcome
    record.ended_at = env.clock.now()
    env.calls.touch()
    return record


def _dialog_response(invite: Request, status: int, local_tag: str, contact: str) -> Response:
    response = response_to(invite, status, to_tag=local_tag)
    response.add("Contact", contact)
    return response
