"""Registration arithmetic, free of I/O: the expiry a registrar granted, when to refresh it,
how long to back off after a failure, and the REGISTER request itself."""

from __future__ import annotations

from dataclasses import dataclass

from connector.sip.address import parse_name_addr, parse_uri
from connector.sip.errors import ParseError
from connector.sip.message import Request, Response

REFRESH_MARGIN_SECONDS = 30
BACKOFF_FIRST_SECONDS = 2.0
BACKOFF_CAP_SECONDS = 300.0


@dataclass(frozen=True)
class RegisterTarget:
    """Who registers where: the AOR's user and domain, and the Contact to bind."""

    user: str
    domain: str
    contact_uri: str
    call_id: str
    from_tag: str
    user_agent: str


def register_request(target: RegisterTarget, *, cseq: int, expires: int) -> Request:
    """A REGISTER binding (expires > 0) or removing (expires = 0) our Contact. The Call-ID
    stays the same for a line so refreshes replace the binding (§10.2.4)."""
    aor = f"sip:{target.user}@{target.domain}"
    request = Request(method="REGISTER", uri=f"sip:{target.domain}")
    request.add("Max-Forwards", "70")
    request.add("From", f"<{aor}>;tag={target.from_tag}")
    request.add("To", f"<{aor}>")
    request.add("Call-ID", target.call_id)
    request.add("CSeq", f"{cseq} REGISTER")
    request.add("Contact", f"<{target.contact_uri}>;expires={expires}")
    request.add("Expires", str(expires))
    request.add("User-Agent", target.user_agent)
    request.add("Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO")
    return request


def granted_expires(response: Response, contact_uri: str, requested: int) -> int:
    """The expiry the registrar granted our binding: the `expires` of our Contact in the
    200, else its Expires header, else what we asked for (§10.2.4)."""
    ours = _uri_key(contact_uri)
    for value in response.header_values("Contact"):
        try:
            address = parse_name_addr(value)
            same = _uri_key(address.uri) == ours
        except ParseError:
            continue
        expires = address.params.get("expires")
        if same and expires and expires.isdigit():
            return int(expires)
    header = (response.header("Expires") or "").strip()
    return int(header) if header.isdigit() else requested


def _uri_key(uri: str) -> tuple[str | None, str, int | None]:
    parsed = parse_uri(uri)
    return parsed.user, parsed.host.lower(), parsed.port


def refresh_delay(granted: int) -> float:
    """Seconds until the refresh: 30 s before expiry when that is later than half-way,
    else at 80 % (short test expiries), never after 80 %."""
    early = granted - REFRESH_MARGIN_SECONDS
    late = 0.8 * granted
    return float(min(early, late)) if early >= granted / 2 else late


def backoff_delay(failures: int, jitter: float) -> float:
    """Exponential backoff after `failures` consecutive failures (1, 2, ...), capped, with
    `jitter` in [0, 1) spreading lines apart so they do not retry in lock-step."""
    base = min(BACKOFF_CAP_SECONDS, BACKOFF_FIRST_SECONDS * 2 ** max(0, failures - 1))
    return float(base) * (0.5 + jitter / 2)


def min_expires(response: Response) -> int | None:
    """The Min-Expires of a 423 Interval Too Brief."""
    value = (response.header("Min-Expires") or "").strip()
    return int(value) if value.isdigit() else None
