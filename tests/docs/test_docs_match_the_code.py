"""The documents a hotel's IT person reads must say what the code does."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from connector.settings import Settings
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
