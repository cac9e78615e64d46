"""Render a hotel's Kustomize overlay as `kubectl apply -k` would, and read what a pod of it
gets: its container, its environment, the files its volumes hold.

A hotel's secrets.env is never committed: rendering uses a copy of `deploy/kubernetes` in
which every hotel's secrets.env is its secrets.env.example (a developer's real secrets.env is
left out of the copy, so no test reads it).
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
KUBERNETES = ROOT / "deploy" / "kubernetes"
HOTELS_DIR = KUBERNETES / "hotels"
SECRETS_FILE = "secrets.env"
SECRETS_EXAMPLE = "secrets.env.example"

Doc = dict[str, Any]


def hotels() -> list[str]:
    """Every hotel that has an overlay (a folder under deploy/kubernetes/hotels/)."""
    return sorted(p.name for p in HOTELS_DIR.iterdir() if (p / "kustomization.yaml").is_file())


def require_kubectl() -> str:
    """kubectl's path; skips without it, except in CI (CI=true or CONNECTOR_REQUIRE_SIP_PEERS=1,
    which .ci/run sets), where a missing kubectl fails the test."""
    path = shutil.which("kubectl")
    if path is None:
        reason = "kubectl is not installed (Debian package kubernetes-client)"
        if os.environ.get("CI") == "true" or os.environ.get("CONNECTOR_REQUIRE_SIP_PEERS") == "1":
            pytest.fail(f"{reason}, and CI requires it")
        pytest.skip(reason)
    return path


def copy_with_example_secrets(into: Path) -> Path:
    """A copy of deploy/kubernetes under `into`, each hotel's secrets from its example."""
    copy = into / "kubernetes"
    shutil.copytree(KUBERNETES, copy, ignore=shutil.ignore_patterns(SECRETS_FILE))
    for hotel in (copy / "hotels").iterdir():
        example = hotel / SECRETS_EXAMPLE
        if example.is_file():
            shutil.copyfile(example, hotel / SECRETS_FILE)
    return copy


def render(kubectl: str, overlay: Path) -> list[Doc]:
    """The objects `kubectl kustomize <overlay>` prints (AssertionError with its message if
    kustomize refuses the overlay)."""
    done = subprocess.run([kubectl, "kustomize", str(overlay)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, f"kubectl kustomize {overlay.name}: {done.stderr.strip()}"
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


def the(docs: list[Doc], kind: str) -> Doc:
    """The one object of `kind` (AssertionError when there are none or several)."""
    found = [d for d in docs if d["kind"] == kind]
    assert len(found) == 1, f"{len(found)} {kind} objects, expected one"
    return found[0]


def pod_spec(docs: list[Doc]) -> Doc:
    """The pod template's spec of the hotel's StatefulSet."""
    spec: Doc = the(docs, "StatefulSet")["spec"]["template"]["spec"]
    return spec


def container(docs: list[Doc]) -> Doc:
    """The connector's container."""
    containers = pod_spec(docs)["containers"]
    assert len(containers) == 1, "one container: the connector"
    found: Doc = containers[0]
    return found


def _named(docs: list[Doc], kind: str, name: str) -> Doc:
    found = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name]
    assert found, f"the container refers to {kind} {name}, which the overlay does not make"
    return found[0]


def data_of(doc: Doc) -> dict[str, str]:
    """A ConfigMap's or Secret's entries as text (a Secret's data decoded)."""
    entries = dict(doc.get("stringData") or {})
    for key, value in (doc.get("data") or {}).items():
        entries[key] = base64.b64decode(value).decode() if doc["kind"] == "Secret" else value
    return entries


def environment(docs: list[Doc]) -> dict[str, str]:
    """The variables the connector's container starts with (from envFrom, then env)."""
    env: dict[str, str] = {}
    box = container(docs)
    for source in box.get("envFrom", []):
        if "configMapRef" in source:
            env.update(data_of(_named(docs, "ConfigMap", source["configMapRef"]["name"])))
        if "secretRef" in source:
            env.update(data_of(_named(docs, "Secret", source["secretRef"]["name"])))
    for entry in box.get("env", []):
        env[entry["name"]] = entry.get("value", "")
    return env


def environment_sources(docs: list[Doc]) -> dict[str, set[str]]:
    """The kinds (ConfigMap, Secret) each variable of the container is set in."""
    origin: dict[str, set[str]] = {}
    for source in container(docs).get("envFrom", []):
        for key, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
            if key in source:
                for name in data_of(_named(docs, kind, source[key]["name"])):
                    origin.setdefault(name, set()).add(kind)
    return origin


def mounted_file(docs: list[Doc], path: str) -> tuple[str, str | None]:
    """Where `path` lives in the pod: the volume's name and, for a ConfigMap or Secret volume,
    the file's text (None for other volumes). AssertionError when no volume holds it."""
    mounts = sorted(container(docs).get("volumeMounts", []), key=lambda m: -len(m["mountPath"]))
    mount = next((m for m in mounts if path.startswith(m["mountPath"].rstrip("/") + "/")), None)
    assert mount is not None, f"{path} is on no volume (the root filesystem is read-only)"
    # A volume the pod spec does not list comes from a volume claim template.
    volume = {v["name"]: v for v in pod_spec(docs).get("volumes", [])}.get(mount["name"], {})
    inside = path[len(mount["mountPath"].rstrip("/")) + 1:]
    for key, kind in (("configMap", "ConfigMap"), ("secret", "Secret")):
        if key in volume:
            name = volume[key].get("name") or volume[key].get("secretName")
            files = data_of(_named(docs, kind, name))
            assert inside in files, f"{path}: {kind} {name} has no {inside}"
            return mount["name"], files[inside]
    return mount["name"], None
