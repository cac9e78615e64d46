"""The documents a hotel's IT person reads must say what the code does."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from connector.pms.fias.config import DEFAULT_SUBSCRIPTIONS
from connector.settings import Settings
from connector.settings.cloud_pms import CloudbedsSettings
from connector.settings.model import FiasSettings
from connector.settings.problems import env_name
from connector.zoom.catalogue import ENDPOINTS

ROOT = Path(__file__).resolve().parents[2]


def _leaf_names(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> list[str]:
    names: list[str] = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names += _leaf_names(annotation, (*prefix, name))
        else:
            names.append(env_name((*prefix, name)))
    return names


def test_env_example_documents_every_setting() -> None:
    text = (ROOT / ".env.example").read_text()
    missing = [name for name in _leaf_names(Settings) if f"{name}=" not in text]
    assert not missing, f".env.example does not document {missing}"


def test_env_example_mentions_nothing_the_code_does_not_read() -> None:
    known = set(_leaf_names(Settings))
    lines = (ROOT / ".env.example").read_text().splitlines()
    mentioned = {
        line.lstrip("# ").split("=")[0]
        for line in lines
        if line.lstrip("# ").startswith("CONNECTOR_") and "=" in line
    }
    assert mentioned <= known, f"unknown variables in .env.example: {mentioned - known}"


def test_zoom_app_setup_lists_every_scope_the_connector_can_use() -> None:
    text = (ROOT / "docs" / "zoom-app-setup.md").read_text()
    missing = sorted({e.admin_scope for e in ENDPOINTS if f"`{e.admin_scope}`" not in text})
    assert not missing, f"docs/zoom-app-setup.md does not list {missing}"


def test_fias_doc_names_every_fias_setting() -> None:
    text = (ROOT / "docs" / "fias.md").read_text()
    names = [env_name(("fias", name)) for name in FiasSettings.model_fields]
    # The table abbreviates a group's later names as `..._NAME`.
    missing = [n for n in names if n not in text and f"..._{n.split('__')[1]}" not in text]
    assert not missing, f"docs/fias.md does not describe {missing}"


def test_cloudbeds_doc_names_every_cloudbeds_setting() -> None:
    text = (ROOT / "docs" / "pms-cloudbeds.md").read_text()
    names = [env_name(("cloudbeds", name)) for name in CloudbedsSettings.model_fields]
    missing = [name for name in names if f"`{name}`" not in text]
    assert not missing, f"docs/pms-cloudbeds.md does not describe {missing}"


def test_fias_doc_lists_every_subscription_as_sent() -> None:
    text = (ROOT / "docs" / "fias.md").read_text()
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    for subscription in DEFAULT_SUBSCRIPTIONS:
        row = next((r for r in rows if f"`{subscription.record_type}`" in r.split("|")[1]), None)
        assert row is not None, f"docs/fias.md has no LR row for {subscription.record_type}"
        assert row.split("|")[2].split() == list(subscription.fields), (
            f"docs/fias.md lists other fields for LR {subscription.record_type}")
