"""`connector audit ROOM`: what a room went through, as IT or a data-protection officer reads
it long after the stay: every change and why, and never a guest's name."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, timedelta

from click.testing import CliRunner, Result

from connector.cli import main
from connector.reconcile.reconciler import DRIFT_REPAIR
from tests.scenarios.hotel import Hotel


def _hand_edit(hotel: Hotel, room: str, name: str) -> None:
    """Someone renames the room's user in the Zoom portal."""
    user = hotel.user(room)
    user.first_name, user.last_name, user.display_name = name, "", name


async def _audit(hotel: Hotel, *args: str) -> Result:
    room_map = hotel.settings.rooms.map_file
    assert room_map is not None
    env = {**hotel.sandbox.environment(str(room_map)),
           "CONNECTOR_STORE__PATH": str(hotel.store_path),
           "CONNECTOR_LOG__FORMAT": "text"}
    return await asyncio.to_thread(CliRunner().invoke, main, ["audit", *args], env=env)


async def _a_stay_with_a_repair(hotel: Hotel) -> None:
    hotel.check_in("101", "Ana", "Lima", reservation="R-5501", vip="VIP1")
    await hotel.settle()
    hotel.advance(minutes=30)
    hotel.dnd("101", on=True)
    await hotel.settle()
    hotel.advance(hours=2)
    _hand_edit(hotel, "101", "Front desk test")
    await hotel.connector.reconciler.full_pass(["101"])
    hotel.advance(hours=20)
    hotel.check_out("101", "R-5501")
    await hotel.settle()


async def test_the_audit_tells_a_stay_in_order_with_what_asked_for_each_change(
    hotel: Hotel,
) -> None:
    await _a_stay_with_a_repair(hotel)

    trail = hotel.connector.store.audit("101", since=None, tz=UTC)

    assert (trail[0].kind, trail[0].by) == ("event", "PMS (API)")
    assert trail[0].why == "check in event for reservation R-5501"
    renames = [e for e in trail if e.kind == "zoom" and e.what == "rename the user"]
    assert len(renames) == 3  # the check-in, the repair of the hand edit, the check-out
    assert renames[0].why == f"for event {trail[0].ref}"
    assert renames[1].why == DRIFT_REPAIR
    assert any(e.kind == "zoom" and e.what.startswith("set DND") for e in trail)
    assert trail[-1].at > trail[0].at
    assert [e.at for e in trail] == sorted(e.at for e in trail)


async def test_the_audit_never_holds_the_guests_name_or_vip_text(hotel: Hotel) -> None:
    await _a_stay_with_a_repair(hotel)

    result = await _audit(hotel, "101", "--json")

    assert result.exit_code == 0, result.output
    for personal in ("Ana", "Lima", "VIP1"):
        assert personal not in result.output
    document = json.loads(result.output)
    assert (document["room"], document["extension"]) == ("101", "2101")
    assert {e["kind"] for e in document["entries"]} == {"event", "zoom"}


async def test_the_audit_since_a_date_leaves_out_what_came_before(hotel: Hotel) -> None:
    await _a_stay_with_a_repair(hotel)
    an_hour_before_checkout = hotel.now.astimezone(hotel.connector.tz) - timedelta(hours=1)

    everything = await _audit(hotel, "101")
    from_checkout_day = await _audit(hotel, "101", "--since",
                                     f"{an_hour_before_checkout:%Y-%m-%d %H:%M}")

    assert everything.exit_code == 0, everything.output
    assert "room 101 (extension 2101)" in everything.output
    assert "drift repair" in everything.output
    assert "check out event" in from_checkout_day.output
    assert "check in event" not in from_checkout_day.output

