"""One connector runs per hotel: what `connector serve` loads is memory every hotel pays.
Parts a hotel has not switched on stay unloaded until they are."""

from __future__ import annotations

import json
import subprocess
import sys

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
