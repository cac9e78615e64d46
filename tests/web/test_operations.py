"""What the platform sees: liveness, readiness (and why not), metrics, the served API docs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families

from connector.sandbox import Sandbox, SandboxConfig
from connector.service import Connector
from connector.settings.rooms_source import load_room_map
from connector.store import Store
from connector.web import Check, ReadinessCheck, create_app
from connector.web.examples import BATCH_EXAMPLE, EVENT_EXAMPLES
from connector.web.parsing import EVENT_TYPES
from connector.zoom.client import ZoomClient
from connector.zoom.metrics import ZoomMetrics
from tests.web.pms import Hotel, check_in, hotel_settings, open_hotel


def checks(readiness: httpx.Response) -> dict[str, bool]:
    return {c["name"]: c["ok"] for c in readiness.json()["checks"]}


async def test_healthz_answers_while_the_process_serves(hotel: Hotel) -> None:
    response = await hotel.http.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_an_open_connector_is_ready(hotel: Hotel) -> None:
    response = await hotel.http.get("/readyz")

    assert response.status_code == 200
    assert response.json()["ready"] is True
    assert checks(response) == {"store_writable": True, "zoom_token": True,
                                "directory_loaded": True}


@asynccontextmanager
async def half_open(tmp_path: Path) -> AsyncIterator[tuple[Connector, httpx.AsyncClient]]:
    """The connector's parts built, nothing fetched from Zoom yet (as midway through start-up)."""
    sandbox = Sandbox(SandboxConfig(frozen_clock=True, rate_limits=False))
    settings = hotel_settings(sandbox, tmp_path)
    registry = CollectorRegistry()
    client = ZoomClient(settings.zoom, settings.scheduling, clock=sandbox.clock,
                        transport=httpx.ASGITransport(app=sandbox.app()),
                        metrics=ZoomMetrics(registry))
    connector = Connector(settings, clock=sandbox.clock, client=client,
                          store=Store(settings.store.path, clock=sandbox.clock),
                          room_map=load_room_map(settings.rooms), registry=registry)
    app = create_app(lambda: connector, settings.webhook, clock=sandbox.clock, registry=registry)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://connector") as http:
            yield connector, http
    finally:
        await connector.close()


async def test_not_ready_until_the_token_is_obtained_and_the_directory_loaded(
    tmp_path: Path,
) -> None:
    async with half_open(tmp_path) as (connector, http):
        nothing_yet = await http.get("/readyz")
        await connector.client.start()
        token_only = await http.get("/readyz")
        await connector.directory.refresh()
        started = await http.get("/readyz")

    assert nothing_yet.status_code == 503
    assert checks(nothing_yet) == {"store_writable": True, "zoom_token": False,
                                   "directory_loaded": False}
    assert token_only.status_code == 503
    assert checks(token_only)["directory_loaded"] is False
    assert "not been loaded" in next(
        c["detail"] for c in token_only.json()["checks"] if c["name"] == "directory_loaded")
    assert started.status_code == 200


async def test_not_ready_while_there_is_no_connector(hotel: Hotel) -> None:
    app = create_app(lambda: None, hotel.settings.webhook, registry=CollectorRegistry())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://connector") as http:
        response = await http.get("/readyz")

    assert response.status_code == 503
    assert checks(response) == {"connector": False}


async def test_not_ready_when_the_store_refuses_writes(
    hotel: Hotel, caplog: pytest.LogCaptureFixture,
) -> None:
    conn = hotel.connector.store._conn
    assert conn is not None
    conn.execute("PRAGMA query_only = ON")

    response = await hotel.http.get("/readyz")

    assert response.status_code == 503
    store = next(c for c in response.json()["checks"] if c["name"] == "store_writable")
    assert store["ok"] is False
    assert "does not take writes" in store["detail"]
    # The file's place is for the log, not for an unsigned caller.
    assert str(hotel.settings.store.path) not in response.text
    assert str(hotel.settings.store.path) in caplog.text


async def test_checks_handed_in_by_other_parts_count_too(tmp_path: Path) -> None:
    link = {"up": False}

    def fias_link() -> Check:
        return Check(name="fias_link", ok=link["up"], detail="" if link["up"] else "connecting")

    async def reporter() -> Check:
        return Check(name="reporter", ok=True)

    def broken() -> Check:
        raise RuntimeError("boom")

    extra: list[ReadinessCheck] = [fias_link, reporter]
    async with open_hotel(tmp_path, readiness_checks=extra) as hotel:
        down = await hotel.http.get("/readyz")
        link["up"] = True
        up = await hotel.http.get("/readyz")
    async with open_hotel(tmp_path / "again", readiness_checks=[broken]) as hotel:
        raising = await hotel.http.get("/readyz")

    assert down.status_code == 503 and checks(down)["fias_link"] is False
    assert up.status_code == 200 and checks(up)["reporter"] is True
    assert raising.status_code == 503
    assert raising.json()["checks"][-1] == {"name": "broken", "ok": False,
                                            "detail": "the check raised RuntimeError"}


async def test_metrics_count_what_the_webhook_did_beside_the_rest_of_the_connector(
    hotel: Hotel,
) -> None:
    await hotel.send(check_in("101", event_id="a"))
    await hotel.send(check_in("101", event_id="a"))
    await hotel.send(check_in("9999"))

    response = await hotel.http.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.text) for s in family.samples
    }
    events = "connector_webhook_events_total"
    assert samples[(events, (("outcome", "stored"), ("type", "check_in")))] == 1
    assert samples[(events, (("outcome", "duplicate"), ("type", "check_in")))] == 1
    assert samples[("connector_webhook_refused_total", (("code", "unknown_room"),))] == 1
    assert samples[("connector_webhook_ack_seconds_count", ())] == 2
    assert any(name == "connector_zoom_requests_total" for name, _ in samples)


async def test_the_served_schema_documents_the_webhook_with_examples(hotel: Hotel) -> None:
    schema = (await hotel.http.get("/openapi.json")).json()
    docs = await hotel.http.get("/docs")

    post = schema["paths"]["/v1/pms/events"]["post"]
    content = post["requestBody"]["content"]["application/json"]
    assert set(content["examples"]) == {*EVENT_TYPES, "batch"}
    assert {p["name"] for p in post["parameters"]} == {"X-Connector-Timestamp",
                                                       "X-Connector-Signature"}
    assert {"202", "401", "413", "415", "422", "503"} <= set(post["responses"])
    components = schema["components"]["schemas"]
    assert set(components["Event"]["discriminator"]["mapping"]) == set(EVENT_TYPES)
    assert components["EventBatch"]["properties"]["events"]["maxItems"] == 500
    assert "/v1/events/{event_id}" in schema["paths"]
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


async def test_every_example_in_the_served_schema_is_accepted(hotel: Hotel) -> None:
    schema = (await hotel.http.get("/openapi.json")).json()
    examples = schema["paths"]["/v1/pms/events"]["post"]["requestBody"]["content"][
        "application/json"]["examples"]

    answers = [await hotel.send(example["value"]) for example in examples.values()]

    assert [a.status_code for a in answers] == [202] * len(examples)
    assert hotel.stored() == len(EVENT_EXAMPLES) + len(BATCH_EXAMPLE["events"])


async def test_every_reference_in_the_served_schema_resolves(hotel: Hotel) -> None:
    schema = (await hotel.http.get("/openapi.json")).json()
    components = schema["components"]["schemas"]

    def refs(node: object) -> list[str]:
        if isinstance(node, dict):
            found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
            return found + [r for value in node.values() for r in refs(value)]
        if isinstance(node, list):
            return [r for value in node for r in refs(value)]
        return []

    dangling = {r for r in refs(schema)
                if r.removeprefix("#/components/schemas/") not in components}
    assert not dangling


async def test_the_served_schema_is_valid_openapi(hotel: Hotel) -> None:
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate((await hotel.http.get("/openapi.json")).json())
