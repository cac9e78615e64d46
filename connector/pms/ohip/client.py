"""The OHIP REST client: the token, OHIP's headers, the environment's limit, retries, paging.

Every request (token requests too) waits for the strict limiter first: Oracle delays what
goes above 50 a second by a second. GETs and idempotent PUTs/DELETEs are retried on a lost
connection, a timeout or a 502/503/504, and after a 429's `Retry-After`; a POST never is
(a charge has no idempotency key in OHIP): its lost answer is `AnswerLost`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from typing import Any, Literal

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

from connector.clock import Clock
from connector.pms.cloud.contract import PmsRefused, PmsUnavailable
from connector.pms.cloud.limiter import SlidingWindowLimiter
from connector.pms.ohip.token import OhipToken
from connector.settings.cloud_pms import OhipSettings
from connector.zoom.retry_after import seconds_until_retry

log = logging.getLogger(__name__)

Json = dict[str, Any]
Params = Mapping[str, str | int | bool | list[str]]
Method = Literal["GET", "PUT", "POST", "DELETE"]

ATTEMPTS = 3  # for GETs and idempotent writes
# A longer Retry-After is handed up (PmsUnavailable.retry_after) instead of waited for here,
# so a hydration or a report does not hold its worker for minutes.
MAX_INLINE_WAIT = 10.0
_RETRY_STATUSES = frozenset({429, 502, 503, 504})
# A gateway error on a POST may come after OPERA acted (the gateway gave up waiting).
_LOST_AFTER_POST = frozenset({502, 504})
_MAX_PAGES = 1000  # a guard against a gateway that always says hasMore


class AnswerLost(PmsUnavailable):
    """The request left (its body was sent) but no answer came: OHIP may have acted on it."""


class _Transient(Exception):
    def __init__(self, reason: str, retry_after: float = 0.0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class OhipClient:
    """One hotel's OHIP connection: `get_json`, `put_json`, `post_json`, `delete`,
    `get_pages`; each raises `PmsUnavailable` (try later) or `PmsRefused` (a 4xx)."""

    def __init__(self, settings: OhipSettings, *, clock: Clock,
                 http: httpx.AsyncClient | None = None) -> None:
        self.settings = settings
        self._clock = clock
        self._http = http or httpx.AsyncClient(timeout=settings.timeout_seconds)
        self.limiter = SlidingWindowLimiter(settings.requests_per_second, clock=clock)
        self._token = OhipToken(self._http, settings, self.limiter, clock=clock)
        self.calls = 0  # API calls made (not token requests), for the bench

    def __repr__(self) -> str:  # never the secret or the app key
        s = self.settings
        return f"OhipClient(gateway={s.gateway_url!r}, hotel={s.hotel_id!r})"

    @property
    def token_requests(self) -> int:
        return self._token.requests

    async def token(self) -> str:
        """A bearer token valid for at least another minute (the stream's connection_init)."""
        return await self._token.get()

    async def get_json(self, path: str, params: Params | None = None) -> Json:
        """GET `path` (under the gateway); {} for a 204."""
        return await self._retrying("GET", path, params=params)

    async def put_json(self, path: str, body: Json, *, idempotent: bool = True) -> Json:
        """PUT a JSON body; retried only when `idempotent` (setting a status is)."""
        if idempotent:
            return await self._retrying("PUT", path, body=body)
        return await self._once("PUT", path, None, body)

    async def post_json(self, path: str, body: Json) -> Json:
        """POST a JSON body, never retried. `AnswerLost` when the answer was lost."""
        return await self._once("POST", path, None, body)

    async def delete(self, path: str, params: Params | None = None) -> Json:
        """DELETE `path` (retried: deleting twice leaves the same)."""
        return await self._retrying("DELETE", path, params=params)

    async def get_pages(self, path: str, params: Params, *, container: str, items: str,
                        limit: int = 100) -> list[Json]:
        """Every item of a `limit`/`offset` list: `answer[container][items]`, page after
        page while OHIP says `hasMore` (absent: all rows were fetched)."""
        found: list[Json] = []
        offset = 0
        for _ in range(_MAX_PAGES):
            answer = await self.get_json(path, {**params, "limit": limit, "offset": offset})
            page = answer.get(container) or {}
            rows = [row for row in page.get(items) or [] if isinstance(row, dict)]
            found.extend(rows)
            total = page.get("totalResults")
            if not page.get("hasMore") or not rows:
                break
            offset += len(rows)
            if isinstance(total, int) and offset >= total:
                break
        return found

    async def close(self) -> None:
        await self._http.aclose()

    async def _retrying(self, method: Method, path: str, *, params: Params | None = None,
                        body: Json | None = None) -> Json:
        retrying = AsyncRetrying(
            stop=stop_after_attempt(ATTEMPTS), wait=_wait, sleep=self._clock.sleep,
            retry=retry_if_exception(_worth_waiting), before_sleep=_log_retry, reraise=True)
        try:
            async for attempt in retrying:
                with attempt:
                    return await self._send(method, path, params, body)
        except _Transient as error:
            raise PmsUnavailable(error.reason, error.retry_after) from None
        raise AssertionError("tenacity returns or raises")  # pragma: no cover

    async def _once(self, method: Method, path: str, params: Params | None,
                    body: Json | None) -> Json:
        try:
            return await self._send(method, path, params, body)
        except _Transient as error:
            raise PmsUnavailable(error.reason, error.retry_after) from None

    async def _send(self, method: Method, path: str, params: Params | None,
                    body: Json | None) -> Json:
        for refreshed in (False, True):
            token = await self._token.get()
            await self.limiter.acquire()
            self.calls += 1
            try:
                answer = await self._http.request(
                    method, self.settings.gateway_url + path, params=params, json=body,
                    headers=self._headers(token))
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as error:
                raise _Transient(f"OHIP unreachable ({type(error).__name__}) on {method} "
                                 f"{path}") from None
            except httpx.TransportError as error:
                if method == "POST":
                    raise AnswerLost(f"the answer to POST {path} was lost "
                                     f"({type(error).__name__})") from None
                raise _Transient(f"no answer from OHIP ({type(error).__name__}) on {method} "
                                 f"{path}") from None
            if answer.status_code == 401 and not refreshed:
                self._token.refused(token)
                continue
            return self._read(method, path, answer)
        raise PmsRefused(f"OHIP refused a fresh token on {method} {path} (401): check the "
                         "OAuth client and app key with Oracle")

    def _headers(self, token: str) -> dict[str, str]:
        s = self.settings
        headers = {"authorization": f"Bearer {token}",
                   "x-app-key": s.app_key.get_secret_value() if s.app_key else "",
                   "x-hotelid": s.hotel_id, "x-request-id": str(uuid.uuid4()),
                   "accept": "application/json"}
        if s.external_system_code:
            headers["x-externalsystem"] = s.external_system_code
        return headers

    def _read(self, method: Method, path: str, answer: httpx.Response) -> Json:
        status = answer.status_code
        if method == "POST" and status in _LOST_AFTER_POST:
            raise AnswerLost(f"OHIP answered {status} to POST {path}: it may have been done")
        if status in _RETRY_STATUSES:
            wait = seconds_until_retry(answer.headers.get("retry-after"), self._clock.now())
            raise _Transient(f"OHIP answered {status} to {method} {path}", wait or 0.0)
        if status >= 500:
            raise PmsUnavailable(f"OHIP answered {status} to {method} {path}")
        if status >= 400:
            raise PmsRefused(f"OHIP answered {status} to {method} {path}{_title(answer)}")
        if status == 204 or not answer.content:
            return {}
        try:
            data = answer.json()
        except ValueError:
            raise PmsUnavailable(f"OHIP's answer to {method} {path} was not JSON") from None
        return data if isinstance(data, dict) else {"items": data}


def _worth_waiting(error: BaseException) -> bool:
    return isinstance(error, _Transient) and error.retry_after <= MAX_INLINE_WAIT


def _log_retry(state: RetryCallState) -> None:
    outcome = state.outcome
    error = outcome.exception() if outcome is not None else None
    wait = state.next_action.sleep if state.next_action is not None else 0.0
    log.info("%s; trying again in %.1f s (attempt %d of %d)", error, wait,
             state.attempt_number + 1, ATTEMPTS)


def _wait(state: RetryCallState) -> float:
    """Retry-After when OHIP gave one, else 1 s then 2 s."""
    outcome = state.outcome
    error = outcome.exception() if outcome is not None else None
    if isinstance(error, _Transient) and error.retry_after > 0:
        return error.retry_after
    return float(2 ** (state.attempt_number - 1))


def _title(answer: httpx.Response) -> str:
    """OHIP's error title (not its detail, which may echo guest data)."""
    try:
        body = answer.json()
    except ValueError:
        return ""
    title = body.get("title") if isinstance(body, dict) else None
    return f": {str(title)[:120]}" if title else ""
