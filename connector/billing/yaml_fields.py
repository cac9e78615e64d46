"""Reading a hand-written YAML file field by field, keeping each field's line, so that a
check can say "line 14, classes.mobile.per_minute: …" and go on to find the next problem.

Values are read from the YAML node tree, not from the loaded objects: a price written
`0.25` unquoted stays the text `0.25` (never a float), and a key written twice is a problem
instead of silently keeping the last.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml


class YamlUnreadable(ValueError):
    """The text is not YAML at all; the message names the line."""


@dataclass
class Problems:
    """Problems found so far, each with its line."""

    found: list[tuple[int, str]] = field(default_factory=list)

    def add(self, node: yaml.Node, where: str, message: str) -> None:
        self.found.append((node.start_mark.line + 1, f"{where}: {message}"))

    def in_file_order(self) -> list[str]:
        """Each problem as `line N, field: what is wrong`, top of the file first."""
        return [f"line {line}, {text}" for line, text in sorted(self.found,
                                                                key=lambda p: p[0])]


def compose(text: str) -> yaml.Node | None:
    """The document's node tree (None for an empty file)."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = f"line {mark.line + 1}: " if mark else ""
        raise YamlUnreadable(f"{line}not valid YAML: {error.problem or error}") from None
    except yaml.YAMLError as error:
        raise YamlUnreadable(f"not valid YAML: {error}") from None


def mapping(
    node: yaml.Node, where: str, problems: Problems
) -> dict[str, tuple[yaml.Node, yaml.Node]] | None:
    """A mapping's entries by key, each with its key's node and its value's node."""
    if not isinstance(node, yaml.MappingNode):
        problems.add(node, where, "must be a mapping of `name: value` lines")
        return None
    entries: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key, value in node.value:
        name = key.value if isinstance(key, yaml.ScalarNode) else None
        if not isinstance(name, str) or not name:
            problems.add(key, where, "every key must be a plain name")
        elif name in entries:
            first = entries[name][0].start_mark.line + 1
            problems.add(key, f"{where}.{name}", f"written twice (first on line {first})")
        else:
            entries[name] = (key, value)
    return entries


def scalar(node: yaml.Node, where: str, problems: Problems) -> str | None:
    """A single value as the text written in the file (quotes removed)."""
    if not isinstance(node, yaml.ScalarNode) or node.value == "":
        problems.add(node, where, "must be a single value")
        return None
    text: str = node.value
    return text.strip()


def sequence(node: yaml.Node, where: str, problems: Problems) -> list[yaml.Node] | None:
    """A list's items; one value alone is a list of one."""
    if isinstance(node, yaml.ScalarNode):
        return [node]
    if not isinstance(node, yaml.SequenceNode):
        problems.add(node, where, "must be a list")
        return None
    items: list[yaml.Node] = node.value
    return items
