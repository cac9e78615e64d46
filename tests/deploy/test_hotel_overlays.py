"""Every hotel's overlay renders to objects Kubernetes accepts, runs one connector that reads
the settings the overlay gives it, and never a second one: two pods of one hotel, or two
hotels on one pod or store, are prevented by the manifests themselves."""

from __future__ import annotations

import copy
import fnmatch
import os
import re
import shutil
from pathlib import Path

import pytest

from connector.rooms.room_map import parse_room_csv
from connector.settings import Settings, SettingsError, load_settings
from connector.settings.cloud_pms import PmsKind
from connector.settings.model import ENV_PREFIX, WebhookSettings
from connector.web.app import create_app
from tests import k8s_spec
from tests.deploy import one_writer
from tests.deploy.render import (
    HOTELS_DIR,
    ROOT,
    SECRETS_EXAMPLE,
    SECRETS_FILE,
    Doc,
    container,
    copy_with_example_secrets,
    environment,
    environment_sources,
    hotels,
    mounted_file,
    pod_spec,
    render,
    require_kubectl,
    the,
)
from tests.docs.test_docs_match_the_code import _leaf_names

# The three example hotels of the group, and the PMS each one's settings choose.
EXAMPLES = {"harbour-view": PmsKind.FIAS, "alpine-lodge": PmsKind.WEBHOOK,
            "city-loft": PmsKind.CLOUDBEDS}
# What a hotel's overlay may make: anything else (a Deployment, an autoscaler, ...) fails.
ALLOWED_KINDS = {"StatefulSet", "Service", "ConfigMap", "Secret"}


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_with_example_secrets(tmp_path_factory.mktemp("deploy"))


@pytest.fixture(scope="module")
def rendered(tree: Path) -> dict[str, list[Doc]]:
    kubectl = require_kubectl()
    return {hotel: render(kubectl, tree / "hotels" / hotel) for hotel in hotels()}


def _load(env: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Settings:
    """The settings a pod with `env` (and nothing else) starts with."""
    for name in [n for n in os.environ if n.startswith(ENV_PREFIX)]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    return load_settings()


def test_the_group_has_its_three_example_hotels() -> None:
    assert set(EXAMPLES) <= set(hotels())


def test_every_hotel_renders_to_objects_kubernetes_accepts(
        rendered: dict[str, list[Doc]]) -> None:
    for hotel, docs in rendered.items():
        assert {d["kind"] for d in docs} <= ALLOWED_KINDS, hotel
        for doc in docs:
            k8s_spec.validate(doc)


def test_the_schema_check_catches_a_misspelt_field(rendered: dict[str, list[Doc]]) -> None:
    sts = copy.deepcopy(the(rendered["harbour-view"], "StatefulSet"))
    box = sts["spec"]["template"]["spec"]["containers"][0]
    box["readinesProbe"] = box.pop("readinessProbe")
    with pytest.raises(k8s_spec.ManifestViolation, match="readinesProbe"):
        k8s_spec.validate(sts)


def test_one_writer_per_hotel(rendered: dict[str, list[Doc]]) -> None:
    assert one_writer.problems(rendered) == []
    for hotel, docs in rendered.items():
        assert re.fullmatch(r"[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?", hotel), "a DNS label, <= 42"
        sts = the(docs, "StatefulSet")
        assert sts["spec"]["replicas"] == 1
        assert sts["metadata"]["name"].startswith(f"{hotel}-")
        assert all(d["metadata"]["labels"]["hotel"] == hotel for d in docs)


def test_two_pods_of_one_hotel_are_refused(rendered: dict[str, list[Doc]]) -> None:
    scaled = copy.deepcopy(rendered)
    the(scaled["alpine-lodge"], "StatefulSet")["spec"]["replicas"] = 2
    assert one_writer.problems(scaled) == ["alpine-lodge: replicas 2, must be exactly 1"]

    # The same pod as a Deployment beside it: a partition could run both.
    deployment = copy.deepcopy(the(rendered["alpine-lodge"], "StatefulSet"))
    deployment.update(kind="Deployment")
    scaled = {**rendered, "alpine-lodge": [*rendered["alpine-lodge"], deployment]}
    assert "alpine-lodge: a Deployment (pods beside the StatefulSet's)" in (
        one_writer.problems(scaled))

    autoscaled = {**rendered, "alpine-lodge": [*rendered["alpine-lodge"], {
        "kind": "HorizontalPodAutoscaler", "metadata": {"name": "alpine-lodge-connector"}}]}
    assert "alpine-lodge: a HorizontalPodAutoscaler could scale it" in (
        one_writer.problems(autoscaled))


def test_two_hotels_never_share_a_pod_or_a_store(rendered: dict[str, list[Doc]]) -> None:
    # A second hotel copied from the first without changing its name prefix or label.
    twin = copy.deepcopy(rendered["harbour-view"])
    found = one_writer.problems({"harbour-view": rendered["harbour-view"], "twin": twin})
    assert "the claim store-harbour-view-connector-0 is both harbour-view's and twin's" in found
    assert "StatefulSet harbour-view-connector is both harbour-view's and twin's" in found
    assert any("Service harbour-view-connector selects the pods of ['harbour-view', 'twin']"
               in problem for problem in found)


def test_the_store_is_on_the_hotels_own_claim(rendered: dict[str, list[Doc]]) -> None:
    for hotel, docs in rendered.items():
        env = environment(docs)
        volume, _ = mounted_file(docs, env["CONNECTOR_STORE__PATH"])
        claims = the(docs, "StatefulSet")["spec"]["volumeClaimTemplates"]
        assert volume in {c["metadata"]["name"] for c in claims}, hotel


def test_every_file_a_setting_names_is_on_a_volume(rendered: dict[str, list[Doc]]) -> None:
    for docs in rendered.values():
        for value in environment(docs).values():
            if value.startswith("/"):
                mounted_file(docs, value)  # fails naming the path if no volume holds it


def test_every_variable_set_is_one_the_connector_reads(rendered: dict[str, list[Doc]]) -> None:
    known = set(_leaf_names(Settings))
    for hotel, docs in rendered.items():
        assert set(environment(docs)) - known == set(), hotel


def test_secrets_come_from_the_secret_never_the_config_map(
        rendered: dict[str, list[Doc]]) -> None:
    secret_names = {name for name in _leaf_names(Settings)
                    if "SecretStr" in str(_field_annotation(name))}
    assert "CONNECTOR_ZOOM__CLIENT_SECRET" in secret_names
    for hotel, docs in rendered.items():
        origin = environment_sources(docs)
        in_config = sorted(n for n in secret_names if "ConfigMap" in origin.get(n, set()))
        assert in_config == [], f"{hotel} puts secrets in its ConfigMap"


def _field_annotation(env: str) -> object:
    """The type of the setting `env` names (CONNECTOR_GROUP__NAME)."""
    group, name = env.removeprefix(ENV_PREFIX).lower().split("__")
    return Settings.model_fields[group].annotation.model_fields[name].annotation  # type: ignore[union-attr]


def test_each_hotels_settings_load_as_its_pod_would(
        rendered: dict[str, list[Doc]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for hotel, docs in rendered.items():
        settings = _load(environment(docs), monkeypatch, tmp_path)
        if hotel in EXAMPLES:
            assert settings.pms_kind() is EXAMPLES[hotel], hotel
        assert settings.server.port == container(docs)["ports"][0]["containerPort"]
        assert settings.server.host == "0.0.0.0"  # the Services reach it from outside the pod
        assert settings.rooms.map_file is not None
        _, text = mounted_file(docs, str(settings.rooms.map_file))
        assert text is not None and len(parse_room_csv(text)) > 0, hotel


def test_an_overlay_the_connector_would_refuse_fails(
        tree: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # City Loft's IT person forgot the address Cloudbeds sends webhooks to.
    overlay = tmp_path / "kubernetes"
    shutil.copytree(tree, overlay)
    settings_env = overlay / "hotels" / "city-loft" / "settings.env"
    settings_env.write_text("".join(line for line in settings_env.read_text().splitlines(True)
                                    if not line.startswith("CONNECTOR_CLOUDBEDS__PUBLIC_URL")))
    docs = render(require_kubectl(), overlay / "hotels" / "city-loft")
    with pytest.raises(SettingsError, match="CONNECTOR_CLOUDBEDS__PUBLIC_URL"):
        _load(environment(docs), monkeypatch, tmp_path)


def test_the_probes_point_at_paths_the_web_app_serves(rendered: dict[str, list[Doc]]) -> None:
    paths = set(create_app(lambda: None, WebhookSettings()).state.openapi.schema()["paths"])
    for docs in rendered.values():
        box = container(docs)
        ports = {p["name"] for p in box["ports"]}
        for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
            assert box[probe]["httpGet"]["path"] in paths, probe
            assert box[probe]["httpGet"]["port"] in ports, probe
        assert box["readinessProbe"]["httpGet"]["path"] == "/readyz"


def test_the_pod_runs_as_a_user_on_a_read_only_root(rendered: dict[str, list[Doc]]) -> None:
    for docs in rendered.values():
        assert pod_spec(docs)["securityContext"]["runAsNonRoot"] is True
        assert container(docs)["securityContext"]["readOnlyRootFilesystem"] is True
        assert {m["mountPath"] for m in container(docs)["volumeMounts"]} >= {"/tmp"}


def test_each_hotels_secrets_file_has_an_example_and_is_never_committed() -> None:
    ignored = [line.strip() for line in (ROOT / ".gitignore").read_text().splitlines()]
    for hotel in hotels():
        assert (HOTELS_DIR / hotel / SECRETS_EXAMPLE).is_file(), hotel
        path = f"deploy/kubernetes/hotels/{hotel}/{SECRETS_FILE}"
        assert any(fnmatch.fnmatch(path, pattern) for pattern in ignored), path
