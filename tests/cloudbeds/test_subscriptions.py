"""The connector's webhooks at Cloudbeds: made at start, kept when right, replaced when the
address or secret changed, removed on request; another application's are left alone."""

from __future__ import annotations

import logging

import pytest
import respx

from connector.pms.cloudbeds.adapter import CloudbedsPms
from connector.pms.cloudbeds.webhooks import EVENTS
from tests.cloudbeds.conftest import ENDPOINT, PROPERTY, SECRET, form, listed, ok

OLD = "https://old-phones.harbourview.example/cloudbeds/" + "o" * 40 + "/events"
HOUSEKEEPING_APP = "https://housekeeping-app.example/hooks/cloudbeds"


def subscribed(router: respx.MockRouter) -> respx.Route:
    made = iter(range(500, 600))
    return router.post("/postWebhook").mock(
        side_effect=lambda _: ok({"subscriptionID": f"s{next(made)}"}))


async def test_at_start_an_old_address_is_replaced_and_another_apps_webhook_left_alone(
        pms: CloudbedsPms, cloudbeds: respx.MockRouter) -> None:
    cloudbeds.get("/getWebhooks").mock(return_value=listed(
        ("s1", "reservation", "created", ENDPOINT),
        ("s2", "reservation", "status_changed", OLD),
        ("s3", "housekeeping", "room_condition_changed", HOUSEKEEPING_APP)))
    posted = subscribed(cloudbeds)
    deleted = cloudbeds.delete("/deleteWebhook").mock(return_value=ok())

    await pms.start()

    bodies = [form(call.request) for call in posted.calls]
    assert {(b["object"], b["action"]) for b in bodies} == set(EVENTS) - {
        ("reservation", "created")}
    assert {b["endpointUrl"] for b in bodies} == {ENDPOINT}
    assert {b["propertyID"] for b in bodies} == {PROPERTY}
    assert [dict(c.request.url.params) for c in deleted.calls] == [
        {"propertyIDs": PROPERTY, "subscriptionID": "s2"}]
    assert pms.subscriptions.ids[("reservation", "created")] == "s1"
    assert len(pms.subscriptions.ids) == len(EVENTS)


async def test_subscriptions_already_right_are_kept_without_a_single_change(
        pms: CloudbedsPms, cloudbeds: respx.MockRouter) -> None:
    cloudbeds.get("/getWebhooks").mock(return_value=listed(*(
        (f"s{n}", obj, action, ENDPOINT) for n, (obj, action) in enumerate(EVENTS))))
    posted = subscribed(cloudbeds)
    deleted = cloudbeds.delete("/deleteWebhook").mock(return_value=ok())
    await pms.start()
    assert posted.call_count == 0 and deleted.call_count == 0


async def test_unsubscribing_removes_every_webhook_of_ours_and_only_ours(
        pms: CloudbedsPms, cloudbeds: respx.MockRouter) -> None:
    cloudbeds.get("/getWebhooks").mock(return_value=listed(
        ("s1", "reservation", "created", ENDPOINT),
        ("s2", "reservation", "status_changed", OLD),
        ("s3", "housekeeping", "room_condition_changed", HOUSEKEEPING_APP)))
    deleted = cloudbeds.delete("/deleteWebhook").mock(return_value=ok())
    assert await pms.unsubscribe_all() == 2
    assert sorted(c.request.url.params["subscriptionID"] for c in deleted.calls) == ["s1", "s2"]


async def test_the_secret_is_never_said_in_the_log(
        pms: CloudbedsPms, cloudbeds: respx.MockRouter, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    cloudbeds.get("/getWebhooks").mock(return_value=listed())
    subscribed(cloudbeds)
    await pms.start()
    assert SECRET not in caplog.text
    assert "/cloudbeds/…/events" in caplog.text
