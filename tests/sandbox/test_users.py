"""Users API: what the front desk would see change when the connector renames a room."""

from __future__ import annotations

from connector.sandbox import Sandbox
from tests.sandbox.sandbox_support import SpecChecker, Zoom


async def test_rename_room_user_then_get_shows_the_new_name(zoom: Zoom, sandbox: Sandbox) -> None:
    room = sandbox.owner(2104)
    response = await zoom.patch(f"/users/{room.id}", {
        "first_name": "Ada", "last_name": "Lovelace 2104",
        "display_name": "VIP Ada Lovelace 2104",
    })
    assert response.status_code == 204
    assert response.content == b""
    user = (await zoom.get(f"/users/{room.id}")).json()
    assert (user["first_name"], user["last_name"], user["display_name"]) == (
        "Ada", "Lovelace 2104", "VIP Ada Lovelace 2104")
    listed = await zoom.list_all("/phone/users", "users", page_size=100)
    assert next(u for u in listed if u["id"] == room.id)["name"] == "VIP Ada Lovelace 2104"


async def test_names_without_display_name_derive_it(zoom: Zoom, sandbox: Sandbox) -> None:
    room = sandbox.owner(2105)
    await zoom.patch(f"/users/{room.id}", {"first_name": "Grace", "last_name": "Hopper 2105"})
    assert (await zoom.get(f"/users/{room.id}")).json()["display_name"] == "Grace Hopper 2105"


async def test_department_change_shows_on_the_phone_user(zoom: Zoom, sandbox: Sandbox) -> None:
    room = sandbox.owner(2106)
    await zoom.patch(f"/users/{room.id}", {"dept": "Occupied"})
    assert (await zoom.get(f"/users/{room.id}")).json()["dept"] == "Occupied"
    assert (await zoom.get(f"/phone/users/{room.id}")).json()["department"] == "Occupied"


async def test_users_can_be_addressed_by_email(zoom: Zoom) -> None:
    response = await zoom.get("/users/room2101@harbourview.example")
    assert response.status_code == 200
    assert response.json()["last_name"] == "2101"


async def test_unknown_user_is_code_1001(zoom: Zoom) -> None:
    response = await zoom.get("/users/nobody-here")
    assert response.status_code == 404
    assert response.json() == {"code": 1001, "message": "User does not exist: nobody-here."}
    response = await zoom.patch("/users/nobody-here", {"first_name": "X"})
    assert response.status_code == 404


async def test_too_long_name_is_code_300_and_changes_nothing(
    zoom: Zoom, sandbox: Sandbox, checker: SpecChecker
) -> None:
    room = sandbox.owner(2107)
    with checker.off_spec_requests():
        response = await zoom.patch(f"/users/{room.id}", {"first_name": "x" * 65})
    assert response.status_code == 400
    assert response.json()["code"] == 300
    assert response.json()["errors"][0]["field"] == "first_name"
    assert (await zoom.get(f"/users/{room.id}")).json()["first_name"] == "Room"


async def test_wrong_type_is_code_300(zoom: Zoom, sandbox: Sandbox, checker: SpecChecker) -> None:
    with checker.off_spec_requests():
        response = await zoom.patch(f"/users/{sandbox.owner(2108).id}", {"last_name": 2108})
    assert (response.status_code, response.json()["code"]) == (400, 300)


async def test_list_users_pages_through_everyone(zoom: Zoom, sandbox: Sandbox) -> None:
    first = (await zoom.get("/users", page_size=2000)).json()
    assert first["total_records"] == len(sandbox.account.users)
    assert first["next_page_token"] == ""
    assert len(first["users"]) == len(sandbox.account.users)
    small = await zoom.list_all("/users", "users", page_size=50)
    assert [u["id"] for u in small] == [u["id"] for u in first["users"]]


async def test_default_page_size_is_30(zoom: Zoom) -> None:
    body = (await zoom.get("/users")).json()
    assert body["page_size"] == 30
    assert len(body["users"]) == 30
    assert body["next_page_token"]
