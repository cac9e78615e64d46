"""`/console/sign-in` and `/console/sign-out`: staff sessions, with the lock-out.

Sessions are kept server-side (a random id in an HttpOnly, SameSite=Strict cookie; its hash
and the session's CSRF token in the store) rather than in a signed cookie holding the
session itself: a sign-out, a password change or a removed account ends every session of
that person at once, and no signing key has to be configured, kept or rotated.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from functools import cache

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from connector.web.console import csrf
from connector.web.console.lockout import RULE, locked_until
from connector.web.console.passwords import hash_password, password_matches
from connector.web.console.shell import (
    SESSION_COOKIE,
    SIGN_IN_COOKIE,
    Console,
    csrf_refusal,
    id_hash,
    read_form,
    safe_next,
)

log = logging.getLogger(__name__)

_SIGN_IN_COOKIE_SECONDS = 3600


@cache
def _no_such_account() -> str:
    """Checked against when the name is unknown, so an unknown name takes as long as a
    known one (made at the first sign-in, not at start-up: a hash costs ~50 ms)."""
    return hash_password(secrets.token_urlsafe(16))


def sign_in_router(console: Console) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/console")
    async def console_home() -> Response:
        return RedirectResponse("/console/rooms", status_code=303)

    @router.get("/console/sign-in")
    async def sign_in_form(request: Request) -> Response:
        console.store()
        next_path = safe_next(request.query_params.get("next"))
        if console.session(request) is not None:
            return RedirectResponse(next_path, status_code=303)
        token = request.cookies.get(SIGN_IN_COOKIE) or csrf.new_token()
        page = console.page(request, "sign_in.html", None, next_path=next_path,
                            form_token=token, name="", problem="")
        _set_cookie(page, console, SIGN_IN_COOKIE, token, _SIGN_IN_COOKIE_SECONDS,
                    "/console/sign-in")
        return page

    @router.post("/console/sign-in")
    async def sign_in(request: Request) -> Response:
        store = console.store()
        form = await read_form(request)
        if not csrf.token_matches(request.cookies.get(SIGN_IN_COOKIE), form.get(csrf.FIELD)):
            raise csrf_refusal()
        name = form.get("name", "").strip()[:64]
        password = form.get("password", "")
        next_path = safe_next(form.get("next"))
        address = request.client.host if request.client else "unknown"
        now = console.clock.now()

        def again(status: int, problem: str) -> Response:
            return console.page(request, "sign_in.html", None, status=status,
                                next_path=next_path, form_token=form.get(csrf.FIELD),
                                name=name, problem=problem)

        # Refusals while locked are not audited one by one: a guessing machine must not
        # grow the audit table; the failure that locked is there.
        locked = _locked_until(console, name, address, now)
        if locked is not None:
            return again(429, _locked_words(console, locked))
        account = store.staff.get(name)
        good = await run_in_threadpool(
            password_matches, account.password_hash if account else _no_such_account(), password)
        if account is None or not good:
            store.staff.record_failed_sign_in(name, address, forget_before=now - RULE.window)
            locked = _locked_until(console, name, address, now)
            console.audit(name or "-", "sign-in failed" if locked is None
                          else "sign-in failed; locked out",
                          detail="" if account else "no such account")
            if locked is not None:
                log.warning("console sign-in locked out after repeated failures",
                            extra={"account": name, "address": address})
                return again(429, _locked_words(console, locked))
            return again(401, "The name or the password is wrong.")
        store.staff.clear_failed_sign_ins(name)
        session_id = secrets.token_urlsafe(32)
        hours = console.settings.session_hours
        store.staff.open_session(id_hash(session_id), account.name, csrf.new_token(),
                                 expires_at=now + timedelta(hours=hours))
        console.audit(account.name, "signed in")
        response = RedirectResponse(next_path, status_code=303)
        _set_cookie(response, console, SESSION_COOKIE, session_id, int(hours * 3600),
                    "/console")
        response.delete_cookie(SIGN_IN_COOKIE, path="/console/sign-in")
        return response

    @router.post("/console/sign-out")
    async def sign_out(request: Request) -> Response:
        signed_in, _ = await console.checked_form(request)
        console.store().staff.close_session(signed_in.id_hash)
        console.audit(signed_in, "signed out")
        response = RedirectResponse("/console/sign-in", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/console")
        return response

    return router


def _locked_until(console: Console, name: str, address: str, now: datetime) -> datetime | None:
    of_account, of_address = console.store().staff.failed_sign_ins(
        account=name, address=address, since=now - RULE.window)
    times = [t for t in (locked_until(of_account, now), locked_until(of_address, now)) if t]
    return max(times) if times else None


def _locked_words(console: Console, locked: datetime) -> str:
    return ("Too many failed sign-ins for this account or from this computer. Try again "
            f"after {console.hotel_time(locked)}, or ask an admin to set a new password.")


def _set_cookie(response: Response, console: Console, key: str, value: str, max_age: int,
                path: str) -> None:
    response.set_cookie(key, value, max_age=max_age, path=path, httponly=True,
                        samesite="strict", secure=console.settings.secure_cookie)
