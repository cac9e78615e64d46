"""One connector runs per hotel: what `connector serve` loads is memory every hotel pays.
Parts a hotel has not switched on stay unloaded until they are."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

# The modules `connector serve` itself imports, before any setting is read.
SERVE = "import connector.cli.serve_cmd, connector.serve.runner"


def _loaded_after(code: str, modules: list[str]) -> list[str]:
    probe = (f"import json, sys; {code}; "
             f"print(json.dumps(sorted(m for m in {modules!r} if m in sys.modules)))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True)
    return list(json.loads(result.stdout))


def test_a_hotel_without_a_fias_link_does_not_load_the_fias_door() -> None:
    assert _loaded_after(SERVE, ["connector.serve.fias_door", "connector.pms.fias.transport",
                                 "connector.pms.fias.session"]) == []


def test_a_hotel_without_sip_lines_does_not_load_the_sip_stack() -> None:
    assert _loaded_after(SERVE, ["connector.sip.pool", "pylibsrtp"]) == []


def test_the_zoom_token_does_not_load_jose_or_openssl_bindings() -> None:
    assert _loaded_after(SERVE, ["joserfc", "cryptography", "authlib.jose"]) == []


def test_a_hotel_without_call_accounting_does_not_load_the_tariff_or_its_tables() -> None:
    # The tariff's YAML, ISO 4217's currencies and Google's phone number metadata: ~3 MB.
    assert _loaded_after(SERVE, ["connector.billing.tariff", "connector.billing.rating",
                                 "yaml", "iso4217", "phonenumbers"]) == []


@pytest.fixture(scope="module")
def seen() -> dict[str, Any]:
    """What the probe process loaded at each step (one process for the three tests)."""
    probe = subprocess.run([sys.executable, "-m", "tests.serve.lazy_parts_probe"], cwd=ROOT,
                           capture_output=True, text=True, check=True, timeout=120)
    return dict(json.loads(probe.stdout.splitlines()[-1]))


def test_an_idle_hotel_answers_its_probes_without_fastapi_or_the_console(
        seen: dict[str, Any]) -> None:
    # FastAPI ~6 MB, the console's templates, live stream and password hashing ~3 MB.
    assert seen["probes"] == [200, 200, 200]
    assert seen["idle"] == []


def test_reading_the_api_document_loads_fastapi_to_write_it_not_the_console(
        seen: dict[str, Any]) -> None:
    assert {"/v1/pms/events", "/v1/events/{event_id}", "/zoom/events", "/healthz", "/readyz",
            "/metrics"} <= set(seen["document_paths"])
    assert seen["after_document"] == ["fastapi"]


def test_the_console_is_loaded_on_its_first_request(seen: dict[str, Any]) -> None:
    # No staff account yet: the desk is told how to switch the console on, as a page.
    assert seen["console"]["status"] == 404
    assert seen["console"]["type"].startswith("text/html")
    assert "a staff account exists" in seen["console"]["page"]
    assert seen["after_console"] == ["fastapi", "jinja2", "sse_starlette", "argon2",
                                     "connector.web.console.shell",
                                     "connector.web.console.routes_live"]
