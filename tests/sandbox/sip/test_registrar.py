"""Zoom's registrar as the connector's lines meet it: challenged, then bound with the
device's credentials; refused with wrong ones. Plain messages, no sockets."""

from __future__ import annotations

from connector.sandbox.sip.digest_check import NONCE_LIFETIME_SECONDS, Credential, Nonces
from connector.sandbox.sip.registrar import Registrar
from connector.sip.message import Request, Response
from connector.sip.registration import RegisterTarget, register_request
from connector.sip.requests import with_credentials

LINE = Credential(user="6606518029", auth_id="8021446310", password="s3cret-line-pass")
OTHER = Credential(user="8776774840", auth_id="4410553911", password="another-pass")
CREDENTIALS = {c.auth_id: c for c in (LINE, OTHER)}
SOURCE = ("127.0.0.1", 40000)
CONTACT = "sip:6606518029@127.0.0.1:40000"


def register(user: str = LINE.user, expires: int = 600, cseq: int = 1) -> Request:
    target = RegisterTarget(user=user, domain="127.0.0.1:5091", contact_uri=CONTACT,
                            call_id="reg-call@127.0.0.1", from_tag="abc", user_agent="test")
    request = register_request(target, cseq=cseq, expires=expires)
    request.headers.insert(0, ("Via", "SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bKtest;rport"))
    return request


def answered(request: Request, challenge: Response, *, auth_id: str = LINE.auth_id,
             password: str = LINE.password) -> Request:
    """The line's second REGISTER, built by the connector's own digest code."""
    retry = with_credentials(request, challenge, username=auth_id, password=password,
                             cnonce="0a4f113b")
    retry.headers.insert(0, ("Via", "SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bKtwo;rport"))
    return retry


def test_a_register_without_credentials_is_challenged_with_401() -> None:
    registrar = Registrar(Nonces())
    response = registrar.register(register(), SOURCE, 0.0, CREDENTIALS)
    assert response.status == 401
    challenge = response.header("WWW-Authenticate") or ""
    assert challenge.startswith("Digest ") and 'qop="auth"' in challenge
    assert registrar.binding(LINE.user, 0.0) is None


def test_the_device_credentials_answer_the_challenge_and_bind_the_line() -> None:
    registrar = Registrar(Nonces())
    first = register()
    challenge = registrar.register(first, SOURCE, 0.0, CREDENTIALS)
    response = registrar.register(answered(first, challenge), SOURCE, 1.0, CREDENTIALS)
    assert response.status == 200
    assert response.header("Contact") == f"<{CONTACT}>;expires=600"
    binding = registrar.binding(LINE.user, 1.0)
    assert binding is not None and binding.contact == CONTACT and binding.source == SOURCE


def test_a_wrong_password_is_forbidden() -> None:
    registrar = Registrar(Nonces())
    first = register()
    challenge = registrar.register(first, SOURCE, 0.0, CREDENTIALS)
    response = registrar.register(answered(first, challenge, password="guessed"), SOURCE, 1.0,
                                  CREDENTIALS)
    assert response.status == 403
    assert registrar.bindings(1.0) == []


def test_a_line_cannot_register_another_lines_user() -> None:
    registrar = Registrar(Nonces())
    first = register(user=OTHER.user)
    challenge = registrar.register(first, SOURCE, 0.0, CREDENTIALS)
    response = registrar.register(answered(first, challenge), SOURCE, 1.0, CREDENTIALS)
    assert response.status == 403
    assert registrar.binding(OTHER.user, 1.0) is None


def bound(registrar: Registrar, request: Request, now: float) -> Response:
    challenge = registrar.register(request, SOURCE, now, CREDENTIALS)
    return registrar.register(answered(request, challenge), SOURCE, now, CREDENTIALS)


def test_a_binding_lapses_at_its_expiry_unless_refreshed() -> None:
    registrar = Registrar(Nonces())
    bound(registrar, register(expires=120), 0.0)
    assert registrar.binding(LINE.user, 119.0) is not None
    assert registrar.binding(LINE.user, 121.0) is None
    bound(registrar, register(expires=120, cseq=3), 100.0)
    assert registrar.binding(LINE.user, 200.0) is not None


def test_expires_zero_removes_the_binding() -> None:
    registrar = Registrar(Nonces())
    bound(registrar, register(), 0.0)
    response = bound(registrar, register(expires=0, cseq=3), 5.0)
    assert response.status == 200 and response.header("Contact") is None
    assert registrar.binding(LINE.user, 5.0) is None


def test_an_expiry_below_a_minute_is_refused_with_423() -> None:
    registrar = Registrar(Nonces())
    response = bound(registrar, register(expires=30), 0.0)
    assert response.status == 423 and response.header("Min-Expires") == "60"
    assert registrar.binding(LINE.user, 0.0) is None


def test_an_answer_to_an_old_nonce_is_challenged_again_as_stale() -> None:
    registrar = Registrar(Nonces())
    first = register()
    challenge = registrar.register(first, SOURCE, 0.0, CREDENTIALS)
    late = NONCE_LIFETIME_SECONDS + 1
    response = registrar.register(answered(first, challenge), SOURCE, late, CREDENTIALS)
    assert response.status == 401
    assert "stale=true" in (response.header("WWW-Authenticate") or "")
