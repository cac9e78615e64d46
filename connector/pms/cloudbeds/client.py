"""Cloudbeds' PMS API v1.3 over HTTP: the API key, the property's strict limit, retries, paging.

Every request, retries included, is made inside one `SlidingWindowLimiter`: Cloudbeds
suspends credentials that go above the property's requests a second (5, 10 for a technology
partner) until a person reactivates them, so no burst may ever exceed it, as Cloudbeds
counts (a request counts until its answer came: network jitter cannot bunch them). A GET
(or DELETE: both are safe to repeat) is retried on a connection error, a timeout or a 5xx;
any request is retried after a 429 (it was not processed), waiting Retry-After, else a
second. A POST is otherwise tried once: the outbox re-sends it later (`postCustomItem`
carries a `referenceID`, and a housekeeping status is a level). Cloudbeds answers some
errors with HTTP 200 and `{"success": false, "message": ...}`: that is a refusal, with its
message.

The API key goes in `x-api-key` and nowhere else: not in a log, a repr or an error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any, Literal

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from connector.clock import Clock
from connector.pms.cloud.contract import PmsRefused, PmsUnavailable
from connector.pms.cloud.limiter import SlidingWindowLimiter
from connector.pms.cloudbeds.forms import FormValue, encode_form
from connector.settings.cloud_pms import CloudbedsSettings

log = logging.getLogger(__name__)

Json = Mapping[str, object]
Method = Literal["GET", "POST", "PUT", "DELETE"]
Params = Mapping[str, str | int]
EventHooks = Mapping[str, list[Callable[..., Any]]]

ATTEMPTS = 4
_MAX_PAGES = 500  # 50,000 rows at 100 a page: far beyond any property's in-house list
_backoff = wait_exponential(multiplier=0.5, max=8)


class _Retry(Exception):
    """One attempt failed in a way worth another (after `retry_after` when the PMS said)."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


def _wait(state: RetryCallState) -> float:
    error = state.outcome.exception() if state.outcome else None
    if isinstance(error, _Retry) and error.retry_after is not None:
        return error.retry_after
    return float(_backoff(state))


class CloudbedsClient:
    """One property's API. `transport` is for tests (respx) and the sandbox."""

    def __init__(self, settings: CloudbedsSettings, *, clock: Clock,
                 transport: httpx.AsyncBaseTransport | None = None,
                 limiter: SlidingWindowLimiter | None = None,
                 event_hooks: EventHooks | None = None) -> None:
        """`event_hooks`: httpx's, called with every request and answer (the tests check
        each against Cloudbeds' spec)."""
        if settings.api_key is None:
            raise ValueError("CONNECTOR_CLOUDBEDS__API_KEY is not set")
        self.property_id = settings.property_id
        self.limiter = limiter or SlidingWindowLimiter(settings.requests_per_second, clock=clock)
        self._clock = clock
        self._http = httpx.AsyncClient(
            base_url=settings.api_url + "/",
            headers={"x-api-key": settings.api_key.get_secret_value(),
                     "accept": "application/json"},
            timeout=settings.timeout_seconds, transport=transport,
            event_hooks=dict(event_hooks or {}))
        self.requests = 0  # sent, retries included (for the bench and the doctor)
        # Told when Cloudbeds answers again after it could not be reached or answered 5xx
        # (with when that began, in words): its webhooks of that time may be lost.
        self.on_back: Callable[[str], None] | None = None
        self._away_since: datetime | None = None

    def __repr__(self) -> str:
        return f"CloudbedsClient(property_id={self.property_id!r})"

    async def get(self, operation: str, params: Params | None = None, *,
                  property_key: str = "propertyID") -> Json:
        """A read; the property is added as `property_key` (`getRooms` calls it
        `propertyIDs`). The whole answer (`success` was true)."""
        query = {property_key: self.property_id, **(params or {})}
        return await self._call("GET", operation, params=query)

    async def post(self, operation: str, fields: Mapping[str, FormValue]) -> Json:
        """A form-encoded POST; `propertyID` is added."""
        body = encode_form({"propertyID": self.property_id, **fields})
        return await self._call("POST", operation, body=body)

    async def delete(self, operation: str, params: Params) -> Json:
        """A DELETE with a query string (`deleteWebhook`: the property as `propertyIDs`),
        safe to repeat."""
        query = {"propertyIDs": self.property_id, **params}
        return await self._call("DELETE", operation, params=query)

    async def pages(self, operation: str, params: Params, *,
                    page_size: int = 100) -> list[Json]:
        """Every row of a paged read (`pageNumber`/`pageSize`), one request a page."""
        rows: list[Json] = []
        for number in range(1, _MAX_PAGES + 1):
            answer = await self.get(operation, {**params, "pageNumber": number,
                                                "pageSize": page_size})
            page = [row for row in _rows(answer) if isinstance(row, Mapping)]
            rows.extend(page)
            total = answer.get("total")
            if len(page) < page_size or (isinstance(total, int) and len(rows) >= total):
                return rows
        raise PmsUnavailable(f"{operation} had more than {_MAX_PAGES} pages")

    async def close(self) -> None:
        await self._http.aclose()

    async def _call(self, method: Method, operation: str, *, params: Params | None = None,
                    body: bytes | None = None) -> Json:
        safe = method in ("GET", "DELETE")
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(_Retry), stop=stop_after_attempt(ATTEMPTS),
            wait=_wait, sleep=self._clock.sleep, reraise=True)
        try:
            async for attempt in retrying:
                with attempt:
                    return await self._once(method, operation, params, body, safe=safe)
        except _Retry as error:
            raise PmsUnavailable(f"Cloudbeds {operation}: {error.reason}",
                                 retry_after=error.retry_after or 0.0) from None
        raise AssertionError("unreachable: tenacity either returns or re-raises")

    async def _once(self, method: Method, operation: str, params: Params | None,
                    body: bytes | None, *, safe: bool) -> Json:
        headers = ({"content-type": "application/x-www-form-urlencoded"}
                   if body is not None else None)
        self.requests += 1
        try:
            # Held until the answer: however the network bunches requests on the way,
            # Cloudbeds never sees more than its limit in a second (a suspension needs a
            # person to lift).
            async with self.limiter.holding():
                response = await self._http.request(method, operation, params=params,
                                                    content=body, headers=headers)
        except (httpx.ConnectError, httpx.ConnectTimeout) as error:
            # Never reached Cloudbeds: any request may be tried again.
            self._away()
            raise _Retry(f"could not connect ({type(error).__name__})") from None
        except httpx.TransportError as error:
            self._away()
            if safe:
                raise _Retry(f"no answer ({type(error).__name__})") from None
            raise PmsUnavailable(
                f"Cloudbeds {operation}: no answer ({type(error).__name__})") from None
        return self._answer(operation, response, safe=safe)

    def _away(self) -> None:
        if self._away_since is None:
            self._away_since = self._clock.now()

    def _back(self) -> None:
        since, self._away_since = self._away_since, None
        if since is not None and self.on_back is not None:
            self.on_back(f"Cloudbeds could not be reached or failed from {since:%Y-%m-%d %H:%M:%S}"
                         f" UTC until {self._clock.now():%H:%M:%S} UTC")

    def _answer(self, operation: str, response: httpx.Response, *, safe: bool) -> Json:
        status = response.status_code
        request_id = response.headers.get("x-request-id", "")
        if status < 500:
            self._back()
        if status == 429:
            wait = _retry_after(response.headers.get("retry-after"), self._clock)
            log.warning("Cloudbeds asked us to slow down on %s (429, request %s): waiting %.1f s",
                        operation, request_id, wait)
            raise _Retry("busy (429)", retry_after=wait)
        if status >= 500:
            self._away()
            if safe:
                raise _Retry(f"HTTP {status}")
            raise PmsUnavailable(f"Cloudbeds {operation}: HTTP {status} (request {request_id})")
        if status in (401, 403):
            # The key, its scopes or the property: a person fixes it, then it works again.
            raise PmsUnavailable(
                f"Cloudbeds refused the API key for {operation} (HTTP {status}: "
                f"{_message(_json(response))}): check CONNECTOR_CLOUDBEDS__API_KEY, its scopes "
                "and CONNECTOR_CLOUDBEDS__PROPERTY_ID", retry_after=60.0)
        answer = _json(response)
        if status >= 400:
            raise PmsRefused(f"Cloudbeds {operation}: HTTP {status}: {_message(answer)}")
        if answer is None:
            raise PmsUnavailable(f"Cloudbeds {operation}: the answer was not JSON")
        if answer.get("success") is False:
            raise PmsRefused(f"Cloudbeds {operation}: {_message(answer)}")
        return answer


def _json(response: httpx.Response) -> Json | None:
    try:
        value = response.json()
    except ValueError:
        return None
    return value if isinstance(value, Mapping) else None


def _message(answer: Json | None) -> str:
    message = answer.get("message") if answer is not None else None
    return str(message)[:300] if message else "no message"


def _rows(answer: Json) -> list[object]:
    data = answer.get("data")
    return list(data) if isinstance(data, list) else []


def _retry_after(value: str | None, clock: Clock) -> float:
    """Seconds to wait: Retry-After in seconds or as an HTTP date, else one second."""
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:
            return max(0.0, (parsedate_to_datetime(value) - clock.now()).total_seconds())
        except (TypeError, ValueError):
            pass
    return 1.0
