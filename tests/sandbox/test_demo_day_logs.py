"""What a whole sandbox day leaves in the connector's log, as a data-protection officer reads
it: the demo day of `connector sandbox` (FIAS check-ins with names, a VIP and a title, a DND
from the webhook and one from the room phone, a check-out, a call to London posted to the
folio, a wake-up call, a housekeeping code), logged as JSON by the real logging set-up.

At the default level no guest name, title, VIP text or dialled number is in any line; at
debug they may be, and the first line says so. Secrets are in no line at either level."""

from __future__ import annotations

import base64
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from connector.cli import sandbox_cmd
from connector.cli.demo_day import LONDON
from connector.logs import ROOT, configure_logging
from connector.sandbox import Sandbox, SandboxConfig
from connector.sandbox.server import SandboxServer
from connector.settings.model import LogFormat, LogSettings

REPO = Path(__file__).resolve().parents[2]
# Everything personal the demo day's PMS and guests send (connector/cli/demo_day.py).
GUEST_DATA = ("Ana", "Lima", "王", "小明", "Omar", "Haddad", "Kim", "Brown", "Dr.", "VIP",
              LONDON.lstrip("+"), LONDON[3:])  # the number, also without its country code
WEBHOOK_SECRET = "demo-webhook-secret-0123456789abcdef"
ZOOM_TOKEN = "demo-zoom-secret-token-9876543210"
ACCESS_TOKEN = re.compile(r"sbx\.[0-9a-f]{48}")  # what the sandbox's OAuth host issues


class _KnownSecrets:
    """The secrets the sandbox would draw at random, known to the test."""

    @staticmethod
    def token_hex(_bytes: int) -> str:
        return WEBHOOK_SECRET

    @staticmethod
    def token_urlsafe(_bytes: int) -> str:
        return ZOOM_TOKEN


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """Put the `connector` logger back as the other tests expect it."""
    logger = logging.getLogger(ROOT)
    handlers, level, propagate = list(logger.handlers), logger.level, logger.propagate
    yield
    logger.handlers[:] = handlers
    logger.setLevel(level)
    logger.propagate = propagate


async def _log_of_a_demo_day(debug: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> tuple[list[str], Sandbox]:
    monkeypatch.setenv("CONNECTOR_BILLING__TARIFF_FILE",
                       str(REPO / "deploy" / "tariff.example.yaml"))
    monkeypatch.setattr(sandbox_cmd, "secrets", _KnownSecrets)
    configure_logging(LogSettings(format=LogFormat.JSON, debug=debug))
    sandbox = Sandbox(SandboxConfig())
    verdict = await sandbox_cmd._run(
        SandboxServer(sandbox), tmp_path / "rooms.csv", tmp_path / "connector.sqlite3",
        check=True, doctor=False, demo=True, faults=[], web_port=0, sip_port=0)
    assert verdict == 0
    lines = capsys.readouterr().err.splitlines()
    for line in lines:
        json.loads(line)  # every line is one JSON object, for the log collector
    return lines, sandbox


def _secrets(sandbox: Sandbox) -> list[str]:
    creds = sandbox.config.credentials
    basic = base64.b64encode(f"{creds.client_id}:{creds.client_secret}".encode()).decode()
    return [creds.client_secret, basic, WEBHOOK_SECRET, ZOOM_TOKEN]


def _leaks(lines: list[str], words: tuple[str, ...] | list[str]) -> list[str]:
    return [line for line in lines if any(word in line for word in words)]


@pytest.mark.usefixtures("restored_logging")
async def test_a_whole_day_at_the_default_level_logs_no_guest_data_and_no_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    lines, sandbox = await _log_of_a_demo_day(False, tmp_path, monkeypatch, capsys)

    whole_day = "\n".join(lines)
    for happened in ("PMS check_in from fias, room 101", "PMS dnd from webhook, room 101",
                     "guest turned DND on on the room phone", "PMS check_out from fias",
                     "call charge posted to the room", "posting accepted by the PMS",
                     "wake-up finished", "housekeeping status recorded"):
        assert happened in whole_day, f"the day did not get as far as: {happened}"
    assert _leaks(lines, GUEST_DATA) == []
    assert _leaks(lines, _secrets(sandbox)) == []
    assert [line for line in lines if ACCESS_TOKEN.search(line)] == []


@pytest.mark.usefixtures("restored_logging")
async def test_at_debug_the_log_says_first_that_names_are_in_it_and_still_holds_no_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    lines, sandbox = await _log_of_a_demo_day(True, tmp_path, monkeypatch, capsys)

    first = json.loads(lines[0])
    assert first["level"] == "warning"
    assert "debug logging is ON" in first["msg"] and "guest names" in first["msg"]
    assert _leaks(lines, ["Lima"]) != []  # Zoom's requests, as the warning said
    assert _leaks(lines, _secrets(sandbox)) == []
    assert [line for line in lines if ACCESS_TOKEN.search(line)] == []
