"""The deployment files must agree with the code they deploy (the Kubernetes overlays:
tests/deploy)."""

from __future__ import annotations

from pathlib import Path

import httpx

from connector.settings import Settings
from tests.docs.test_docs_match_the_code import _leaf_names
from tests.serve.test_serve import Running, running  # noqa: F401 - the fixture
from tests.support.alert_rules import Alerts, load_rules, scrape
from tests.support.waiting import until

ROOT = Path(__file__).resolve().parents[2]


def test_every_variable_the_dockerfile_sets_is_one_the_connector_reads() -> None:
    known = set(_leaf_names(Settings))
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    set_here = {word.split("=")[0] for word in dockerfile.split() if word.startswith("CONNECTOR_")}
    assert set_here and set_here <= known, f"unknown: {set_here - known}"


# The Kubernetes manifests (one overlay per hotel) are rendered and checked in tests/deploy.


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
