"""The deployment files must agree with the code they deploy."""

from __future__ import annotations

from pathlib import Path

import httpx
import yaml

from connector.settings import Settings
from connector.settings.model import WebhookSettings
from connector.web.app import create_app
from tests.docs.test_docs_match_the_code import _leaf_names
from tests.serve.test_serve import Running, running  # noqa: F401 - the fixture
from tests.support.alert_rules import Alerts, load_rules, scrape
from tests.support.waiting import until

ROOT = Path(__file__).resolve().parents[2]


def _manifests() -> list[dict[str, object]]:
    text = (ROOT / "deploy" / "kubernetes" / "connector.yaml").read_text()
    return [doc for doc in yaml.safe_load_all(text) if doc]


def test_the_probes_point_at_paths_the_web_app_serves() -> None:
    paths = set(create_app(lambda: None, WebhookSettings()).state.openapi.schema()["paths"])
    deployment = next(d for d in _manifests() if d["kind"] == "Deployment")
    container = deployment["spec"]["template"]["spec"]["containers"][0]  # type: ignore[index]
    assert container["livenessProbe"]["httpGet"]["path"] in paths
    assert container["readinessProbe"]["httpGet"]["path"] in paths


def test_every_variable_the_manifests_set_is_one_the_connector_reads() -> None:
    known = set(_leaf_names(Settings))
    set_here: set[str] = set()
    for doc in _manifests():
        if doc["kind"] in ("ConfigMap", "Secret"):
            data = doc.get("data") or doc.get("stringData") or {}
            set_here |= {k for k in data if k.startswith("CONNECTOR_")}  # type: ignore[union-attr]
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    set_here |= {word.split("=")[0] for word in dockerfile.split() if word.startswith("CONNECTOR_")}
    assert set_here and set_here <= known, f"unknown: {set_here - known}"


def test_one_replica_and_never_two_writers_on_the_store() -> None:
    deployment = next(d for d in _manifests() if d["kind"] == "Deployment")
    assert deployment["spec"]["replicas"] == 1  # type: ignore[index]
    assert deployment["spec"]["strategy"]["type"] == "Recreate"  # type: ignore[index]


async def test_every_metric_the_alert_rules_name_is_served_by_a_running_connector(
    running: Running,  # noqa: F811 - the fixture imported above
) -> None:
    rules = load_rules(ROOT / "deploy" / "prometheus-rules.yaml")
    async with httpx.AsyncClient() as http:
        served = scrape((await http.get(f"{running.web}/metrics")).text)
    named = {rule.metric for rule in rules}
    assert named - set(served) == set(), "rules name metrics the connector does not serve"
    # A healthy hotel: the link is up, nothing waits, nothing fires.
    await until(lambda: running.service.fias is not None and running.service.fias.endpoint.is_up)
    async with httpx.AsyncClient() as http:
        healthy = scrape((await http.get(f"{running.web}/metrics")).text)
    assert Alerts(rules).evaluate(3600, healthy) == set()
