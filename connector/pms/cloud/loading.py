"""Finding the vendor's adapter: each cloud PMS is its own package (`connector.pms.ohip`,
`connector.pms.cloudbeds`), imported only when CONNECTOR_PMS__KIND names it."""

from __future__ import annotations

import importlib
from datetime import tzinfo
from typing import TYPE_CHECKING, cast

from connector.pms.cloud.contract import BuildAdapter, CloudPms

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry

    from connector.clock import Clock
    from connector.settings import Settings
    from connector.settings.cloud_pms import PmsKind


def build_adapter(settings: Settings, kind: PmsKind, *, tz: tzinfo, clock: Clock,
                  registry: CollectorRegistry) -> CloudPms:
    """The adapter of the cloud PMS `kind` (ohip, cloudbeds), built from the settings."""
    package = importlib.import_module(f"connector.pms.{kind.value}")
    build = cast(BuildAdapter, package.build)
    return build(settings, tz=tz, clock=clock, registry=registry)
