"""Zoom's registrar, as the connector's lines see it: REGISTER is challenged (401), the answer
is checked against the device's SIP accounts, and a line has one binding with an expiry.
Pure: a request and the time in, a response out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from connector.sandbox.sip.digest_check import Credential, Nonces, challenge, check
from connector.sip import ids
from connector.sip.address import parse_name_addr, parse_uri
from connector.sip.errors import ParseError
from connector.sip.message import Request, Response
from connector.sip.requests import response_to

Address = tuple[str, int]
MIN_EXPIRES = 60
MAX_EXPIRES = 3600


@dataclass(frozen=True)
class Binding:
    """A registered line: where it asked to be reached, and where its REGISTER came from
    (requests for it go there, as Zoom sends them down the line's own flow)."""

    user: str
    contact: str
    source: Address
    expires_at: float  # monotonic seconds

    def seconds_left(self, now: float) -> int:
        """Whole seconds until the binding lapses (what the 200's Contact says)."""
        return max(0, round(self.expires_at - now))


class Registrar:
    """The lines' bindings and the REGISTER exchange that makes them."""

    def __init__(self, nonces: Nonces) -> None:
        self.nonces = nonces
        self._bindings: dict[str, Binding] = {}

    def binding(self, user: str, now: float) -> Binding | None:
        """The line's live binding, if any."""
        found = self._bindings.get(user)
        return found if found is not None and found.expires_at > now else None

    def bindings(self, now: float) -> list[Binding]:
        """Every live binding, in the order the lines first registered."""
        return [b for b in self._bindings.values() if b.expires_at > now]

    def register(self, request: Request, source: Address, now: float,
                 credentials: Mapping[str, Credential]) -> Response:
        """Answer one REGISTER: 401 until it carries good `credentials` (by authorization
        id) for the AOR's line, 403 for wrong ones, 423 below the minimum expiry, else 200
        with the binding."""
        verdict = check(request.header("Authorization"), method="REGISTER",
                        credentials=credentials, nonces=self.nonces, now=now)
        if verdict.credential is None:
            if request.header("Authorization") is None or verdict.stale:
                response = response_to(request, 401, to_tag=ids.new_tag(),
                                       reason="Unauthorized")
                response.add("WWW-Authenticate",
                             challenge(self.nonces.issue(now), stale=verdict.stale))
                return response
            return response_to(request, 403, to_tag=ids.new_tag(), reason="Forbidden")
        try:
            aor_user = parse_name_addr(request.header("To") or "").sip_uri.user
            contacts = request.header_values("Contact")
            wanted = self._wanted(request, contacts)
        except (ParseError, ValueError):
            return response_to(request, 400, to_tag=ids.new_tag(), reason="Bad Request")
        if aor_user != verdict.credential.user:
            return response_to(request, 403, to_tag=ids.new_tag(),
                               reason="Forbidden (user does not match the credentials)")
        if wanted is not None:
            contact, expires = wanted
            if expires == 0:
                self._bindings.pop(aor_user, None)
            elif expires < MIN_EXPIRES:
                response = response_to(request, 423, to_tag=ids.new_tag(),
                                       reason="Interval Too Brief")
                response.add("Min-Expires", str(MIN_EXPIRES))
                return response
            else:
                self._bindings[aor_user] = Binding(aor_user, contact, source,
                                                   now + min(expires, MAX_EXPIRES))
        return self._ok(request, aor_user, now)

    @staticmethod
    def _wanted(request: Request, contacts: list[str]) -> tuple[str, int] | None:
        """The (contact URI, expiry) asked for; None when the REGISTER only asks what is
        bound. `*` (remove every binding) comes back with expiry 0."""
        if not contacts:
            return None
        default = (request.header("Expires") or "").strip()
        if contacts[0].strip() == "*":
            return "*", 0
        address = parse_name_addr(contacts[0])
        parse_uri(address.uri)
        expires = address.params.get("expires") or default or str(MAX_EXPIRES)
        return address.uri, int(expires)

    def _ok(self, request: Request, user: str, now: float) -> Response:
        response = response_to(request, 200, to_tag=ids.new_tag())
        bound = self.binding(user, now)
        if bound is not None:
            response.add("Contact", f"<{bound.contact}>;expires={bound.seconds_left(now)}")
        return response
