from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.web.pms import Hotel, open_hotel


@pytest.fixture
async def hotel(tmp_path: Path) -> AsyncIterator[Hotel]:
    """The demo hotel with its webhook open (secret `pms.SECRET`)."""
    async with open_hotel(tmp_path) as opened:
        yield opened
