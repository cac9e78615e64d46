"""Every runtime dependency a hotel installs is one the connector imports: an unused one only
costs install time, disk and a supply-chain risk in every hotel's deployment.
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Iterable, Mapping
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# PEP 508: the distribution name leads a requirement ("pydantic-settings>=2.2; python_version…").
_NAME_RE = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _normalized(name: str) -> str:
    """A distribution name as PEP 503 compares them (`Pydantic_Settings` is `pydantic-settings`)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def imported_modules(sources: Iterable[str]) -> set[str]:
    """The top-level modules that Python sources import, wherever the import sits (a function
    that imports a part only when it is switched on still counts); relative imports are ours."""
    found: set[str] = set()
    for source in sources:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                found.update(alias.name.partition(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.partition(".")[0])
    return found


def unused_dependencies(
    requirements: Iterable[str],
    imported: set[str],
    providers: Mapping[str, list[str]],
) -> list[str]:
    """The declared distributions none of whose modules is imported.

    `providers` maps a module to the distributions that install it (as
    `importlib.metadata.packages_distributions()` does); a distribution it does not know (not
    installed) is taken to install the module of its own name, `-` read as `_`.
    """
    modules_of: dict[str, set[str]] = {}
    for module, distributions in providers.items():
        for distribution in distributions:
            modules_of.setdefault(_normalized(distribution), set()).add(module)
    unused = []
    for requirement in requirements:
        match = _NAME_RE.match(requirement)
        assert match, f"not a requirement: {requirement!r}"
        name = _normalized(match.group(1))
        modules = modules_of.get(name, {name.replace("-", "_")})
        if not modules & imported:
            unused.append(match.group(1))
    return unused


def test_every_runtime_dependency_is_imported_by_the_connector() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    sources = (path.read_text("utf-8") for path in (ROOT / "connector").rglob("*.py"))

    unused = unused_dependencies(
        project["dependencies"], imported_modules(sources), packages_distributions()
    )

    assert unused == [], f"declared in pyproject.toml but never imported by connector/: {unused}"


def test_a_declared_sip_parser_nobody_imports_is_named() -> None:
    code = "from connector.sip import message\nimport pylibsrtp\n"

    unused = unused_dependencies(
        ["sipmessage>=0.7", "pylibsrtp>=1.0  # SDES-SRTP"],
        imported_modules([code]),
        {"pylibsrtp": ["pylibsrtp"]},
    )

    assert unused == ["sipmessage"]


def test_a_distribution_is_matched_to_the_module_it_installs() -> None:
    code = "def sign_in():\n    from authlib.integrations.httpx_client import AsyncOAuth2Client\n"

    assert unused_dependencies(
        ["Authlib>=1.3", "prometheus-client>=0.20"],
        imported_modules([code, "from prometheus_client import Counter\n"]),
        {"authlib": ["Authlib"]},
    ) == []
