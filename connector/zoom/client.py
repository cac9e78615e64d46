"""The Zoom HTTP client: one place where rate limits, retries, errors and metrics happen.

Endpoint functions (`api.py`) call `request()` or `paginate()` with an entry of the catalogue
and a sentence of intent ("rename room 1204's user"), which is what an error will say.
"""

from __future__ import annotations

import json as jsonlib
import logging
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, wait_exponential_jitter

from connector.clock import Clock, SystemClock
from connector.logs import debug_enabled, redact, redact_headers
from connector.settings.model import SchedulingSettings, ZoomSettings
from connector.zoom.answers import Trouble, ZoomAnswers
from connector.zoom.auth import ZoomAuth
from connector.zoom.catalogue import Endpoint
from connector.zoom.errors import (
    FeatureDisabled,
    UserRateLimited,
    ZoomApiError,
    ZoomNotFound,
    ZoomScopeError,
    ZoomUnavailable,
)
from connector.zoom.limiter import CategoryLimiter, Limiters
from connector.zoom.metrics import ZoomMetrics
from connector.zoom.retry_after import seconds_until_retry
from connector.zoom.scopes import ScopeReport, evaluate_scopes
from connector.zoom.tls import zoom_tls
from connector.zoom.token import TokenSource

log = logging.getLogger("connector.zoom")
http_log = logging.getLogger("connector.zoom.http")

DEFAULT_API_URL = "https://api.zoom.us"
# 429s are Zoom pacing us, not failures: allow more of them than of real errors.
MAX_RATE_LIMITED_ATTEMPTS = 10
_BODY_LOG_LIMIT = 4000

Json = Any


class _Transient(Exception):
    """Worth sending again."""

    def __init__(self, reason: str, detail: str) -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(detail)


class _RateLimited(_Transient):
    pass


@dataclass
class _Attempts:
    failures: int = 0
    rate_limited: int = 0


class ZoomClient:
    """Talks to one Zoom account. Use `async with ZoomClient(...) as zoom:`."""

    def __init__(
        self,
        zoom: ZoomSettings,
        scheduling: SchedulingSettings | None = None,
        *,
        clock: Clock | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        metrics: ZoomMetrics | None = None,
        limiters: Limiters | None = None,
    ) -> None:
        self._settings = zoom
        self._scheduling = scheduling or SchedulingSettings()
        self._clock = clock or SystemClock()
        self.metrics = metrics or ZoomMetrics()
        self.answers = ZoomAnswers()
        self.tokens = TokenSource(
            oauth_url=zoom.oauth_url,
            account_id=zoom.account_id,
            client_id=zoom.client_id,
            client_secret=zoom.client_secret.get_secret_value(),
            clock=self._clock,
            timeout=zoom.timeout_seconds,
            transport=transport,
            on_renewal=self.metrics.token_renewals.inc,
        )
        self.limiters = limiters or Limiters(zoom.plan, zoom.rate_limit_share, self._clock)
        self.scopes: ScopeReport | None = None
        self._http = httpx.AsyncClient(
            auth=ZoomAuth(self.tokens),
            timeout=zoom.timeout_seconds,
            transport=transport,
            verify=zoom_tls(),
            headers={"Accept": "application/json", "User-Agent": "zoom-hotel-connector"},
        )

    async def __aenter__(self) -> ZoomClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self._http.aclose()
        await self.limiters.aclose()

    @property
    def clock(self) -> Clock:
        return self._clock

    async def start(self) -> ScopeReport:
        """Obtain a token and check its scopes: fail on missing required ones, and say
        which optional features are off."""
        token = await self.tokens.current()
        report = evaluate_scopes(token.scopes)
        self.scopes = report
        if report.missing_required:
            raise ZoomScopeError(list(report.missing_required))
        if report.granted is None:
            log.warning("Zoom sent no scope list with the token; assuming every feature is allowed")
        for line in report.describe_disabled():
            log.warning(line)
        return report

    async def api_base(self) -> str:
        """Where API calls go: the override, else the region Zoom named with the token."""
        if self._settings.api_base_url:
            return self._settings.api_base_url
        token = await self.tokens.current()
        return token.api_url or DEFAULT_API_URL

    async def request(
        self,
        endpoint: Endpoint,
        *,
        intent: str,
        path: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        json: Json = None,
    ) -> Json:
        """Send one call, paced and retried; the parsed JSON body, or None for 204."""
        if self.scopes is not None and not self.scopes.allows(endpoint):
            raise FeatureDisabled(endpoint.feature.value, endpoint.admin_scope, intent)
        limiter = self.limiters.for_endpoint(endpoint)
        api_path = "/v2" + endpoint.url_path(**(path or {}))
        attempts = _Attempts()
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(_Transient),
            stop=lambda state: self._should_stop(state, attempts),
            wait=self._wait,
            sleep=self._clock.sleep,
            before_sleep=lambda state: self._count_retry(endpoint, state),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    result = await self._send_once(
                        endpoint, limiter, api_path, intent=intent, params=params, json=json
                    )
        except _Transient as error:
            log.warning(
                "Zoom call failed after retries",
                extra={"endpoint": endpoint.name, "intent": intent, "reason": error.reason},
            )
            raise ZoomUnavailable(
                f"Could not {intent}: {error.detail} (gave up after {attempts.failures} "
                f"failure(s) and {attempts.rate_limited} rate-limit answer(s)); "
                "the connector will try again later",
                intent=intent,
            ) from None
        return result

    async def paginate(
        self,
        endpoint: Endpoint,
        *,
        intent: str,
        path: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> AsyncIterator[dict[str, Any]]:
        """Every item of a list endpoint, in the largest pages Zoom allows."""
        assert endpoint.items_field is not None, f"{endpoint.name} is not a list endpoint"
        query: dict[str, Any] = dict(params or {})
        if endpoint.max_page_size:
            query["page_size"] = endpoint.max_page_size
        while True:
            page = await self.request(endpoint, intent=intent, path=path, params=query) or {}
            token = page.get("next_page_token")
            items: list[dict[str, Any]] = page.get(endpoint.items_field) or []
            del page
            # Each item is let go once handed out, and none is held while the next page is
            # asked for: a caller keeping only what it needs holds at most one page.
            items.reverse()
            while items:
                yield items.pop()
            if not token:
                return
            query["next_page_token"] = token

    async def _send_once(
        self,
        endpoint: Endpoint,
        limiter: CategoryLimiter,
        api_path: str,
        *,
        intent: str,
        params: Mapping[str, Any] | None,
        json: Json,
    ) -> Json:
        waited = await limiter.acquire()
        labels = {"family": endpoint.family.value, "category": endpoint.category.value}
        self.metrics.limiter_wait.labels(**labels).observe(waited)
        try:
            # Inside the attempt: finding the base may need a token, and its renewal may fail.
            url = (await self.api_base()) + api_path
            response = await self._http.request(
                endpoint.method, url, params=_query(params), json=json
            )
        except httpx.TransportError as error:
            self.metrics.requests.labels(endpoint.name, "error").inc()
            self.answers.failed(Trouble.NO_ANSWER, f"{type(error).__name__} on {endpoint.name}",
                                self._clock.now())
            raise _Transient(type(error).__name__, f"no answer from Zoom ({error!r})") from None
        except ZoomUnavailable as error:
            # The token could not be renewed (token endpoint down): worth retrying.
            self.answers.failed(Trouble.RENEWAL, "the access token could not be renewed",
                                self._clock.now())
            raise _Transient("token", str(error)) from None
        self.metrics.requests.labels(endpoint.name, str(response.status_code)).inc()
        self.answers.failed_answer(response.status_code, endpoint.name, self._clock.now())
        if debug_enabled():
            _log_exchange(response)
        return self._interpret(endpoint, limiter, response, intent)

    def _interpret(
        self,
        endpoint: Endpoint,
        limiter: CategoryLimiter,
        response: httpx.Response,
        intent: str,
    ) -> Json:
        status = response.status_code
        limiter.on_limits_seen(response.headers)
        if status < 300:
            limiter.on_success()
            if status == 204 or not response.content:
                return None
            return response.json()
        code, message = _zoom_error(response)
        if status == 429:
            self._on_rate_limited(endpoint, limiter, response, message, intent)
            raise _RateLimited("429", f"Zoom rate limit ({message})")
        if status >= 500:
            raise _Transient(str(status), f"Zoom answered HTTP {status} ({message})")
        error_type = ZoomNotFound if status == 404 else ZoomApiError
        log.warning(
            "Zoom refused a call",
            extra={"endpoint": endpoint.name, "status": status, "code": code, "intent": intent},
        )
        raise error_type(status=status, code=code, message=message, intent=intent)

    def _on_rate_limited(
        self,
        endpoint: Endpoint,
        limiter: CategoryLimiter,
        response: httpx.Response,
        message: str,
        intent: str,
    ) -> None:
        self.metrics.rate_limited.labels(endpoint.family.value, endpoint.category.value).inc()
        retry_after = seconds_until_retry(response.headers.get("Retry-After"), self._clock.now())
        if _is_daily(response, message):
            if limiter.daily is None:
                # A daily cap on a call that has no daily budget of ours (a per-user cap):
                # waiting until tomorrow is not a retry, it is a failure to report.
                raise ZoomApiError(status=429, code=429, message=message, intent=intent)
            until = None
            if retry_after is not None:
                until = self._clock.now() + timedelta(seconds=retry_after)
            limiter.on_daily_exhausted(until)
            log.warning("Zoom's daily limit reached; Heavy calls wait for the next UTC day",
                        extra={"family": endpoint.family.value})
            return
        if _is_per_user(message):
            # One user's limit (presence: one update a minute): braking the category would
            # slow every other room's Medium calls for nothing. The caller waits for this user.
            log.info("Zoom's per-user limit hit; this user waits",
                     extra={"endpoint": endpoint.name, "intent": intent})
            raise UserRateLimited(message=message, intent=intent, retry_after=retry_after)
        pause = limiter.on_rate_limited(retry_after)
        log.info(
            "Zoom rate limit hit; slowing down",
            extra={"endpoint": endpoint.name, "category": endpoint.category.value,
                   "pause_seconds": round(pause, 2), "rate": round(limiter.rate_per_second, 2)},
        )

    def _should_stop(self, state: RetryCallState, attempts: _Attempts) -> bool:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, _RateLimited):
            attempts.rate_limited += 1
        else:
            attempts.failures += 1
        return (
            attempts.failures > self._scheduling.retries
            or attempts.rate_limited >= MAX_RATE_LIMITED_ATTEMPTS
        )

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, _RateLimited):
            return 0.0  # the limiter holds the pause, for every caller of that category
        backoff = wait_exponential_jitter(
            initial=1, max=self._scheduling.retry_interval_seconds
        )
        return float(backoff(state))

    def _count_retry(self, endpoint: Endpoint, state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        reason = error.reason if isinstance(error, _Transient) else "error"
        self.metrics.retries.labels(endpoint.name, reason).inc()


def _query(params: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not params:
        return None
    return {k: v for k, v in params.items() if v is not None}


def _zoom_error(response: httpx.Response) -> tuple[int | None, str]:
    try:
        body = response.json()
    except ValueError:
        return None, (response.text[:200] or response.reason_phrase)
    if not isinstance(body, dict):
        return None, str(body)[:200]
    code = body.get("code")
    message = body.get("message") or body.get("reason") or response.reason_phrase
    return (code if isinstance(code, int) else None), str(message)


def _is_daily(response: httpx.Response, message: str) -> bool:
    kind = response.headers.get("X-RateLimit-Type", "")
    return kind.lower().startswith("daily") or "daily" in message.lower()


def _is_per_user(message: str) -> bool:
    # "Too many requests submitted to update the presence status of this user." (Zoom's
    # Users API): the only per-user per-second limit the connector meets.
    return "of this user" in message.lower()


def _log_exchange(response: httpx.Response) -> None:
    request = response.request
    http_log.debug(
        "zoom %s %s -> %s",
        request.method,
        request.url.copy_with(query=None),
        response.status_code,
        extra={
            "query": dict(request.url.params),
            "request_headers": redact_headers(request.headers),
            "request_body": _body(request.content),
            "response_headers": redact_headers(response.headers),
            "response_body": _body(response.content),
        },
    )


def _body(content: bytes) -> Any:
    if not content:
        return None
    try:
        return redact(jsonlib.loads(content))
    except ValueError:
        return content[:_BODY_LOG_LIMIT].decode("utf-8", "replace")
