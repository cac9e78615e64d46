"""A clone of the repository is all a hotel's IT person or a new contributor has: no test, tool
or CI step may read a file beside it (such as `../shared/`). `.ci/run` also runs the suite from
a clone in an empty folder; this check names the offending line in a second, without one.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CODE_DIRS = ("connector", "tests", "bench")
# Walking up with "../", or naming the reference folder that lives beside the repo.
_OUTSIDE_RE = re.compile(r"(^|/)\.\./|shared/reference")


def _climb(node: ast.expr) -> int | None:
    """How many folders `node` climbs from `Path(__file__)`, or None if it does not start there.

    `.parent` climbs one, `.parents[k]` climbs k + 1; `.resolve()` and `.absolute()` climb none.
    """
    if isinstance(node, ast.Call):
        if (
            isinstance(node.func, ast.Name)
            and node.func.id == "Path"
            and len(node.args) == 1
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id == "__file__"
        ):
            return 0
        if isinstance(node.func, ast.Attribute) and node.func.attr in ("resolve", "absolute"):
            return _climb(node.func.value)
        return None
    if isinstance(node, ast.Attribute) and node.attr == "parent":
        below = _climb(node.value)
        return None if below is None else below + 1
    if (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "parents"
        and isinstance(node.slice, ast.Constant)
        and isinstance(node.slice.value, int)
    ):
        below = _climb(node.value.value)
        return None if below is None else below + node.slice.value + 1
    return None


def _docstrings(tree: ast.Module) -> set[int]:
    """The ids of the string constants that are docstrings (prose may cite outside sources)."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def reads_outside(source: str, depth: int) -> list[int]:
    """Lines of a Python file, `depth` folders below the repo root, that point outside the repo.

    Caught: `Path(__file__)` climbing above the root, a path joined with `".."`, a string literal
    that walks up with `../`, and one naming `shared/reference`. Docstrings and comments are
    prose and not checked.
    """
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.expr) and not isinstance(node, ast.Call | ast.Constant):
            climbed = _climb(node)
            # The file's own folder is one climb up; the root is `depth` more.
            if climbed is not None and climbed > depth + 1:
                lines.add(node.lineno)
        if (
            isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.Div)
            and any(
                isinstance(side, ast.Constant) and side.value == ".."
                for side in (node.left, node.right)
            )
        ):
            lines.add(node.lineno)
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and _OUTSIDE_RE.search(node.value)
        ):
            lines.add(node.lineno)
    return sorted(lines)


def _python_files() -> Iterator[Path]:
    """Every Python file of the code, the tests and the tools, but this checker's examples."""
    this = Path(__file__).resolve()
    for folder in CODE_DIRS:
        yield from (path for path in sorted((ROOT / folder).rglob("*.py")) if path != this)


def test_no_test_or_tool_reads_beside_the_repository() -> None:
    offenders = []
    for path in _python_files():
        relative = path.relative_to(ROOT)
        for line in reads_outside(path.read_text("utf-8"), depth=len(relative.parts) - 1):
            offenders.append(f"{relative}:{line}")
    assert offenders == []


def test_ci_reads_nothing_beside_the_repository() -> None:
    for script in sorted((ROOT / ".ci").iterdir()):
        assert "../shared" not in script.read_text("utf-8"), script.name
        assert "shared/reference" not in script.read_text("utf-8"), script.name


def test_the_old_way_of_finding_zoom_specs_is_caught() -> None:
    old = (
        'SPEC_DIR = (\n'
        '    Path(__file__).resolve().parents[1].parent / "shared" / "reference" / "zoom-openapi"\n'
        ')\n'
    )
    assert reads_outside(old, depth=1) == [2]


def test_a_string_that_walks_up_beside_the_repo_is_caught() -> None:
    assert reads_outside('SPECS = Path("../shared/reference/zoom-openapi")\n', depth=1) == [1]
    assert reads_outside('DOC = ROOT / ".." / "notes.md"\n', depth=1) == [1]


def test_finding_a_file_inside_the_repo_is_allowed() -> None:
    allowed = (
        '"""Specs from ../shared/reference, once."""\n'
        'ROOT = Path(__file__).resolve().parents[2]\n'
        'SPECS = Path(__file__).parent / "zoom_specs"\n'
        'SRC = Path(__file__).resolve().parent.parent\n'
    )
    assert reads_outside(allowed, depth=2) == []
