"""The FIAS link's TLS key never reaches the log, even at debug, where the records (and the
guests' names in them) do; nor when a client fails the handshake."""

from __future__ import annotations

import asyncio
import logging
import ssl
from pathlib import Path

import pytest

from connector.pms.fias.codec import Record
from connector.pms.fias.link_events import LinkUp
from connector.pms.fias.transport import FiasServer
from connector.sandbox.fias_pms import FiasPms
from connector.serve.fias_door import tls_context
from connector.settings.model import FiasMode, FiasSettings
from tests.fias.conftest import FAST, HOTEL, Watcher
from tests.fias.tls import self_signed


async def _refused_handshake(port: int, cafile: Path) -> None:
    """A client without the certificate mutual TLS asks for."""
    try:
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", port, ssl=ssl.create_default_context(cafile=str(cafile)),
            server_hostname="localhost")
        await asyncio.wait_for(reader.read(), 5)
        writer.close()
    except (ConnectionError, ssl.SSLError):
        pass


async def test_a_debug_log_of_a_tls_link_holds_the_names_but_never_the_key(
    pms: FiasPms, tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="connector")
    self_signed(tmp_path)
    key_lines = [line for line in (tmp_path / "key.pem").read_text().splitlines()
                 if line and not line.startswith("-----")]
    settings = FiasSettings(mode=FiasMode.SERVER, tls=True, tls_cert=tmp_path / "cert.pem",
                            tls_key=tmp_path / "key.pem", tls_client_ca=tmp_path / "cert.pem")
    server = FiasServer("127.0.0.1", 0, config=FAST, tz=HOTEL, ssl_context=tls_context(settings))
    await server.start()
    running = asyncio.create_task(server.run())
    with_cert = ssl.create_default_context(cafile=str(tmp_path / "cert.pem"))
    with_cert.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    try:
        watcher = Watcher(server)
        await pms.dial("127.0.0.1", server.bound_port, tls=with_cert,
                       server_hostname="localhost")
        assert isinstance(await watcher.next(), LinkUp)
        await _refused_handshake(server.bound_port, tmp_path / "cert.pem")
        await pms.send(Record("GI", (("RN", "101"), ("G#", "1"), ("GN", "Rossi"))))
        await watcher.record("GI")
    finally:
        await server.close()
        await asyncio.wait_for(running, 5)

    logged = "\n".join(f"{record.getMessage()} {vars(record)}" for record in caplog.records)
    assert "Rossi" in logged  # debug logs the records, names and all
    assert key_lines and not [line for line in key_lines if line in logged]
