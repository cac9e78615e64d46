"""The account's parts (deploy/kubernetes/account/) render to objects Kubernetes accepts, run
the commands the CLI has with settings the code reads, and route to the group's hotels."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from connector.account.group import parse_yaml
from connector.account.run import group_of, intake_config
from connector.cli import _COMMANDS
from connector.settings import Settings, load_settings
from connector.settings.model import ENV_PREFIX
from tests import k8s_spec
from tests.deploy.render import (
    KUBERNETES,
    SECRETS_EXAMPLE,
    SECRETS_FILE,
    Doc,
    data_of,
    hotels,
    render,
    require_kubectl,
)
from tests.docs.test_docs_match_the_code import _leaf_names


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> list[Doc]:
    kubectl = require_kubectl()
    overlay = tmp_path_factory.mktemp("deploy") / "account"
    shutil.copytree(KUBERNETES / "account", overlay,
                    ignore=shutil.ignore_patterns(SECRETS_FILE))
    shutil.copyfile(overlay / SECRETS_EXAMPLE, overlay / SECRETS_FILE)
    return render(kubectl, overlay)


def _deployment(docs: list[Doc], name: str) -> Doc:
    found: Doc = next(d for d in docs if d["kind"] == "Deployment"
                      and d["metadata"]["name"] == f"account-{name}")
    return found


def _env(docs: list[Doc], box: Doc) -> dict[str, str]:
    env: dict[str, str] = {}
    for source in box.get("envFrom", []):
        for key, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
            if key in source:
                env.update(data_of(next(d for d in docs if d["kind"] == kind
                                        and d["metadata"]["name"] == source[key]["name"])))
    return env


def _group_text(docs: list[Doc]) -> str:
    group_map = next(d for d in docs if d["kind"] == "ConfigMap"
                     and d["metadata"]["name"].startswith("account-group-"))
    text: str = data_of(group_map)["group.yaml"]
    return text


def test_the_account_renders_to_objects_kubernetes_accepts(docs: list[Doc]) -> None:
    for doc in docs:
        k8s_spec.validate(doc)
    assert {d["kind"] for d in docs} == {"Deployment", "Service", "ConfigMap", "Secret"}


def test_the_intake_and_the_worker_run_the_clis_commands_with_settings_it_reads(
        docs: list[Doc], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    known = set(_leaf_names(Settings))
    for name in ("intake", "worker"):
        box: Any = _deployment(docs, name)["spec"]["template"]["spec"]["containers"][0]
        assert box["args"][0] in _COMMANDS
        env = _env(docs, box)
        assert set(env) <= known, set(env) - known
    group_file = tmp_path / "group.yaml"
    group_file.write_text(_group_text(docs))
    for name in [n for n in os.environ if n.startswith(ENV_PREFIX)]:
        monkeypatch.delenv(name)
    for key, value in {**env, "CONNECTOR_ACCOUNT__GROUP_FILE": str(group_file)}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert intake_config(settings, group_of(settings)).group.hotels


def test_the_group_file_routes_to_every_hotels_own_service(docs: list[Doc]) -> None:
    group = parse_yaml(_group_text(docs))
    assert {h.hotel_id for h in group.hotels} == set(hotels())
    for hotel in group.hotels:
        # The hotel's overlay names its web door's Service <hotel>-connector (port 80).
        assert hotel.base_url == f"http://{hotel.hotel_id}-connector"


def test_the_worker_may_run_several_replicas_because_it_is_elected(docs: list[Doc]) -> None:
    assert _deployment(docs, "worker")["spec"]["replicas"] >= 2
    assert _deployment(docs, "intake")["spec"]["replicas"] >= 2
