"""`/console/alerts`: the alerts waiting for someone at the desk (failed and missed
wake-ups), acknowledging one (who and when, audited), the ones acknowledged; the banner
every page carries (`/console/alerts/banner`, refreshed live) and its chime."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from connector.store import Alert
from connector.web.console.alert_words import alert_words, operator_words
from connector.web.console.chime import chime_wav
from connector.web.console.refusals import ConsoleRefusal
from connector.web.console.shell import Console

ACKNOWLEDGED_SHOWN = 50
_DONE = {
    "acknowledged": "acknowledged; thank you.",
    "already": "was already acknowledged by someone else (below: who and when).",
}


def alerts_router(console: Console) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/console/alerts")
    async def alerts(request: Request) -> Response:
        signed_in = console.staff(request)
        store = console.store()
        return console.page(request, "alerts.html", signed_in, waiting=store.open_alerts(),
                            dealt_with=store.acknowledged_alerts(ACKNOWLEDGED_SHOWN),
                            words=_words(console), operator_words=operator_words,
                            done=_DONE.get(request.query_params.get("done", ""), ""),
                            room=request.query_params.get("room", "")[:16])

    @router.get("/console/alerts/list")
    async def alert_list(request: Request) -> Response:
        signed_in = console.staff(request)
        store = console.store()
        return console.page(request, "_alert_list.html", signed_in,
                            waiting=store.open_alerts(),
                            dealt_with=store.acknowledged_alerts(ACKNOWLEDGED_SHOWN),
                            words=_words(console), operator_words=operator_words)

    @router.get("/console/alerts/banner")
    async def banner(request: Request) -> Response:
        signed_in = console.staff(request)
        return console.page(request, "_alert_banner.html", signed_in)

    @router.post("/console/alerts/{alert_id}/acknowledge")
    async def acknowledge(request: Request, alert_id: int) -> Response:
        signed_in, _form = await console.checked_form(request)
        store = console.store()
        alert = store.alert(alert_id)
        if alert is None:
            raise ConsoleRefusal(404, "No such alert", f"There is no alert {alert_id}.")
        done = "acknowledged"
        if store.acknowledge_alert(alert_id, by=signed_in.name, at=console.clock.now()):
            console.audit(signed_in, "alert acknowledged", room=alert.room,
                          detail=f"alert {alert_id} ({alert.kind.replace('_', ' ')})")
        else:
            done = "already"  # someone else was quicker: the list shows who
        return RedirectResponse(f"/console/alerts?done={done}&room={quote(alert.room)}",
                                status_code=303)

    @router.get("/console/chime.wav")
    async def chime() -> Response:
        return Response(chime_wav(), media_type="audio/wav",
                        headers={"Cache-Control": "max-age=86400"})

    return router


def _words(console: Console) -> Callable[[Alert], str]:
    now = console.clock.now()
    return lambda alert: alert_words(alert, console.tz, now)
