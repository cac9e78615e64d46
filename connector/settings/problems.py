"""Turn pydantic's validation errors into one line per problem a hotel's IT person can act on."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from connector.settings.model import ENV_NESTED_DELIMITER, ENV_PREFIX


def env_name(loc: Sequence[str | int]) -> str:
    """`("zoom", "plan")` → `CONNECTOR_ZOOM__PLAN`."""
    return ENV_PREFIX + ENV_NESTED_DELIMITER.join(str(part).upper() for part in loc)


def _field_at(model: type[BaseModel], loc: Sequence[str | int]) -> Any:
    info = None
    current: Any = model
    for part in loc:
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            return None
        info = fields[part]
        current = info.annotation
    return info


def _example_for(model: type[BaseModel], loc: Sequence[str | int]) -> str | None:
    info = _field_at(model, loc)
    extra = getattr(info, "json_schema_extra", None)
    if isinstance(extra, dict) and extra.get("examples"):
        return str(extra["examples"][0])
    return None


def _missing_leaves(
    model: type[BaseModel], loc: tuple[str | int, ...]
) -> Iterable[tuple[str | int, ...]]:
    """A whole group that is missing stands for each of its required fields."""
    info = _field_at(model, loc)
    nested = getattr(getattr(info, "annotation", None), "model_fields", None)
    if not nested:
        yield loc
        return
    for name, field in nested.items():
        if field.is_required():
            yield from _missing_leaves(model, (*loc, name))


def describe(error: ValidationError, model: type[BaseModel]) -> list[str]:
    """One message per problem: which variable, what was wrong, a valid example."""
    messages: list[str] = []
    for problem in error.errors(include_url=False):
        loc = tuple(problem["loc"])
        missing = problem["type"] == "missing"
        leaves = list(_missing_leaves(model, loc)) if missing else [loc]
        for leaf in leaves:
            if not leaf:
                # A rule across settings: its message names the variables, and its input is
                # every setting, secrets included: never shown.
                messages.append(problem["msg"].removeprefix("Value error, "))
                continue
            name = env_name(leaf)
            if problem["type"] == "missing":
                what = "is required but not set"
            else:
                given = problem.get("input")
                shown = "" if _is_secret(leaf) else f" (got {given!r})"
                what = f"{_reason(problem['msg'])}{shown}"
            example = _example_for(model, leaf)
            hint = f"; for example {name}={example}" if example else ""
            messages.append(f"{name}: {what}{hint}")
    return messages


def _reason(msg: str) -> str:
    msg = msg.removeprefix("Value error, ")
    return msg[0].lower() + msg[1:] if msg else msg


def _is_secret(loc: Sequence[str | int]) -> bool:
    return any("secret" in str(part) or "password" in str(part) for part in loc)
