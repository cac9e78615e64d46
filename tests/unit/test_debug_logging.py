"""Debug logging: every Zoom exchange, with secrets and tokens masked, switchable live."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest
import respx

from connector.logs import set_debug
from connector.zoom.api import ZoomApi
from tests.support.zoom_factories import api

SIP_PASSWORD = "sip-Pa55word-for-room-1204"
DEVICE = {
    "id": "d1204",
    "display_name": "Room 1204 wake-up line",
    "provision": {
        "type": "manual",
        "sip_accounts": [{"user_name": "12041204", "password": SIP_PASSWORD}],
    },
    "access_token": "a-token-in-a-body",
}


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def http_log() -> Iterator[list[logging.LogRecord]]:
    """Records of `connector.zoom.http`, caught on the logger itself (the connector's own
    logging set-up stops propagation to the root logger, where caplog listens)."""
    connector = logging.getLogger("connector")
    level = connector.level
    logger = logging.getLogger("connector.zoom.http")
    handler = _Collect()
    logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)
        connector.setLevel(level)


@pytest.fixture
def device_route(router: respx.MockRouter) -> respx.Route:
    return router.get(api("/phone/devices/d1204")).respond(json=DEVICE)


def _everything(record: logging.LogRecord) -> str:
    return repr(vars(record)) + record.getMessage()


async def test_with_debug_on_each_request_is_logged_with_secrets_masked(
    device_route: respx.Route, zoom_api: ZoomApi, http_log: list[logging.LogRecord]
) -> None:
    set_debug(True)

    await zoom_api.get_device("d1204")

    (record,) = [r for r in http_log if r.name == "connector.zoom.http"]
    assert record.levelno == logging.DEBUG
    assert record.getMessage() == "zoom GET https://api.zoom.us/v2/phone/devices/d1204 -> 200"
    headers = {k.lower(): v for k, v in record.request_headers.items()}  # type: ignore[attr-defined]
    assert headers["authorization"] == "***"
    body = record.response_body  # type: ignore[attr-defined]
    assert body["provision"]["sip_accounts"][0]["password"] == "***"
    assert body["access_token"] == "***"
    assert body["display_name"] == "Room 1204 wake-up line"
    assert "token-1" not in _everything(record)
    assert SIP_PASSWORD not in _everything(record)


async def test_a_request_body_is_logged_with_its_secret_fields_masked(
    router: respx.MockRouter, zoom_api: ZoomApi, http_log: list[logging.LogRecord]
) -> None:
    router.patch(api("/users/u1204")).respond(204)
    set_debug(True)

    await zoom_api.update_user("u1204", display_name="1204 Smith")

    (record,) = http_log
    assert record.request_body == {"display_name": "1204 Smith"}  # type: ignore[attr-defined]
    assert record.response_body is None  # type: ignore[attr-defined]


async def test_with_debug_off_nothing_is_logged_at_debug(
    device_route: respx.Route, zoom_api: ZoomApi, http_log: list[logging.LogRecord]
) -> None:
    set_debug(False)

    await zoom_api.get_device("d1204")

    assert [r for r in http_log if r.levelno <= logging.DEBUG] == []


async def test_debug_can_be_switched_on_and_off_without_a_new_client(
    device_route: respx.Route, zoom_api: ZoomApi, http_log: list[logging.LogRecord]
) -> None:
    set_debug(False)
    await zoom_api.get_device("d1204")
    set_debug(True)
    await zoom_api.get_device("d1204")
    await zoom_api.get_device("d1204")
    set_debug(False)
    await zoom_api.get_device("d1204")

    assert device_route.call_count == 4
    assert len([r for r in http_log if r.levelno == logging.DEBUG]) == 2


async def test_a_non_json_body_is_logged_as_text(
    router: respx.MockRouter, zoom_api: ZoomApi, http_log: list[logging.LogRecord]
) -> None:
    router.get(api("/users/u1204")).mock(
        return_value=httpx.Response(403, text="Forbidden by proxy")
    )
    set_debug(True)

    with pytest.raises(Exception, match="Forbidden by proxy"):
        await zoom_api.get_user("u1204")

    assert http_log[0].response_body == "Forbidden by proxy"  # type: ignore[attr-defined]


def test_sigusr1_flips_debug_logging_in_a_running_connector() -> None:
    import os
    import signal

    from connector.logs import debug_enabled, install_debug_toggle

    previous = signal.getsignal(signal.SIGUSR1)
    set_debug(False)
    try:
        install_debug_toggle()
        os.kill(os.getpid(), signal.SIGUSR1)
        assert debug_enabled()
        os.kill(os.getpid(), signal.SIGUSR1)
        assert not debug_enabled()
    finally:
        signal.signal(signal.SIGUSR1, previous)
        set_debug(False)
