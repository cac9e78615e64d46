"""One emulated OPERA Cloud environment with one hotel: its state, its business events, the
gateway's auth, limit and faults, and the Starlette app serving its REST API and the admin
routes. The stream and the polling dequeue are mounted beside them through `extra_routes`,
given `log`, `check_token` and the `external_systems` subscribed for polling."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import tzinfo
from zoneinfo import ZoneInfo

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, WebSocketRoute
from starlette.websockets import WebSocket

from connector.clock import Clock, SystemClock
from connector.sandbox.ohip import (
    routes_admin,
    routes_cashiering,
    routes_housekeeping,
    routes_oauth,
    routes_reservations,
    routes_rooms,
    routes_wakeups,
)
from connector.sandbox.ohip.auth import DEFAULT_TOKEN_SECONDS, Credentials, OhipAuth
from connector.sandbox.ohip.errors import OhipError
from connector.sandbox.ohip.event_log import OhipEventLog
from connector.sandbox.ohip.faults import OhipFaults
from connector.sandbox.ohip.gateway import Paging, Parts, error_response
from connector.sandbox.ohip.limits import DELAY_SECONDS, PER_SECOND, ExcessDelay
from connector.sandbox.ohip.poll_route import gateway_poll_route
from connector.sandbox.ohip.requestlog import OhipRequest, OhipRequestLog
from connector.sandbox.ohip.state import OhipState
from connector.sandbox.ohip.stream_faults import StreamFaults
from connector.sandbox.ohip.stream_server import stream_routes

ADMIN_PREFIX = "/_admin"
DEFAULT_ROOMS = tuple(f"{floor}{door:02d}" for floor in (1, 2, 3) for door in range(1, 11))


class OhipEmulator:
    """>>> emulator = OhipEmulator()
    >>> guest = emulator.state.create_reservation("Ada", "Lovelace", room="101")
    >>> emulator.state.check_in(guest.id)  # a CHECK IN business event in emulator.log
    """

    def __init__(
        self, *, hotel_id: str = "HOTEL1", chain_code: str = "CHAIN1",
        rooms: Iterable[str] = DEFAULT_ROOMS, tz: tzinfo | None = None,
        clock: Clock | None = None, credentials: Credentials | None = None,
        token_seconds: int = DEFAULT_TOKEN_SECONDS, per_second: int = PER_SECOND,
        delay_seconds: float = DELAY_SECONDS, external_systems: Iterable[str] = ("ZOOMPHONE",),
        echo_api_changes: bool = True, paging: Paging | None = None,
    ) -> None:
        self.clock: Clock = clock or SystemClock()
        self.log = OhipEventLog(hotel_id=hotel_id, chain_code=chain_code)
        self.external_systems: tuple[str, ...] = tuple(external_systems)
        for code in self.external_systems:
            self.log.subscribe_poller(code)
        self.state = OhipState(hotel_id=hotel_id, log=self.log, clock=self.clock,
                               tz=tz or ZoneInfo("UTC"), echo_api_changes=echo_api_changes)
        self.state.add_rooms(rooms)
        self.auth = OhipAuth(self.clock, credentials or Credentials(), token_seconds)
        self.faults = OhipFaults()
        self.stream_faults = StreamFaults()  # the stream's and the dequeue's
        self.subscriptions: list[Mapping[str, str]] = []  # each stream subscription's input
        self.documents: list[str] = []  # …and its GraphQL document as sent
        self.limit = ExcessDelay(per_second, delay_seconds)
        self.requests = OhipRequestLog()
        self.parts = Parts(self.state, self.auth, self.limit, self.faults, self.requests,
                           self.clock, paging or Paging())

    @property
    def hotel_id(self) -> str:
        return self.state.hotel_id

    @property
    def chain_code(self) -> str:
        return self.log.chain_code

    @property
    def delayed(self) -> int:
        """How many requests the limit delayed so far."""
        return self.limit.delayed

    def check_token(self, bearer: str) -> bool:
        """Whether a bearer token is live (for the stream's and the dequeue's auth)."""
        return self.auth.check_token(bearer)

    def expire_tokens(self) -> int:
        """Fault: every token issued so far expires now."""
        return self.auth.expire_tokens()

    def routes(self) -> list[BaseRoute]:
        """The REST operations, behind the gateway."""
        parts = self.parts
        return [*routes_oauth.routes(parts), *routes_reservations.routes(parts),
                *routes_wakeups.routes(parts), *routes_rooms.routes(parts),
                *routes_housekeeping.routes(parts),
                *routes_cashiering.routes(parts)]

    def event_routes(self) -> list[BaseRoute]:
        """The streaming API (`/subscriptions`, only our app key) and the businessEvents
        dequeue (behind the gateway: its limit, faults and request log count it)."""
        streams = stream_routes(self.log, auth=self.check_token, faults=self.stream_faults,
                                app_key=self.auth.credentials.app_key,
                                on_subscribe=self.subscriptions.append,
                                on_document=self.documents.append)
        return [*(self._gated(route) for route in streams),
                gateway_poll_route(self.parts, self.log, self.stream_faults)]

    def _gated(self, route: BaseRoute) -> BaseRoute:
        """A stream route behind the gateway's limit, and in its request log."""
        if not isinstance(route, WebSocketRoute):
            return route
        inner = route.endpoint

        async def endpoint(ws: WebSocket) -> None:
            arrived, at = self.clock.monotonic(), self.clock.now()
            wait = self.limit.admit(arrived)
            self.requests.append(OhipRequest(
                at=at, monotonic=arrived, method="GET", path=ws.url.path,
                operation="subscriptions", status=101, delayed=bool(wait), fault=None))
            if wait:
                await self.clock.sleep(wait)
            await inner(ws)

        return WebSocketRoute(route.path, endpoint)

    def full_app(self) -> Starlette:
        """The whole emulated OHIP: REST, events and admin (what the sandbox serves)."""
        return self.app(self.event_routes())

    def app(self, extra_routes: Sequence[BaseRoute] = ()) -> Starlette:
        """The ASGI app: the REST API, the admin routes under /_admin, and `extra_routes`
        (the stream and the dequeue)."""
        return Starlette(
            routes=[*self.routes(), *extra_routes,
                    Mount(ADMIN_PREFIX, routes=routes_admin.routes(self))],
            exception_handlers={404: _not_served, 405: _not_served})


async def _not_served(request: Request, exc: Exception) -> Response:
    """A path or method the emulator does not serve, in OHIP's error shape."""
    status = exc.status_code if isinstance(exc, HTTPException) else 404
    what = "is not an operation" if status == 404 else "is not allowed"
    return error_response(OhipError(status, f"{request.method} {request.url.path} {what}"),
                          request.url.path)
