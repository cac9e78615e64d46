"""Which features the granted scopes allow (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from connector.zoom.catalogue import ENDPOINTS, FEATURE_DESCRIPTIONS, Endpoint, Feature


@dataclass(frozen=True)
class ScopeReport:
    """What the token's scopes allow. `granted` is None when Zoom did not say."""

    granted: frozenset[str] | None
    missing_required: tuple[str, ...] = ()
    disabled: dict[Feature, tuple[str, ...]] = field(default_factory=dict)

    def enabled(self, feature: Feature) -> bool:
        return feature not in self.disabled

    def allows(self, endpoint: Endpoint) -> bool:
        return self.granted is None or bool(endpoint.scopes & self.granted)

    def describe_disabled(self) -> list[str]:
        """One line per feature that is off, saying why."""
        return [
            f"{FEATURE_DESCRIPTIONS[feature]} is OFF: the Zoom app lacks "
            + ", ".join(scopes)
            for feature, scopes in self.disabled.items()
        ]


def evaluate_scopes(
    granted: frozenset[str] | None, endpoints: Iterable[Endpoint] = ENDPOINTS
) -> ScopeReport:
    """Sort the catalogue's endpoints into what is allowed; a feature needs all of its own."""
    if granted is None:
        return ScopeReport(granted=None)
    missing: dict[Feature, list[str]] = {}
    for endpoint in endpoints:
        if not endpoint.scopes & granted:
            scopes = missing.setdefault(endpoint.feature, [])
            if endpoint.admin_scope not in scopes:
                scopes.append(endpoint.admin_scope)
    required = tuple(missing.pop(Feature.CORE, []))
    return ScopeReport(
        granted=granted,
        missing_required=required,
        disabled={feature: tuple(scopes) for feature, scopes in missing.items()},
    )
