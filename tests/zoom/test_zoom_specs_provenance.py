"""The copies of Zoom's specs the tests check against are the ones their README says they are."""

from __future__ import annotations

import gzip
import hashlib
import re

from tests.zoom_spec import SPEC_DIR, SPEC_FILES

README = (SPEC_DIR / "README.md").read_text("utf-8")
# A table row: | file | what | from | sha256 of the JSON |
_ROW_RE = re.compile(r"^\| (\S+\.json\.gz) \|.*\| ([0-9a-f]{64}) \|$", re.MULTILINE)


def test_every_carried_spec_has_a_readme_row_naming_its_source_and_checksum() -> None:
    rows = dict(_ROW_RE.findall(README))
    carried = sorted(path.name for path in SPEC_DIR.glob("*.gz"))

    assert sorted(rows) == carried
    for name, checksum in rows.items():
        with gzip.open(SPEC_DIR / name, "rb") as document:
            assert hashlib.sha256(document.read()).hexdigest() == checksum, name


def test_every_spec_the_oracle_reads_is_carried() -> None:
    assert {f"{name}.gz" for name in SPEC_FILES} <= {path.name for path in SPEC_DIR.glob("*.gz")}
