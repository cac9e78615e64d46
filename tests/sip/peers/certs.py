"""A throw-away CA and a server certificate for 127.0.0.1, made with the openssl CLI."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.sip.peers.process import require_binary


@dataclass(frozen=True)
class SipCerts:
    ca_file: Path  # trust this to verify the server
    cert_file: Path  # server certificate (SAN IP:127.0.0.1, DNS:localhost), signed by the CA
    key_file: Path  # its private key, unencrypted
    ca_key_file: Path


def _openssl(openssl: str, *args: str) -> None:
    done = subprocess.run([openssl, *args], capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise RuntimeError(f"openssl {args[0]} failed: {done.stderr.strip()}")


def make_certs(directory: Path) -> SipCerts:
    """Write a CA and a server certificate for 127.0.0.1/localhost under `directory`."""
    openssl = require_binary("openssl", "openssl")
    directory.mkdir(parents=True, exist_ok=True)
    certs = SipCerts(
        ca_file=directory / "ca.pem", cert_file=directory / "server.pem",
        key_file=directory / "server.key", ca_key_file=directory / "ca.key",
    )
    request = directory / "server.csr"
    extensions = directory / "server.ext"
    extensions.write_text(
        "basicConstraints=CA:FALSE\n"
        "keyUsage=digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\n"
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
    )
    _openssl(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-keyout", str(certs.ca_key_file), "-out", str(certs.ca_file),
             "-subj", "/CN=Connector test CA")
    _openssl(openssl, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(certs.key_file),
             "-out", str(request), "-subj", "/CN=127.0.0.1")
    _openssl(openssl, "x509", "-req", "-in", str(request), "-CA", str(certs.ca_file),
             "-CAkey", str(certs.ca_key_file), "-CAcreateserial", "-days", "2",
             "-extfile", str(extensions), "-out", str(certs.cert_file))
    return certs
