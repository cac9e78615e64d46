"""`connector doctor`'s look at OHIP's stream: one short subscription, from the newest
event, completed at once; what OHIP said, in words (nothing is stored)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus
from websockets.typing import Subprotocol

from connector.pms.cloud.contract import PmsRefused, PmsUnavailable
from connector.pms.ohip import stream_protocol as wire
from connector.pms.ohip.stream import drop_reason
from connector.settings.cloud_pms import OhipSettings

Check = tuple[str, bool, str, list[str]]
NAME = "OHIP event stream"


async def probe_stream(settings: OhipSettings, token: Callable[[], Awaitable[str]], *,
                       listen: float = 2.0, within: float = 10.0) -> Check:
    """Subscribe, listen `listen` seconds for a refusal, complete. OHIP refuses a second
    consumer of an app key's stream (4409) only at subscribe, so a quiet stream is ours."""
    app_key = settings.app_key.get_secret_value() if settings.app_key else ""
    url = f"{settings.subscriptions_url()}?key={wire.hashed_key(app_key)}"
    document = wire.new_event_document(settings.chain_code, hotel_code=settings.hotel_id,
                                       highest=True)
    try:
        bearer = await token()
        async with connect(url, subprotocols=[Subprotocol(wire.SUBPROTOCOL)],
                           open_timeout=within, close_timeout=2) as ws:
            await ws.send(wire.connection_init(bearer, app_key))
            async with asyncio.timeout(within):
                while (message := wire.parse(await ws.recv())).type != "connection_ack":
                    if message.type == "ping":
                        await ws.send(wire.pong())
            await ws.send(wire.subscribe(document))
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(listen):
                    while True:
                        message = wire.parse(await ws.recv())
                        if message.type == "error":
                            return (NAME, False, "OHIP refused the subscription: "
                                    f"{wire.error_text(message)}", [_ASK_SUBSCRIPTION])
            await ws.send(wire.complete())
    except ConnectionClosed as exc:
        if exc.rcvd is not None and exc.rcvd.code == wire.CLOSE_ANOTHER_CONSUMER:
            return (NAME, False, "another system is consuming this hotel's OHIP stream with "
                    "our app key (close code 4409)", [
                        "OHIP allows one consumer per app key and chain. If `connector "
                        "serve` is running for this hotel, that is it (its /readyz says "
                        "whether its stream is up). Otherwise stop the other system, or ask "
                        "Oracle for an app key of the connector's own."])
        return (NAME, False, drop_reason(exc), [_ASK_SUBSCRIPTION])
    except InvalidStatus as exc:
        return (NAME, False, f"OHIP refused the connection (HTTP "
                f"{exc.response.status_code})", [_ASK_SUBSCRIPTION])
    except (OSError, InvalidHandshake, TimeoutError, wire.ProtocolError) as exc:
        return (NAME, False, f"the stream could not be reached ({drop_reason(exc)})", [
            f"Check CONNECTOR_OHIP__STREAM_URL (now {settings.subscriptions_url()}) and "
            "that the connector may open a WebSocket to it."])
    except (PmsRefused, PmsUnavailable) as exc:
        return (NAME, False, f"no token for the stream ({exc})", [])
    return (NAME, True, "OHIP accepted a subscription to the hotel's business events", [])


_ASK_SUBSCRIPTION = (
    "Ask the environment's owner (Oracle or the hotel's OHIP administrator) to approve our "
    "application's streaming subscription, and check CONNECTOR_OHIP__CHAIN_CODE and "
    "HOTEL_ID; events reach the stream only when OPERA's external system "
    "(CONNECTOR_OHIP__EXTERNAL_SYSTEM_CODE) has them selected (docs/pms-ohip.md).")
