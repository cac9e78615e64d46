"""Real SIP peers on loopback as fixtures: Kamailio ("Zoom"), sipp phones, baresip.

Peers missing from the machine skip the tests that need them, unless
CONNECTOR_REQUIRE_SIP_PEERS=1 (CI), which fails them instead. tests/sip/peers/README.md
explains the peers, their ports and their logs.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from pathlib import Path

import pytest

from tests.sip.peers.baresip import Baresip, make_prompt_wav
from tests.sip.peers.certs import SipCerts, make_certs
from tests.sip.peers.kamailio import Kamailio, start_kamailio
from tests.sip.peers.process import log_tail
from tests.sip.peers.sipp import Sipp


@pytest.fixture(scope="session")
def sip_certs(tmp_path_factory: pytest.TempPathFactory) -> SipCerts:
    """A throw-away CA and a server certificate for 127.0.0.1 (and localhost)."""
    return make_certs(tmp_path_factory.mktemp("sip-certs"))


@pytest.fixture(scope="session")
def kamailio(tmp_path_factory: pytest.TempPathFactory, sip_certs: SipCerts) -> Iterator[Kamailio]:
    """Kamailio as the strict test "Zoom" registrar/proxy (UDP/TCP, TLS) for the session."""
    peer = start_kamailio(tmp_path_factory.mktemp("kamailio"), sip_certs)
    yield peer
    peer.stop()


@pytest.fixture(scope="session")
def sip_prompt_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A spoken prompt, 8 kHz mono 16-bit WAV (espeak-ng + sox)."""
    return make_prompt_wav(tmp_path_factory.mktemp("sip-audio") / "prompt.wav")


@pytest.fixture
def sipp(tmp_path: Path, kamailio: Kamailio) -> Iterator[Sipp]:
    """Starts sipp room phones and callers; whatever still runs is stopped after the test."""
    factory = Sipp(tmp_path / "sipp", kamailio)
    yield factory
    factory.stop_all()


@pytest.fixture
def baresip(tmp_path: Path, kamailio: Kamailio, sip_prompt_wav: Path) -> Iterator[Baresip]:
    """Starts baresip room phones registered to Kamailio; stopped after the test."""
    factory = Baresip(tmp_path / "baresip", kamailio, sip_prompt_wav)
    yield factory
    factory.stop_all()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """On a failed test, attach the tails of the peers' logs to its report."""
    report = yield
    if report.failed and isinstance(item, pytest.Function):
        peers = item.funcargs
        kamailio_peer = peers.get("kamailio")
        if isinstance(kamailio_peer, Kamailio):
            report.sections.append(("kamailio log (tail)", log_tail(kamailio_peer.log_path)))
        sipp_factory = peers.get("sipp")
        if isinstance(sipp_factory, Sipp):
            for handle in sipp_factory.handles:
                report.sections.append((f"sipp {handle.name} (tail)", handle.log_tail()))
        baresip_factory = peers.get("baresip")
        if isinstance(baresip_factory, Baresip):
            for phone in baresip_factory.phones:
                report.sections.append((f"baresip {phone.user} log (tail)",
                                        log_tail(phone.process.log_path)))
    return report
