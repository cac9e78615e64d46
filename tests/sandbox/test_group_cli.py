"""`connector sandbox-group N --check`: what a hotel group's IT person copies to start one
connector per hotel against the emulated account."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from connector.cli import main


def test_three_hotels_each_get_their_settings_and_room_map(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["sandbox-group", "3", "--check", "--dir", str(tmp_path),
                                       "--redis-url", "redis://127.0.0.1:6390/0"])

    assert result.exit_code == 0, result.output
    assert "3 hotels (a Zoom site each)" in result.output
    for i in (1, 2, 3):
        assert f"export CONNECTOR_SHARED_LIMIT__HOTEL_ID=hotel-{i}\n" in result.output
        assert f"CONNECTOR_ROOMS__MAP_FILE={tmp_path}/hotel-{i}/rooms.csv" in result.output
    assert result.output.count("CONNECTOR_SHARED_LIMIT__CONNECTORS=3\n") == 3
    assert result.output.count("CONNECTOR_SHARED_LIMIT__REDIS_URL=redis://127.0.0.1:6390/0") == 3
    second = (tmp_path / "hotel-2" / "rooms.csv").read_text().splitlines()
    assert second[1] == "401,2401"  # floors 4-6 are the second hotel's


def test_a_group_larger_than_the_building_is_refused() -> None:
    result = CliRunner().invoke(main, ["sandbox-group", "9", "--floors", "8", "--check"])

    assert result.exit_code == 2
    assert "one floor at least" in result.output
