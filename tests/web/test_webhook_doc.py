"""docs/webhook.md must say what the code does: the worked signature, every example, every
error code."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from prometheus_client import CollectorRegistry

from connector.settings.model import WebhookSettings
from connector.settings.problems import env_name
from connector.web import create_app
from connector.web.errors import CODES
from connector.web.parsing import EVENT_TYPES
from connector.web.signing import sign, signed_text
from tests.support.fake_clock import FakeClock
from tests.web.pms import JSON, SECRET, Hotel, check_in

DOC = (Path(__file__).resolve().parents[2] / "docs" / "webhook.md").read_text()


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC, flags=re.DOTALL)


def worked_example() -> dict[str, str]:
    (block,) = [b for b in blocks("text") if b.startswith("secret:")]
    return {key: value.strip() for key, _, value in
            (line.partition(":") for line in block.splitlines())}


def test_the_worked_example_signature_is_what_the_code_computes() -> None:
    example = worked_example()
    body, timestamp = example["body"].encode(), int(example["timestamp"])

    assert signed_text(body, timestamp).decode() == example["signed"]
    assert example["header"] == f"X-Connector-Signature: {sign(body, example['secret'], timestamp)}"
    openssl_answer = re.search(r"SHA2-256\(stdin\)= ([0-9a-f]{64})", DOC)
    assert openssl_answer is not None
    assert f"v1={openssl_answer.group(1)}" == sign(body, example["secret"], timestamp)


async def test_the_worked_example_request_is_accepted_as_sent(hotel: Hotel) -> None:
    example = worked_example()
    assert example["secret"] == SECRET
    timestamp = int(example["timestamp"])
    then = FakeClock(datetime.fromtimestamp(timestamp + 2, UTC))
    app = create_app(lambda: hotel.connector, hotel.settings.webhook, clock=then,
                     registry=CollectorRegistry())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://connector") as http:
        response = await http.post("/v1/pms/events", content=example["body"].encode(), headers={
            **JSON, "X-Connector-Timestamp": example["timestamp"],
            "X-Connector-Signature": example["header"].split(": ", 1)[1],
        })

    assert response.status_code == 202, response.text


def documented_json() -> list[Any]:
    return [json.loads(block) for block in blocks("json")]


def is_request(value: Any) -> bool:
    """An event or a batch of them (answers have no `occurred_at`)."""
    return "occurred_at" in value or (
        "events" in value and all("occurred_at" in event for event in value["events"]))


async def test_every_request_example_is_accepted(hotel: Hotel) -> None:
    requests = [value for value in documented_json() if is_request(value)]

    answers = [await hotel.send(value) for value in requests]

    assert len(requests) >= len(EVENT_TYPES) + 1
    assert [(a.status_code, a.text) for a in answers if a.status_code != 202] == []


def test_every_event_type_has_an_example() -> None:
    shown = {value["type"] for value in documented_json() if "occurred_at" in value}
    assert shown == set(EVENT_TYPES)


async def test_the_error_example_is_what_the_api_answers(hotel: Hotel) -> None:
    (documented,) = [value for value in documented_json() if isinstance(value.get("error"), dict)]

    response = await hotel.send({"events": [check_in("101"), check_in("999")]})

    assert response.json() == documented


def test_every_error_code_is_documented_with_its_status() -> None:
    missing = [f"{status} `{code}`" for code, (status, _) in CODES.items()
               if f"| {status} | `{code}` |" not in DOC]
    assert not missing, f"docs/webhook.md does not list {missing}"
    listed = set(re.findall(r"^\| \d{3} \| `([a-z_]+)` \|", DOC, flags=re.MULTILINE))
    assert listed == set(CODES)


def test_every_webhook_setting_named_in_the_doc_exists() -> None:
    known = {env_name(("webhook", name)) for name in WebhookSettings.model_fields}
    named = set(re.findall(r"CONNECTOR_WEBHOOK__[A-Z_]+", DOC))
    assert named <= known and known <= named
