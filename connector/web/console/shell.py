"""What every console route shares: the store, the clock, templates, and the three guards a
page uses — `staff(request)` (signed in, else sent to sign-in), `checked_form(request)`
(signed in and the CSRF token right, else 403) and `audit(...)`.

`admin(request)` is `staff` for the IT person's pages. A route that acts:

    @router.post("/console/rooms/{room}/dnd")
    async def dnd(request: Request, room: str) -> Response:
        signed_in, form = await console.checked_form(request)
        ...  # act through the durable ingest
        console.audit(signed_in, "dnd on", room=room)
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import tzinfo
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from connector.clock import Clock
from connector.hotel_time import hotel_time
from connector.settings.model import ConsoleSettings
from connector.store import Store
from connector.store.staff import ConsoleSession
from connector.web.console import csrf
from connector.web.console.nav import NAV
from connector.web.console.refusals import ConsoleRefusal, SignInRequired
from connector.web.context import ConnectorProvider

if TYPE_CHECKING:
    # Only a type here: connector.pms.reporter imports connector.web (signing).
    from connector.pms.reporter import Reporter

SESSION_COOKIE = "console_session"
SIGN_IN_COOKIE = "console_sign_in"  # the sign-in form's CSRF token, before any session
MAX_FORM_BYTES = 16 * 1024


@dataclass(frozen=True)
class SignedIn:
    """The staff member behind a request, with the session's id hash and CSRF token."""

    name: str
    role: str
    csrf: str
    id_hash: str


def id_hash(session_id: str) -> str:
    """What the store keeps of a session id: its SHA-256 (the cookie alone opens it)."""
    return hashlib.sha256(session_id.encode()).hexdigest()


@dataclass(frozen=True)
class Console:
    connector: ConnectorProvider
    settings: ConsoleSettings
    clock: Clock
    tz: tzinfo
    templates: Environment
    # Reports back to the PMS (a wake-up set at the desk goes as WR); None: the app was
    # built without them (some tests), and actions that must report are refused.
    reporter: Reporter | None = None

    def store(self) -> Store:
        """The connector's store; 503 while it starts or stops, 404 with no staff account
        (the console is off until `connector staff add`)."""
        connector = self.connector()
        if connector is None:
            raise ConsoleRefusal(503, "Starting up", "The connector is starting up or "
                                 "shutting down. Reload this page in a few seconds.")
        if connector.store.staff.count() == 0:
            raise ConsoleRefusal(404, "No console here", "The front-desk console is off until "
                                 "a staff account exists: `connector staff add NAME --role "
                                 "admin` on the connector's host.")
        return connector.store

    def session(self, request: Request) -> SignedIn | None:
        """The signed-in staff member, or None (no cookie, unknown, expired or ended)."""
        raw = request.cookies.get(SESSION_COOKIE)
        if not raw:
            return None
        hashed = id_hash(raw)
        found: ConsoleSession | None = self.store().staff.session(hashed)
        if found is None:
            return None
        return SignedIn(name=found.staff, role=found.role, csrf=found.csrf, id_hash=hashed)

    def staff(self, request: Request) -> SignedIn:
        """The signed-in staff member; else the browser is sent to sign-in."""
        signed_in = self.session(request)
        if signed_in is None:
            query = request.url.query
            raise SignInRequired(f"{request.url.path}?{query}" if query else request.url.path)
        return signed_in

    def admin(self, request: Request) -> SignedIn:
        """The signed-in staff member, who must be an admin (the IT person's pages); a desk
        account is refused with 403."""
        signed_in = self.staff(request)
        if signed_in.role != "admin":
            raise ConsoleRefusal(403, "For admins only", "This page is for the connector's "
                                 "admins (the IT person). Ask one if you need what it shows.")
        return signed_in

    async def checked_form(self, request: Request) -> tuple[SignedIn, dict[str, str]]:
        """For every POST that acts: the signed-in staff member and the form, once the
        session's CSRF token came with it (field `csrf_token` or header X-CSRF-Token);
        otherwise 403 (or 401 when not signed in), and nothing is done."""
        signed_in = self.session(request)
        if signed_in is None:
            raise ConsoleRefusal(401, "Signed out", "You are not signed in (or your session "
                                 "ended); nothing was done. Sign in and try again.")
        form = await read_form(request)
        given = form.get(csrf.FIELD) or request.headers.get(csrf.HEADER)
        if not csrf.token_matches(signed_in.csrf, given):
            raise csrf_refusal()
        return signed_in, form

    def audit(self, signed_in: SignedIn | str, action: str, *, room: str | None = None,
              detail: str = "") -> None:
        """Record a console action with the staff member's name (never a guest's)."""
        name = signed_in if isinstance(signed_in, str) else signed_in.name
        self.store().staff.audit(name, action, room=room, detail=detail)

    def page(self, request: Request, template: str, signed_in: SignedIn | None,
             status: int = 200, **context: Any) -> HTMLResponse:
        """A page from `templates/`, extending base.html (navigation, CSRF token, who)."""
        html = self.templates.get_template(template).render(
            request=request, signed_in=signed_in, nav=NAV, path=request.url.path,
            csrf_field=csrf.FIELD, hotel_time=self.hotel_time,
            open_alerts=self._open_alerts(signed_in), **context)
        return HTMLResponse(html, status_code=status, headers=_PAGE_HEADERS)

    def _open_alerts(self, signed_in: SignedIn | None) -> int | None:
        """For the alert banner every page carries: how many alerts wait (staff only)."""
        connector = self.connector()
        if signed_in is None or connector is None:
            return None
        return connector.store.count_open_alerts()

    def hotel_time(self, moment: Any, *, same_day: bool = True) -> str:
        """A time as the desk reads it, in the hotel's zone (for templates)."""
        return hotel_time(moment, self.tz,
                          same_day_as=self.clock.now() if same_day else None)


def csrf_refusal() -> ConsoleRefusal:
    return ConsoleRefusal(403, "Refused: the form's security token is missing or wrong",
                          "Nothing was done. This happens when a page was open from before "
                          "you signed in again, or when another site tried to act as you. "
                          "Go back, reload the page and try again.")


def safe_next(value: str | None) -> str:
    """Where to go after sign-in: only a console path of this site (no open redirect)."""
    if value and value.startswith("/console/") and "//" not in value and "\\" not in value:
        return value
    return "/console/rooms"


async def read_form(request: Request) -> dict[str, str]:
    """A url-encoded form's fields (the first value of each); a form too big is refused."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise ConsoleRefusal(413, "Too big", "The form sent was too big; nothing was done.")
    fields: Mapping[str, list[str]] = parse_qs(body.decode("utf-8", "replace"),
                                               keep_blank_values=True)
    return {key: values[0] for key, values in fields.items()}


def templates() -> Environment:
    return Environment(loader=PackageLoader("connector.web.console", "templates"),
                       autoescape=select_autoescape(default=True), auto_reload=False)


# Pages never end up in a shared cache, never in a frame (clickjacking), and load nothing
# from anywhere but the connector.
_PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}
