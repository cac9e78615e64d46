from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.scenarios.hotel import Hotel, open_hotel


@pytest.fixture
async def hotel(tmp_path: Path) -> AsyncIterator[Hotel]:
    async with open_hotel(tmp_path) as opened:
        yield opened
