"""The room-phone services answering a real SIP line, reporting to a PMS: the FIAS simulator
on a socket, or a webhook receiver (signed callbacks) served by uvicorn."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import SecretStr

from connector.pms.reporter_channels import CallbackChannel, FiasChannel
from connector.sandbox.fias_pms import FiasPms
from connector.voice.library import PromptLibrary
from tests.fias.conftest import make_pms, running_client
from tests.reporter.receiver import SECRET, Receiver, serving
from tests.sip.ivr.room_phones import RoomPhones, room_phones
from tests.sip.peers.kamailio import Kamailio

# Lines 1091-1092: no other SIP test registers them, so a call is never sent to a stale pool.
FIAS_LINE, WEBHOOK_LINE = 1091, 1092


@dataclass
class FiasHotel:
    phones: RoomPhones
    pms: FiasPms


@dataclass
class WebhookHotel:
    phones: RoomPhones
    pms: Receiver


@pytest.fixture(scope="session")
def prompt_library() -> PromptLibrary:
    """The shipped English prompts (read once: converting them takes a moment)."""
    return PromptLibrary.load(None, "en")


@pytest.fixture
async def fias_hotel(kamailio: Kamailio, tmp_path: Path,
                     prompt_library: PromptLibrary) -> AsyncIterator[FiasHotel]:
    """Room phones answered on line 1091, reporting over a FIAS link to the PMS simulator."""
    pms = make_pms()
    port = await pms.serve()
    try:
        async with running_client(port) as client, room_phones(
                kamailio, tmp_path / "connector.sqlite3", prompt_library, line=FIAS_LINE,
                channel=FiasChannel(client), link=client) as phones:
            yield FiasHotel(phones, pms)
    finally:
        await pms.close()


@pytest.fixture
async def webhook_hotel(kamailio: Kamailio, tmp_path: Path,
                        prompt_library: PromptLibrary) -> AsyncIterator[WebhookHotel]:
    """Room phones answered on line 1092, reporting by signed callback to a webhook PMS."""
    async with serving(Receiver()) as pms:
        channel = CallbackChannel(pms.url, (SecretStr(SECRET),), timeout=2, retry_max=3,
                                  backoff=0.01, backoff_max=0.05)
        async with room_phones(kamailio, tmp_path / "connector.sqlite3", prompt_library,
                               line=WEBHOOK_LINE, channel=channel) as phones:
            yield WebhookHotel(phones, pms)
