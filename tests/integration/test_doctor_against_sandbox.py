"""`connector doctor` as a hotel's IT person runs it, against the emulated Zoom account."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from click.testing import CliRunner, Result

from connector.cli import main
from connector.sandbox.server import SandboxServer


async def _doctor(served: SandboxServer, room_map: Path, *args: str, **env: str) -> Result:
    environment = {**served.sandbox.environment(str(room_map)), **env}
    runner = CliRunner()
    # The CLI runs its own event loop; the sandbox keeps serving on this one meanwhile.
    return await asyncio.to_thread(runner.invoke, main, ["doctor", *args], env=environment)


async def test_a_well_set_up_hotel_is_ready(served: SandboxServer, room_map_file: Path) -> None:
    result = await _doctor(served, room_map_file)
    assert result.exit_code == 0, result.output
    assert "READY" in result.output and "NOT READY" not in result.output
    assert served.api_url in result.output  # the region the token named
    assert "room 901: extension 3901 not found in Zoom" in result.output
    assert "sandbox-client-secret" not in result.output


async def test_the_json_report_counts_matched_rooms(
    served: SandboxServer, room_map_file: Path
) -> None:
    result = await _doctor(served, room_map_file, "--json")
    report = json.loads(result.output)
    rooms = next(c for c in report["checks"] if c["name"] == "Rooms")
    assert report["ready"] is True
    assert rooms["status"] == "warn" and rooms["summary"].startswith("240 of 242 rooms matched")


async def test_names_are_shown_only_when_asked(
    served: SandboxServer, room_map_file: Path
) -> None:
    breaker = served.sandbox.owner(2113)  # the demo names it "Guest Room"
    quiet = await _doctor(served, room_map_file)
    shown = await _doctor(served, room_map_file, "--show-names")
    assert "extension 2113" in quiet.output and breaker.display_name not in quiet.output
    assert breaker.display_name in shown.output


async def test_wrong_credentials_block_start_up_and_say_which_variables(
    served: SandboxServer, room_map_file: Path
) -> None:
    result = await _doctor(served, room_map_file, CONNECTOR_ZOOM__CLIENT_SECRET="wrong")
    assert result.exit_code == 1
    assert "NOT READY" in result.output
    assert "CONNECTOR_ZOOM__CLIENT_SECRET" in result.output
    assert "wrong" not in result.output.replace("Zoom refused", "")


async def test_a_missing_required_scope_is_named_with_where_to_add_it(
    served: SandboxServer, room_map_file: Path
) -> None:
    served.sandbox.set_scopes(served.sandbox.issuer.scopes - {"phone:read:list_users:admin"})
    result = await _doctor(served, room_map_file)
    assert result.exit_code == 1
    assert "add phone:read:list_users:admin" in result.output
    assert "Marketplace" in result.output


async def test_a_missing_optional_scope_says_which_feature_is_off(
    served: SandboxServer, room_map_file: Path
) -> None:
    served.sandbox.set_scopes(served.sandbox.issuer.scopes - {"phone:delete:voicemail:admin"})
    result = await _doctor(served, room_map_file)
    assert result.exit_code == 0
    assert "voicemail purge at check-out and check-in is OFF" in result.output


async def test_invalid_settings_are_listed_one_per_line_before_anything_runs(
    served: SandboxServer, room_map_file: Path
) -> None:
    result = await _doctor(served, room_map_file, CONNECTOR_ZOOM__PLAN="gold",
                           CONNECTOR_ZOOM__RATE_LIMIT_SHARE="1.5")
    assert result.exit_code == 2
    assert "CONNECTOR_ZOOM__PLAN: input should be 'pro' or 'business'" in result.output
    assert "CONNECTOR_ZOOM__RATE_LIMIT_SHARE" in result.output
    assert served.sandbox.log.entries("oauth_token") == []


async def test_the_sip_lines_of_the_named_zoom_device_are_listed(
    served: SandboxServer, room_map_file: Path
) -> None:
    device = served.sandbox.hotel.connector_device_id
    result = await _doctor(served, room_map_file, "--json",
                           CONNECTOR_SIP__ZOOM_DEVICE_IDS=f'["{device}"]')
    checks = {c["name"]: c for c in json.loads(result.output)["checks"]}
    lines = len(served.sandbox.hotel.account.devices[device].sip_accounts)
    assert checks["SIP lines"]["status"] == "ok"
    assert checks["SIP lines"]["summary"].startswith(f"{lines} line(s) over TLS")
    assert checks["Prompts"]["status"] == "ok"


async def test_no_sip_lines_is_a_warning_saying_what_to_set(
    served: SandboxServer, room_map_file: Path
) -> None:
    result = await _doctor(served, room_map_file, "--json")
    checks = {c["name"]: c for c in json.loads(result.output)["checks"]}
    assert checks["SIP lines"]["status"] == "warn"
    assert "CONNECTOR_SIP__ZOOM_DEVICE_IDS" in checks["SIP lines"]["details"][0]


async def test_an_unusable_hotel_prompt_blocks_start_up_naming_the_file(
    served: SandboxServer, room_map_file: Path, tmp_path: Path
) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "goodbye.wav").write_bytes(b"not a wav file")
    result = await _doctor(served, room_map_file, CONNECTOR_VOICE__PROMPTS_DIR=str(tmp_path))
    assert result.exit_code == 1, result.output
    assert "goodbye.wav" in result.output


async def test_the_fias_link_says_how_it_is_checked_and_when_it_resyncs(
    served: SandboxServer, room_map_file: Path
) -> None:
    result = await _doctor(served, room_map_file, "--json", CONNECTOR_FIAS__MODE="client",
                           CONNECTOR_FIAS__PROFILE="quiet", CONNECTOR_FIAS__RESYNC_DAILY_AT="")
    checks = {c["name"]: c for c in json.loads(result.output)["checks"]}
    fias = checks["FIAS link"]
    assert fias["summary"] == "client 127.0.0.1:5010, profile quiet"
    assert fias["details"] == [
        "alive check: no alive record; dead link: none: TCP keep-alive and failed writes",
        "resync (DR): at the first link-up; after a reconnect if the link was down longer "
        "than 900 s; no daily resync; on demand with `connector sync --pms`",
    ]


async def test_an_ls_alive_check_more_often_than_oracle_allows_is_refused(
    served: SandboxServer, room_map_file: Path
) -> None:
    result = await _doctor(served, room_map_file, CONNECTOR_FIAS__MODE="client",
                           CONNECTOR_FIAS__ALIVE_INTERVAL_SECONDS="60")
    assert result.exit_code == 2
    assert "at most once every 5 minutes" in result.output
