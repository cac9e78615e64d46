"""The sandbox's admin API under `/_sandbox/` (a prefix Zoom does not use).

Tests, benchmarks and the CLI use it to move the clock, inject faults, revoke tokens, lower
rate limits, add voicemails, place outside calls from room phones (one, a list, or a whole
day of them), read the request log, set the app's event subscription (where webhooks go) and
the faults on its webhooks, press DND on a room phone, and script the room phones of the SIP
side.
Each route calls the same method the Python API offers.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from connector.sandbox.calls import CallOrder, CallOrderInvalid
from connector.sandbox.faults import Fault, FaultKind
from connector.sandbox.ratelimit import HeaderMode, RetryAfterStyle
from connector.sandbox.sip.behaviour import PhoneBehaviour
from connector.sandbox.sip.state import phone_system
from connector.sandbox.state import CallRecord
from connector.sandbox.views import iso
from connector.sandbox.webhook_faults import WebhookFault, WebhookFaultKind
from connector.sandbox.webhooks import DeliveryState, WebhookSetupError
from connector.zoom.catalogue import Category, Family

if TYPE_CHECKING:
    from connector.sandbox.sandbox import Sandbox


class AdminError(ValueError):
    """A bad admin request; answered 400 with the reason."""


async def json_body(request: Request) -> dict[str, Any]:
    """An admin request's JSON object ({} when empty); AdminError when it is not one."""
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = await request.json()
    except ValueError:
        raise AdminError("the body must be JSON") from None
    if not isinstance(body, dict):
        raise AdminError("the body must be a JSON object")
    return body


def _bad(exc: Exception) -> Response:
    return JSONResponse({"error": str(exc)}, status_code=400)


def admin_app(sb: Sandbox) -> Starlette:
    """The admin routes, bound to one sandbox."""

    def info() -> dict[str, Any]:
        creds = sb.config.credentials
        return {
            "oauth_url": sb.oauth_url, "api_url": sb.api_url,
            "account_id": creds.account_id, "client_id": creds.client_id,
            "client_secret": creds.client_secret, "plan": sb.config.plan.value,
            "scopes": sorted(sb.issuer.scopes), "now": iso(sb.clock.now()),
            "users": len(sb.account.users), "common_areas": len(sb.account.common_areas),
            "devices": len(sb.account.devices), "voicemails": len(sb.account.voicemails),
            "calls": len(sb.account.calls), "rooms": len(sb.hotel.rooms),
        }

    async def get_info(request: Request) -> Response:
        return JSONResponse(info())

    async def clock(request: Request) -> Response:
        return JSONResponse({"now": iso(sb.clock.now()), "monotonic": sb.clock.monotonic()})

    async def advance(request: Request) -> Response:
        try:
            body = await json_body(request)
            if "to" in body:
                sb.clock.advance_to(datetime.fromisoformat(str(body["to"])))
            else:
                sb.advance(float(body.get("seconds", 0)))
        except (AdminError, ValueError, TypeError) as exc:
            return _bad(exc)
        return JSONResponse({"now": iso(sb.clock.now()), "monotonic": sb.clock.monotonic()})

    async def revoke(request: Request) -> Response:
        return JSONResponse({"revoked": sb.revoke_tokens()})

    async def scopes(request: Request) -> Response:
        if request.method == "DELETE":
            sb.set_scopes(None)
        elif request.method == "PUT":
            try:
                body = await json_body(request)
            except AdminError as exc:
                return _bad(exc)
            wanted = body.get("scopes")
            if not isinstance(wanted, list) or not all(isinstance(s, str) for s in wanted):
                return _bad(AdminError("scopes must be a list of strings"))
            sb.set_scopes(frozenset(wanted))
        return JSONResponse({"scopes": sorted(sb.issuer.scopes)})

    async def faults(request: Request) -> Response:
        if request.method == "DELETE":
            sb.faults.clear()
        elif request.method == "POST":
            try:
                body = await json_body(request)
                count = body.get("count", 1)
                sb.faults.add(Fault(
                    kind=FaultKind(body.get("kind", "error")),
                    remaining=None if count is None else int(count),
                    status=int(body.get("status", 503)),
                    seconds=float(body.get("seconds", 0.0)),
                    endpoint=body.get("endpoint"),
                ))
            except (AdminError, ValueError, TypeError) as exc:
                return _bad(exc)
        return JSONResponse({"faults": [
            {"kind": f.kind.value, "remaining": f.remaining, "status": f.status,
             "seconds": f.seconds, "endpoint": f.endpoint}
            for f in sb.faults.armed
        ]})

    async def ratelimits(request: Request) -> Response:
        limiter = sb.limiter
        if request.method == "DELETE":
            limiter.reset()
        elif request.method == "POST":
            try:
                body = await json_body(request)
                family = Family(body["family"]) if "family" in body else None
                if "category" in body and "limit" in body:
                    if family is None:
                        raise AdminError("family is required with category")
                    limiter.set_limit(family, Category(body["category"]), int(body["limit"]))
                if "daily_limit" in body:
                    if family is None:
                        raise AdminError("family is required with daily_limit")
                    limiter.set_daily_limit(family, int(body["daily_limit"]))
                if "daily_used" in body:
                    if family is None:
                        raise AdminError("family is required with daily_used")
                    limiter.use_daily(family, int(body["daily_used"]), sb.clock.now())
                if "retry_after" in body:
                    limiter.retry_after = RetryAfterStyle(body["retry_after"])
                if "headers" in body:
                    limiter.headers = HeaderMode(body["headers"])
                if "enabled" in body:
                    limiter.enabled = bool(body["enabled"])
            except (AdminError, KeyError, ValueError, TypeError) as exc:
                return _bad(exc)
        now = sb.clock.now()
        return JSONResponse({
            "plan": limiter.plan.value, "retry_after": limiter.retry_after.value,
            "headers": limiter.headers.value, "enabled": limiter.enabled,
            "windows": {
                f"{family.value}.{category.value}": {
                    "requests": limiter.window(family, category).requests,
                    "seconds": limiter.window(family, category).seconds,
                }
                for family in Family for category in Category
            },
            "daily": {
                family.value: {"limit": limiter.daily_limit(family),
                               "used": limiter.daily_used(family, now)}
                for family in Family
            },
        })

    async def requests(request: Request) -> Response:
        if request.method == "DELETE":
            sb.log.clear()
            return JSONResponse({"requests": []})
        endpoint = request.query_params.get("endpoint")
        since = int(request.query_params.get("since", "0") or 0)
        return JSONResponse({"requests": [
            e.to_json() for e in sb.log.entries(endpoint) if e.seq > since
        ]})

    async def reset(request: Request) -> Response:
        sb.reset()
        return JSONResponse(info())

    async def voicemails(request: Request) -> Response:
        try:
            body = await json_body(request)
            vm = sb.add_voicemail(
                int(body["extension"]),
                caller_number=str(body.get("caller_number", "+12125550143")),
                caller_name=str(body.get("caller_name", "WIRELESS CALLER")),
                duration=int(body.get("duration", 20)),
                minutes_ago=float(body.get("minutes_ago", 1)),
            )
        except (AdminError, KeyError, ValueError, TypeError) as exc:
            return _bad(exc)
        return JSONResponse({"id": vm.id, "owner_type": vm.owner_type,
                             "owner_id": vm.owner_id}, status_code=201)

    def placed(call: CallRecord) -> dict[str, Any]:
        return {"id": call.id, "call_id": call.call_id, "start_time": iso(call.start_time),
                "end_time": iso(call.end_time),
                "recorded_at": iso(call.recorded_at or call.end_time)}

    async def calls(request: Request) -> Response:
        """One outside call (`CallOrder.from_json`), or `{"calls": [...]}` for many."""
        try:
            body = await json_body(request)
            many = body.get("calls")
            if many is not None:
                if not isinstance(many, list) or not all(isinstance(c, dict) for c in many):
                    raise AdminError("calls must be a list of calls")
                records = sb.place_calls([CallOrder.from_json(c) for c in many])
                return JSONResponse({"placed": len(records),
                                     "call_ids": [r.call_id for r in records]},
                                    status_code=201)
            record = sb.place_call(CallOrder.from_json(body))
        except KeyError as exc:
            return _bad(AdminError(str(exc.args[0])))
        except (AdminError, CallOrderInvalid) as exc:
            return _bad(exc)
        return JSONResponse(placed(record), status_code=201)

    async def day_of_calls(request: Request) -> Response:
        """`{"count", "hours"?, "start"?, "seed"?}`: a day of the hotel's outside calls."""
        try:
            body = await json_body(request)
            start = body.get("start")
            seed = body.get("seed")
            records = sb.place_day_of_calls(
                int(body.get("count", 0)), hours=float(body.get("hours", 24)),
                start=datetime.fromisoformat(str(start)) if start is not None else None,
                seed=int(seed) if seed is not None else None)
        except (AdminError, ValueError, TypeError) as exc:
            return _bad(exc)
        return JSONResponse({
            "placed": len(records),
            "first_start": iso(records[0].start_time) if records else None,
            "last_start": iso(records[-1].start_time) if records else None,
        }, status_code=201)

    async def presence(request: Request) -> Response:
        try:
            return JSONResponse(sb.presence(request.path_params["user_id"]))
        except KeyError as exc:
            return JSONResponse({"error": str(exc)}, status_code=404)

    async def extension(request: Request) -> Response:
        try:
            owner = sb.owner(int(request.path_params["number"]))
        except (KeyError, ValueError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=404)
        kind = "commonArea" if owner.id in sb.account.common_areas else "user"
        return JSONResponse({"type": kind, "id": owner.id,
                             "display_name": owner.display_name})

    async def dnd(request: Request) -> Response:
        try:
            body = await json_body(request)
            on = body.get("on", True)
            if not isinstance(on, bool):
                raise AdminError("on must be true or false")
            user = sb.press_dnd(int(request.path_params["number"]), on)
        except KeyError as exc:
            return JSONResponse({"error": str(exc)}, status_code=404)
        except (AdminError, ValueError) as exc:
            return _bad(exc)
        return JSONResponse({"user_id": user.id, **sb.presence(user.id)})

    def webhooks_json() -> dict[str, Any]:
        hooks = sb.webhooks
        counts = Counter(d.state.value for d in hooks.deliveries)
        return {"url": hooks.subscription.url if hooks.subscription else None,
                "retry_seconds": list(hooks.retry_seconds), "unsent": hooks.unsent,
                "counts": {state.value: counts[state.value] for state in DeliveryState},
                "deliveries": [d.to_json() for d in hooks.deliveries]}

    async def webhooks(request: Request) -> Response:
        if request.method == "DELETE":
            sb.webhooks.unsubscribe()
        elif request.method == "PUT":
            try:
                body = await json_body(request)
                url, token = body.get("url"), body.get("secret_token")
                if not isinstance(url, str) or not isinstance(token, str):
                    raise AdminError("url and secret_token are required strings")
                retries = body.get("retry_seconds", list(sb.webhooks.retry_seconds))
                if not isinstance(retries, list) or not all(
                        isinstance(r, int | float) and r >= 0 for r in retries):
                    raise AdminError("retry_seconds must be a list of waits in seconds")
                await sb.webhooks.subscribe(url, token)
                sb.webhooks.retry_seconds = tuple(float(r) for r in retries)
            except (AdminError, WebhookSetupError) as exc:
                return _bad(exc)
        return JSONResponse(webhooks_json())

    async def webhook_faults(request: Request) -> Response:
        faults = sb.webhooks.faults
        if request.method == "DELETE":
            faults.clear()
        elif request.method == "POST":
            try:
                body = await json_body(request)
                if "seed" in body:
                    faults.seed(int(body["seed"]))
                if "kind" in body:
                    rate = body.get("rate")
                    count = body.get("count", None if rate is not None else 1)
                    event = body.get("event")
                    faults.add(WebhookFault(
                        kind=WebhookFaultKind(body["kind"]),
                        remaining=None if count is None else int(count),
                        seconds=float(body.get("seconds", 0.0)),
                        event=None if event is None else str(event),
                        rate=None if rate is None else float(rate),
                    ))
            except (AdminError, ValueError, TypeError) as exc:
                return _bad(exc)
        return JSONResponse({"faults": [f.to_json() for f in faults.armed]})

    async def room_map(request: Request) -> Response:
        return PlainTextResponse(sb.hotel.room_map_csv(), media_type="text/csv")

    async def sip(request: Request) -> Response:
        system = phone_system(sb)
        now = system.clock.monotonic()
        return JSONResponse({
            "registrations": [
                {"user": b.user, "contact": b.contact, "expires_in": b.seconds_left(now)}
                for b in system.registrar.bindings(now)],
            "phones": system.behaviours.to_json(),
            "calls": [call.to_json() for call in system.calls.calls],
        })

    async def phone(request: Request) -> Response:
        behaviours = phone_system(sb).behaviours
        extension = request.path_params["extension"]
        if request.method == "PUT":
            try:
                behaviour = PhoneBehaviour.from_json(await json_body(request))
            except (AdminError, KeyError, ValueError, TypeError) as exc:
                return _bad(exc)
            if extension == "default":
                behaviours.default = behaviour
            else:
                behaviours.set(extension, behaviour)
        elif request.method == "DELETE":
            if extension == "default":
                behaviours.default = PhoneBehaviour()
            else:
                behaviours.forget(extension)
        shown = behaviours.default if extension == "default" else behaviours.of(extension)
        return JSONResponse(shown.to_json())

    async def phones(request: Request) -> Response:
        behaviours = phone_system(sb).behaviours
        behaviours.forget()
        return JSONResponse(behaviours.to_json())

    return Starlette(routes=[
        Route("/_sandbox", get_info),
        Route("/_sandbox/clock", clock),
        Route("/_sandbox/clock/advance", advance, methods=["POST"]),
        Route("/_sandbox/tokens/revoke", revoke, methods=["POST"]),
        Route("/_sandbox/scopes", scopes, methods=["GET", "PUT", "DELETE"]),
        Route("/_sandbox/faults", faults, methods=["GET", "POST", "DELETE"]),
        Route("/_sandbox/ratelimits", ratelimits, methods=["GET", "POST", "DELETE"]),
        Route("/_sandbox/requests", requests, methods=["GET", "DELETE"]),
        Route("/_sandbox/reset", reset, methods=["POST"]),
        Route("/_sandbox/voicemails", voicemails, methods=["POST"]),
        Route("/_sandbox/calls", calls, methods=["POST"]),
        Route("/_sandbox/calls/day", day_of_calls, methods=["POST"]),
        Route("/_sandbox/presence/{user_id}", presence),
        Route("/_sandbox/extensions/{number}", extension),
        Route("/_sandbox/extensions/{number}/dnd", dnd, methods=["POST"]),
        Route("/_sandbox/webhooks", webhooks, methods=["GET", "PUT", "DELETE"]),
        Route("/_sandbox/webhooks/faults", webhook_faults, methods=["GET", "POST", "DELETE"]),
        Route("/_sandbox/room_map.csv", room_map),
        Route("/_sandbox/sip", sip),
        Route("/_sandbox/sip/phones", phones, methods=["DELETE"]),
        Route("/_sandbox/sip/phones/{extension}", phone, methods=["GET", "PUT", "DELETE"]),
    ])
