"""Server mode, only the PMS: a foreign client or one without a client certificate is shut
out over real sockets while the PMS's link stays up and keeps carrying records."""

from __future__ import annotations

import asyncio
import ssl
from pathlib import Path

import pytest

from connector.doctor.fias_check import check_fias
from connector.doctor.report import DoctorReport, Status
from connector.pms.fias.codec import Record
from connector.pms.fias.link_events import LinkDown, LinkUp
from connector.pms.fias.peers import PeerAllowList, resolve, split_entries
from connector.pms.fias.transport import FiasServer
from connector.sandbox.fias_pms import FiasPms
from connector.serve.fias_door import tls_context
from connector.settings import Settings, load_settings
from connector.settings.model import FiasMode, FiasSettings
from tests.fias.conftest import FAST, HOTEL, Watcher
from tests.fias.tls import self_signed

FOREIGN = "127.0.0.2"  # another loopback address: a machine on the hotel LAN that is not the PMS


def gi(room: str) -> Record:
    return Record("GI", (("RN", room), ("G#", "1"), ("GN", "Rossi")))


async def _knock(port: int, *, tls: ssl.SSLContext | None = None,
                 local: str = FOREIGN) -> bytes:
    """Connect, say LS as a PMS would, and return what comes back before the socket closes."""
    reader, writer = await asyncio.open_connection(
        "127.0.0.1", port, local_addr=(local, 0), ssl=tls,
        server_hostname="localhost" if tls else None)
    try:
        writer.write(b"\x02LS|DA260302|TI090000|\x03")
        await writer.drain()
        return await asyncio.wait_for(reader.read(), 5)
    except (ConnectionError, ssl.SSLError):
        return b""
    finally:
        writer.close()


async def _serving(server: FiasServer) -> asyncio.Task[None]:
    await server.start()
    return asyncio.create_task(server.run())


async def test_a_foreign_client_is_refused_and_the_pms_link_keeps_working(
    pms: FiasPms, caplog: pytest.LogCaptureFixture,
) -> None:
    refused: list[str] = []
    server = FiasServer("127.0.0.1", 0, config=FAST, tz=HOTEL, allowed_peers=["localhost"],
                        on_refused=refused.append)
    running = await _serving(server)
    try:
        watcher = Watcher(server)
        await pms.dial("127.0.0.1", server.bound_port)
        assert isinstance(await watcher.next(), LinkUp)

        answer = await _knock(server.bound_port)
        await pms.send(gi("101"))

        assert answer == b""  # closed at once: not even our LS
        assert refused == [FOREIGN]
        assert (await watcher.record("GI")).get("RN") == "101"
        assert server.is_up and not any(isinstance(e, LinkDown) for e in watcher.seen)
        assert pms.connections == 1
        warning = next(r for r in caplog.records if "connection refused" in r.getMessage())
        assert FOREIGN in str(warning.__dict__["peer"])
    finally:
        await server.close()
        await asyncio.wait_for(running, 5)


async def test_without_an_allow_list_anyone_still_replaces_the_link(pms: FiasPms) -> None:
    """What the allow-list guards against (and why the doctor warns without one)."""
    server = FiasServer("127.0.0.1", 0, config=FAST, tz=HOTEL)
    running = await _serving(server)
    try:
        watcher = Watcher(server)
        await pms.dial("127.0.0.1", server.bound_port)
        await watcher.until(LinkUp)
        knocking = asyncio.create_task(_knock(server.bound_port))
        await watcher.until(LinkDown)
        knocking.cancel()
    finally:
        await server.close()
        await asyncio.wait_for(running, 5)


def _mtls_settings(folder: Path) -> FiasSettings:
    self_signed(folder)  # writes cert.pem / key.pem: the CA signs both ends here
    return FiasSettings(mode=FiasMode.SERVER, tls=True, tls_cert=folder / "cert.pem",
                        tls_key=folder / "key.pem", tls_client_ca=folder / "cert.pem")


async def test_mutual_tls_refuses_a_client_without_a_certificate(
    pms: FiasPms, tmp_path: Path,
) -> None:
    settings = _mtls_settings(tmp_path)
    context = tls_context(settings)
    server = FiasServer("127.0.0.1", 0, config=FAST, tz=HOTEL, ssl_context=context)
    running = await _serving(server)
    with_cert = ssl.create_default_context(cafile=str(tmp_path / "cert.pem"))
    with_cert.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    no_cert = ssl.create_default_context(cafile=str(tmp_path / "cert.pem"))
    try:
        watcher = Watcher(server)
        await pms.dial("127.0.0.1", server.bound_port, tls=with_cert,
                       server_hostname="localhost")
        assert isinstance(await watcher.next(), LinkUp)

        answer = await _knock(server.bound_port, tls=no_cert, local="127.0.0.1")
        await pms.send(gi("102"))

        assert answer == b""
        assert (await watcher.record("GI")).get("RN") == "102"
        assert server.is_up and not any(isinstance(e, LinkDown) for e in watcher.seen)
    finally:
        await server.close()
        await asyncio.wait_for(running, 5)


async def test_the_allow_list_takes_addresses_blocks_and_host_names() -> None:
    async def resolver(host: str) -> list[str]:
        return {"pms.hotel.lan": ["10.0.5.20", "fd00::20"]}.get(host, [])

    allowed = await resolve(split_entries("10.1.0.0/24, pms.hotel.lan,192.0.2.7, gone.lan"),
                            resolver)

    assert [allowed.allows(a) for a in ("10.1.0.99", "10.0.5.20", "fd00::20", "192.0.2.7",
                                        "::ffff:10.0.5.20")] == [True] * 5
    assert [allowed.allows(a) for a in ("10.1.1.1", "10.0.5.21", "", "not-an-ip")] == [
        False] * 4
    assert allowed.unresolved == ("gone.lan",)
    assert PeerAllowList(()).allows("10.0.5.20") is False


@pytest.mark.parametrize("bad", ["10.0.5.0/33", "pms hotel", "10.0.5.20;rm", "http://pms"])
def test_a_mistyped_allow_list_is_refused_at_start(bad: str) -> None:
    with pytest.raises(ValueError, match="neither an IP address"):
        FiasSettings(mode=FiasMode.SERVER, allowed_peers=f"10.0.5.20,{bad}")


def test_client_certificates_only_make_sense_on_a_tls_server() -> None:
    with pytest.raises(ValueError, match="CONNECTOR_FIAS__TLS_CLIENT_CA"):
        FiasSettings(mode=FiasMode.CLIENT, tls_client_ca=Path("/etc/ca.pem"))


def _settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **fias: str) -> Settings:
    for name, value in {"CONNECTOR_ZOOM__ACCOUNT_ID": "a", "CONNECTOR_ZOOM__CLIENT_ID": "b",
                        "CONNECTOR_ZOOM__CLIENT_SECRET": "c",
                        **{f"CONNECTOR_FIAS__{k.upper()}": v for k, v in fias.items()}}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    return load_settings()


def test_the_doctor_warns_when_any_address_may_take_the_server_link(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    open_door, guarded, dialling = DoctorReport(), DoctorReport(), DoctorReport()

    check_fias(_settings(monkeypatch, tmp_path, mode="server"), open_door)
    check_fias(_settings(monkeypatch, tmp_path, mode="server", allowed_peers="10.0.5.20"),
               guarded)
    check_fias(_settings(monkeypatch, tmp_path, mode="client"), dialling)

    warning = next(c for c in open_door.checks if c.name == "FIAS server guard")
    assert warning.status is Status.WARN
    assert "CONNECTOR_FIAS__ALLOWED_PEERS" in open_door.render()
    assert [c.status for c in guarded.checks if c.name == "FIAS server guard"] == [Status.OK]
    assert [c.name for c in dialling.checks] == ["FIAS link"]


