"""The emulated OHIP dequeue answers as int.json's `getBusinessEvents` says: at most 20
events, each once, shaped as `businessEvents`; 204 when empty; faults as configured."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette

from connector.sandbox.ohip.event_log import Detail, OhipEventLog
from connector.sandbox.ohip.poll_route import poll_routes
from connector.sandbox.ohip.stream_faults import StreamFaults
from tests.ohip.ohip_support import APP_KEY, AT, TOKEN, check_in, event_log, valid
from tests.ohip_spec import OhipSpec

PATH = "/int/v1/externalSystem/ZOOMPHONE/hotels/HOTEL1/businessEvents"
HEADERS = {"authorization": f"Bearer {TOKEN}", "x-app-key": APP_KEY, "x-hotelid": "HOTEL1"}


def opera(faults: StreamFaults | None = None) -> tuple[OhipEventLog, httpx.AsyncClient]:
    log = event_log()
    log.subscribe_poller("ZOOMPHONE")
    app = Starlette(routes=poll_routes(log, auth=valid, faults=faults or StreamFaults()))
    return log, httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ohip")


async def test_a_dequeue_answer_is_shaped_as_ohip_publishes_it() -> None:
    log, http = opera()
    log.append("RESERVATION", "UPDATE RESERVATION", "1001",
               [Detail("ROOMNO", "112", "114"), Detail("VIP", None, "V1")], at=AT)
    log.append("FRONT DESK", "CREATE WAKE UP CALL", "1001",
               [Detail("WAKEUPTIME", None, "06:30")], at=AT)
    async with http:
        answer = await http.get(PATH, headers=HEADERS)

    assert answer.status_code == 200
    body = answer.json()
    OhipSpec.load().validate_response("GET", PATH, 200, body)
    move, wake_up = body["businessEventData"]
    assert move["businessEvent"]["header"]["actionType"] == "UPDATE RESERVATION"
    assert move["businessEvent"]["details"][0] == {
        "dataElement": "ROOMNO", "oldValue": "112", "newValue": "114", "elementType": "FIELD"}
    assert wake_up["businessEvent"]["header"]["moduleName"] == "Reservation"
    assert wake_up["businessEventId"]["id"] == "2"


async def test_an_event_is_handed_out_once_twenty_at_most_then_204() -> None:
    log, http = opera()
    for n in range(25):
        check_in(log, f"{1000 + n}", "112")
    async with http:
        first = await http.get(PATH, headers=HEADERS)
        second = await http.get(PATH, headers=HEADERS, params={"limit": "3"})
        third = await http.get(PATH, headers=HEADERS)
        fourth = await http.get(PATH, headers=HEADERS)

    assert len(first.json()["businessEventData"]) == 20
    assert len(second.json()["businessEventData"]) == 3
    assert len(third.json()["businessEventData"]) == 2
    assert fourth.status_code == 204 and fourth.content == b""


async def test_a_wrong_token_a_missing_header_or_a_limit_above_20_is_refused() -> None:
    log, http = opera()
    check_in(log, "1001", "112")
    async with http:
        forged = await http.get(PATH, headers={**HEADERS, "authorization": "Bearer forged"})
        no_hotel = await http.get(PATH, headers={k: v for k, v in HEADERS.items()
                                                 if k != "x-hotelid"})
        too_many = await http.get(PATH, headers=HEADERS, params={"limit": "21"})
        kept = await http.get(PATH, headers=HEADERS)

    assert (forged.status_code, no_hotel.status_code, too_many.status_code) == (401, 400, 400)
    assert len(kept.json()["businessEventData"]) == 1  # nothing was dequeued by a refusal


async def test_faults_lose_double_and_delay_events_reproducibly() -> None:
    log, http = opera(StreamFaults(lose=0.2, duplicate=0.2, late=0.2, seed=7))
    for n in range(40):
        check_in(log, f"{1000 + n}", "112")
    seen: list[str] = []
    async with http:
        while (answer := await http.get(PATH, headers=HEADERS)).status_code == 200:
            seen += [e["businessEventId"]["id"] for e in answer.json()["businessEventData"]]

    assert len(seen) != len(set(seen))  # some twice
    assert len(set(seen)) < 40  # some lost for good
    assert seen != sorted(seen, key=int)  # some late, after later ones
