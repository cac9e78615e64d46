"""Fill the `{{name}}` placeholders of the peers' config and scenario templates.

Kamailio configs and sipp scenarios use `$` and `[...]` themselves, hence double braces.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

HERE = Path(__file__).parent
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


def render(text: str, values: Mapping[str, object]) -> str:
    """`text` with every placeholder replaced; a placeholder without a value is an error."""
    missing = sorted({name for name in _PLACEHOLDER.findall(text) if name not in values})
    if missing:
        raise KeyError(f"template values missing: {', '.join(missing)}")
    return _PLACEHOLDER.sub(lambda match: str(values[match.group(1)]), text)


def render_file(template: Path, values: Mapping[str, object], target: Path) -> Path:
    """Render a template file into `target` and return `target`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(template.read_text(), values))
    return target
