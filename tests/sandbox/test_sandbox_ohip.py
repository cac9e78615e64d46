"""`connector sandbox --pms ohip`: the demo day through OPERA Cloud's emulator, as a newcomer
runs it: OPERA's check-ins, move, name change and check-out on the room phones, a call charge
on the folio, a wake-up set in OPERA rung and answered back, a room status from the phone;
and `connector doctor` on the OHIP settings first."""

from __future__ import annotations

from click.testing import CliRunner


def test_the_demo_day_plays_through_opera_cloud_and_the_doctor_checks_ohip() -> None:
    from connector.cli import main

    result = CliRunner().invoke(main, ["sandbox", "--pms", "ohip", "--check",
                                       "--sip-port", "0"])
    output = result.output
    assert result.exit_code == 0, output
    assert "export CONNECTOR_PMS__KIND=ohip" in output
    assert "export CONNECTOR_OHIP__GATEWAY_URL=http://127.0.0.1:" in output
    for check in ("OHIP token", "OHIP hotel", "OHIP in-house list", "OHIP wake-up calls",
                  "OHIP event stream", "OHIP call charges"):
        assert f"[ok  ] {check}" in output
    assert "room 201 shows 'Kim Brown" in output  # the start's resync
    assert "room 101: 'Room 2101' → 'VIP Ana Lima 2101', may call: international" in output
    assert "room 103: 'Room 2103' → 'Xiaoming Wang 2103'" in output  # the move
    assert "'VIP Ana Lima-Souza 2101'" in output
    assert "room 103: 'Xiaoming Wang 2103' → 'Room 103 2103', may call: internal only" in output
    assert "with transaction code 9400" in output  # the call charge on the folio
    assert "is now Completed (PUT by the connector, with the requested time)" in output
    assert "OPERA's room 102 is now Clean" in output


def test_the_doctor_names_each_ohip_setting_still_missing() -> None:
    from connector.cli import main

    result = CliRunner().invoke(main, ["doctor"], env={
        "CONNECTOR_PMS__KIND": "ohip", "CONNECTOR_ZOOM__ACCOUNT_ID": "account",
        "CONNECTOR_ZOOM__CLIENT_ID": "client", "CONNECTOR_ZOOM__CLIENT_SECRET": "secret",
        "CONNECTOR_OHIP__GATEWAY_URL": "https://ohip.example.com"})
    assert result.exit_code != 0
    for name in ("CLIENT_ID", "CLIENT_SECRET", "APP_KEY", "HOTEL_ID", "CHAIN_CODE",
                 "EXTERNAL_SYSTEM_CODE"):
        assert f"CONNECTOR_OHIP__{name}" in result.output
    assert "CONNECTOR_OHIP__GATEWAY_URL" not in result.output
