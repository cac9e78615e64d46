"""The sandbox as one object: the account, the clock and every knob tests and the CLI turn.

This is the Python API; the admin HTTP API (`/_sandbox/...`) calls the same methods.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from connector.billing.webhook import CALL_HISTORY_EVENT_SCOPE
from connector.sandbox import views
from connector.sandbox.calls import (
    LONGEST_CALL,
    RECORD_DELAY_SECONDS,
    CallOrder,
    day_of_calls,
)
from connector.sandbox.clock import SandboxClock
from connector.sandbox.demo_hotel import (
    DEFAULT_SEED,
    FLOORS,
    ROOMS_PER_FLOOR,
    DemoHotel,
    build_demo_hotel,
)
from connector.sandbox.faults import Faults
from connector.sandbox.group import GroupHotel, split_into_hotels
from connector.sandbox.oauth import Credentials, TokenIssuer
from connector.sandbox.pagination import Pager
from connector.sandbox.ratelimit import HeaderMode, RateLimiter, RetryAfterStyle
from connector.sandbox.requestlog import RequestLog
from connector.sandbox.routing import EMULATED, Context, Options
from connector.sandbox.state import DND, Account, CallRecord, CommonArea, User, Voicemail
from connector.sandbox.webhooks import ZOOM_RETRY_MINUTES, ZoomWebhooks
from connector.sandbox.zoom_events import (
    CALLER_CALL_HISTORY_COMPLETED,
    PRESENCE_UPDATED,
    VOICEMAIL_DELETED,
    VOICEMAIL_RECEIVED,
    caller_call_history_completed,
    presence_updated,
    voicemail_received,
    voicemails_deleted,
)
from connector.settings.model import Plan
from connector.zoom.catalogue import Category, Family

# Fake credentials of the sandbox's Server-to-Server app; they open nothing but the sandbox.
DEFAULT_CREDENTIALS = Credentials(
    account_id="HarbourViewSandbox", client_id="sandbox-client-id",
    client_secret="sandbox-client-secret",  # noqa: S106 - a published test value
)
# The request log's endpoint name for the other app's calls (foreign traffic).
FOREIGN_ENDPOINT = "foreign"
# Placeholder origins for in-process (ASGI) use; a served sandbox replaces them.
ASGI_OAUTH_URL = "http://zoom.sandbox"
ASGI_API_URL = "http://api.zoom.sandbox"


def default_scopes() -> frozenset[str]:
    """What a well set-up hotel app holds: the admin granular scope of every endpoint, and
    the one its call-history events need."""
    return frozenset(e.admin_scope for e in EMULATED) | {CALL_HISTORY_EVENT_SCOPE}


@dataclass
class SandboxConfig:
    """How the sandbox behaves; every field has a CLI flag or an admin call, except the hotel's
    size (floors, rooms_per_floor), which benchmarks set from Python."""

    plan: Plan = Plan.PRO
    seed: int = DEFAULT_SEED
    credentials: Credentials = DEFAULT_CREDENTIALS
    scopes: frozenset[str] = field(default_factory=default_scopes)
    retry_after: RetryAfterStyle = RetryAfterStyle.ZOOM
    ratelimit_headers: HeaderMode = HeaderMode.ALWAYS
    rate_limits: bool = True
    accept_dnd_spec_spelling: bool = False
    # Frozen: time moves only when advanced (tests). Running: real time (served sandbox).
    frozen_clock: bool = False
    start: datetime | None = None
    # The demo hotel's size (benchmarks use bigger ones; numbering in demo_hotel.py).
    floors: int = len(FLOORS)
    rooms_per_floor: int = ROOMS_PER_FLOOR
    # Waits before the retries of a webhook the endpoint did not take: Zoom's 5, 20 and 60
    # minutes, compressed to seconds (webhooks.py).
    webhook_retry_seconds: tuple[float, ...] = ZOOM_RETRY_MINUTES
    # Whether Zoom sends `phone.voicemail_received` for a common area's voicemail: its spec
    # names no common-area owner for the event (UNCONFIRMED, zoom-api-facts §3.8).
    common_area_voicemail_events: bool = True
    # A hotel group on this one account: the floors shared out between this many hotels, a
    # Zoom site and a room map each (group.py); the limits stay the account's, whoever calls.
    hotels: int = 1
    # Another app on the account spends this share of every category (ratelimit.py).
    foreign_share: float = 0.0


class Sandbox:
    """One emulated Zoom account with its demo hotel, and the controls around it."""

    def __init__(self, config: SandboxConfig | None = None,
                 clock: SandboxClock | None = None) -> None:
        self.config = config or SandboxConfig()
        self.clock = clock or SandboxClock(self.config.start, frozen=self.config.frozen_clock)
        self.oauth_url = ASGI_OAUTH_URL
        self.api_url = ASGI_API_URL
        self.log = RequestLog()
        self.faults = Faults()
        self.options = Options(accept_dnd_spec_spelling=self.config.accept_dnd_spec_spelling)
        # The app's event subscription outlives a reset, as the app's settings in Zoom would.
        self.webhooks = ZoomWebhooks(self.clock, retry_seconds=self.config.webhook_retry_seconds,
                                     seed=self.config.seed + 6)
        self.reset()

    # -- lifecycle ---------------------------------------------------------------------

    def reset(self) -> None:
        """Back to the freshly seeded hotel: data, tokens, limits, faults and log."""
        cfg = self.config
        self.hotel: DemoHotel = build_demo_hotel(
            self.clock.now(), seed=cfg.seed, floors=cfg.floors,
            rooms_per_floor=cfg.rooms_per_floor)
        self.issuer = TokenIssuer(cfg.credentials, cfg.scopes, random.Random(cfg.seed + 1))
        self.limiter = RateLimiter(
            plan=cfg.plan, retry_after=cfg.retry_after, headers=cfg.ratelimit_headers,
            rng=random.Random(cfg.seed + 2), enabled=cfg.rate_limits,
            on_foreign=self._log_foreign_call,
        )
        self.limiter.set_foreign_share(cfg.foreign_share)  # checked: 0 <= share < 1
        self.hotels: tuple[GroupHotel, ...] = split_into_hotels(
            self.hotel, cfg.hotels, cfg.floors, random.Random(cfg.seed + 7))
        self.pager = Pager(random.Random(cfg.seed + 3))
        self._rng = random.Random(cfg.seed + 4)
        self.faults.clear()
        self.webhooks.faults.clear()
        self.log.clear()
        self.webhooks.clear()

    def _log_foreign_call(self, family: Family, category: Category, monotonic: float) -> None:
        """The other app's call in the request log, at its own time (endpoint `foreign`)."""
        now = self.clock.monotonic()
        self.log.append(
            at=self.clock.now() - timedelta(seconds=now - monotonic), monotonic=monotonic,
            method="", path="", query="", endpoint=FOREIGN_ENDPOINT, family=family.value,
            category=category.value, status=200, fault=None, duration_ms=0.0, counted=monotonic)

    def set_urls(self, oauth_url: str, api_url: str) -> None:
        """Where the sandbox is served; `api_url` is what tokens tell clients to call."""
        self.oauth_url, self.api_url = oauth_url.rstrip("/"), api_url.rstrip("/")

    @property
    def account(self) -> Account:
        return self.hotel.account

    def context(self) -> Context:
        return Context(self.account, self.pager, self.options, self._rng, self.api_url,
                       self.webhooks.emit)

    def app(self) -> Any:
        """The ASGI application serving OAuth, the API and the admin API."""
        from connector.sandbox.app import SandboxApp

        return SandboxApp(self)

    def environment(self, room_map_file: str | None = None) -> dict[str, str]:
        """The connector's environment variables for talking to this sandbox."""
        creds = self.config.credentials
        env = {
            "CONNECTOR_ZOOM__ACCOUNT_ID": creds.account_id,
            "CONNECTOR_ZOOM__CLIENT_ID": creds.client_id,
            "CONNECTOR_ZOOM__CLIENT_SECRET": creds.client_secret,
            "CONNECTOR_ZOOM__OAUTH_URL": self.oauth_url,
            "CONNECTOR_ZOOM__PLAN": self.config.plan.value,
        }
        if room_map_file:
            env["CONNECTOR_ROOMS__MAP_FILE"] = room_map_file
        return env

    def hotel_environment(self, hotel: GroupHotel, room_map_file: str, redis_url: str,
                          store_path: str) -> dict[str, str]:
        """One group hotel's connector environment: the account's credentials, its own room
        map and store, and the limiter shared with the group's other hotels through Redis."""
        return {
            **self.environment(room_map_file),
            "CONNECTOR_STORE__PATH": store_path,
            "CONNECTOR_SHARED_LIMIT__REDIS_URL": redis_url,
            "CONNECTOR_SHARED_LIMIT__HOTEL_ID": hotel.hotel_id,
            "CONNECTOR_SHARED_LIMIT__CONNECTORS": str(len(self.hotels)),
        }

    # -- controls (mirrored by the admin API) -------------------------------------------

    def advance(self, seconds: float) -> datetime:
        """Move the sandbox clock forward; returns the new time."""
        self.clock.advance(seconds)
        return self.clock.now()

    def revoke_tokens(self) -> int:
        """Every token issued so far answers 401 code 124 from now on."""
        return self.issuer.revoke_all()

    def set_scopes(self, scopes: frozenset[str] | None) -> None:
        """Scopes for tokens issued from now on (None: the default full set)."""
        self.issuer.set_scopes(default_scopes() if scopes is None else scopes)

    # -- data for later features --------------------------------------------------------

    def owner(self, extension: int) -> User | CommonArea:
        owner = self.account.owner_of_extension(extension)
        if owner is None:
            raise KeyError(f"no user or common area has extension {extension}")
        return owner

    def add_voicemail(
        self, extension: int, *, caller_number: str = "+12125550143",
        caller_name: str = "WIRELESS CALLER", duration: int = 20, minutes_ago: float = 1,
    ) -> Voicemail:
        """Leave a voicemail for an extension (a user's or a common area's)."""
        owner = self.owner(extension)
        vm = Voicemail(
            id=self._new_id(), owner_type="user" if isinstance(owner, User) else "commonArea",
            owner_id=owner.id, call_id=str(self._rng.randrange(10**18, 10**19)),
            caller_number=caller_number, caller_name=caller_name,
            callee_number=str(extension), callee_name=owner.display_name,
            date_time=self.clock.now() - timedelta(minutes=minutes_ago), duration=duration,
        )
        self.account.voicemails[vm.id] = vm
        if isinstance(owner, User) or self.config.common_area_voicemail_events:
            self.webhooks.emit(VOICEMAIL_RECEIVED, voicemail_received(
                self.account.id, vm, self.api_url), due=vm.date_time + timedelta(seconds=1))
        return vm

    def delete_voicemail_on_phone(self, voicemail_id: str) -> Voicemail:
        """The guest deletes a message on the room phone: it is gone from Zoom, and
        `phone.voicemail_deleted` is sent (KeyError for an unknown id)."""
        vm = self.account.voicemails.pop(voicemail_id)
        now = self.clock.now()
        self.webhooks.emit(VOICEMAIL_DELETED, voicemails_deleted(
            VOICEMAIL_DELETED, self.account.id, [vm.id], now))
        return vm

    def add_call(
        self, extension: int, number: str, *, direction: str = "outbound",
        duration: int = 60, result: str = "answered", international: bool = False,
        country_iso_code: str = "US", minutes_ago: float = 1,
    ) -> CallRecord:
        """Record a completed call in call history (for call accounting)."""
        owner = self.owner(extension)
        ext, name = str(extension), owner.display_name
        outbound = direction == "outbound"
        record = CallRecord(
            id=self._new_id(), call_id=str(self._rng.randrange(10**18, 10**19)),
            direction=direction,
            owner_type="user" if isinstance(owner, User) else "common_area",
            owner_id=owner.id,
            start_time=self.clock.now() - timedelta(minutes=minutes_ago, seconds=duration),
            duration=duration, result=result,
            caller_number=ext if outbound else number, caller_name=name if outbound else "",
            callee_number=number if outbound else ext, callee_name="" if outbound else name,
            international=international, callee_country_iso_code=country_iso_code,
        )
        self.account.calls[record.id] = record
        return record

    def place_call(self, order: CallOrder) -> CallRecord:
        """A room phone places an outside call: Zoom records it in call history (listed
        from `RECORD_DELAY_SECONDS` after hang-up) and then sends the caller's signed
        `phone.caller_call_history_completed` to the app's event subscription."""
        return self.place_calls([order])[0]

    def place_calls(self, orders: Sequence[CallOrder]) -> list[CallRecord]:
        """`place_call` for each order, in order (KeyError for an extension nobody has,
        before any call is placed)."""
        owners = self._owners_by_extension()
        for order in orders:
            order.check()
            if order.extension not in owners:
                raise KeyError(f"no user or common area has extension {order.extension}")
        return [self._record_call(order, owners[order.extension]) for order in orders]

    def place_day_of_calls(self, count: int, *, start: datetime | None = None,
                           hours: float = 24.0, seed: int | None = None) -> list[CallRecord]:
        """`count` outside calls from the hotel's room phones over `hours` from `start`
        (default: the `hours` that ended `LONGEST_CALL` ago, so every call is over and in
        Zoom's records by now), the mix of `calls.day_of_calls`; the same `seed` places the
        same day."""
        span = timedelta(hours=hours)
        begin = start or self.clock.now() - span - LONGEST_CALL
        owners = self._owners_by_extension()
        extensions = [r.extension for r in self.hotel.rooms if r.extension in owners]
        rng = random.Random(self.config.seed + 5 if seed is None else seed)
        return self.place_calls(day_of_calls(extensions, count, begin, span, rng))

    def _owners_by_extension(self) -> dict[int, User | CommonArea]:
        owners: dict[int, User | CommonArea] = {
            a.extension_number: a for a in self.account.common_areas.values()}
        owners.update((u.phone.extension_number, u) for u in self.account.users.values()
                      if u.phone is not None)
        return owners

    def _record_call(self, order: CallOrder, owner: User | CommonArea) -> CallRecord:
        answered = order.result == "answered"
        talk = order.talk_seconds if answered else 0
        start = order.start or self.clock.now() - timedelta(
            seconds=order.ring_seconds + talk)
        record = CallRecord(
            id=self._new_id(), call_id=str(self._rng.randrange(10**18, 10**19)),
            direction="outbound",
            owner_type="user" if isinstance(owner, User) else "common_area",
            owner_id=owner.id, start_time=start, duration=talk, result=order.result,
            caller_number=str(order.extension), caller_name=owner.display_name,
            callee_number=order.number, callee_name="",
            international=order.international, callee_country_iso_code=order.callee_country,
            call_type="emergency" if order.emergency else "general",
            call_path_id=self._new_id(), ring_seconds=order.ring_seconds,
        )
        record.recorded_at = record.end_time + timedelta(seconds=RECORD_DELAY_SECONDS)
        self.account.calls[record.id] = record
        body = caller_call_history_completed(
            self.account.id, owner.id, views.caller_history_row(self.account, record),
            record.recorded_at)
        self.webhooks.emit(CALLER_CALL_HISTORY_COMPLETED, body, due=record.recorded_at)
        return record

    def presence(self, user_id: str) -> dict[str, Any]:
        """A user's presence as the user would see it (with the DND end time)."""
        user = self.account.find_user(user_id)
        if user is None:
            raise KeyError(f"no user {user_id}")
        now = self.clock.now()
        status = user.presence.at(now)
        out: dict[str, Any] = {"status": status}
        until = user.presence.dnd_until
        if status == "Do_Not_Disturb" and until is not None:
            out["end_time"] = until.strftime("%Y-%m-%dT%H:%M:%SZ")
            out["remaining_time"] = (until - now).total_seconds()
        return out

    def press_dnd(self, extension: int, on: bool = True) -> User:
        """The guest presses DND on the room phone of `extension` (`on`), or presses it
        again to turn it off: the user's presence changes as Zoom shows it, with no end time
        (a phone's DND key holds until pressed again), and `user.presence_status_updated` is
        sent to the app's event subscription. Not an API call: Zoom's one-change-a-minute
        limit on the API does not apply to the phone."""
        owner = self.owner(extension)
        if not isinstance(owner, User):
            raise ValueError(f"extension {extension} is a common area: a common area has no "
                             "presence, so its DND is no Zoom user's presence change")
        now = self.clock.now()
        shown = owner.presence.at(now)
        owner.presence.status = DND if on else "Available"
        owner.presence.dnd_until = None
        if owner.presence.at(now) != shown:
            self.webhooks.emit(PRESENCE_UPDATED, presence_updated(
                self.account.id, owner, owner.presence.status, now))
        return owner

    def _new_id(self) -> str:
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        return "".join(self._rng.choice(alphabet) for _ in range(22))
