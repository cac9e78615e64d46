"""Dialogs (RFC 3261 §12): identifiers, route set, remote target and CSeq, and the in-dialog
requests built from them (BYE, INFO, ACK for a 2xx) with loose or strict routing."""

from __future__ import annotations

from dataclasses import dataclass, field

from connector.sip.address import SipUri, parse_name_addr, parse_uri
from connector.sip.errors import ParseError
from connector.sip.message import Request, Response


@dataclass
class Dialog:
    call_id: str
    local_tag: str
    remote_tag: str
    local_uri: str  # our From (UAC) / To (UAS) without tag, as a name-addr
    remote_uri: str
    remote_target: str  # the far end's Contact URI
    route_set: list[str] = field(default_factory=list)
    local_cseq: int = 1
    max_forwards: int = 70
    user_agent: str = ""

    @classmethod
    def as_caller(cls, invite: Request, response: Response) -> Dialog:
        """The UAC's dialog from its INVITE and the 2xx: the route set is the 2xx's
        Record-Route reversed (§12.1.2). Raises ParseError when the 2xx lacks what we need."""
        from_addr = parse_name_addr(invite.header("From") or "")
        to_addr = parse_name_addr(response.header("To") or "")
        contact = response.header("Contact")
        if to_addr.tag is None or contact is None or from_addr.tag is None:
            raise ParseError("2xx without To tag or Contact")
        return _usable(cls(
            call_id=invite.call_id,
            local_tag=from_addr.tag,
            remote_tag=to_addr.tag,
            local_uri=str(_untagged(invite.header("From") or "")),
            remote_uri=str(_untagged(response.header("To") or "")),
            remote_target=parse_name_addr(contact).uri,
            route_set=list(reversed(response.header_values("Record-Route"))),
            local_cseq=invite.cseq[0],
        ))

    @classmethod
    def from_unusable_2xx(cls, invite: Request, response: Response) -> Dialog:
        """A dialog to end a call whose 2xx we cannot use (its Contact or Record-Route does
        not parse): routed as our INVITE was, so the ACK and BYE still reach the far end
        through the proxy. Raises ParseError when even the To tag is missing."""
        to_tag = parse_name_addr(response.header("To") or "").tag
        from_tag = parse_name_addr(invite.header("From") or "").tag
        if to_tag is None or from_tag is None:
            raise ParseError("2xx without a To tag")
        return cls(call_id=invite.call_id, local_tag=from_tag, remote_tag=to_tag,
                   local_uri=str(_untagged(invite.header("From") or "")),
                   remote_uri=str(_untagged(invite.header("To") or "")),
                   remote_target=invite.uri, route_set=invite.header_values("Route"),
                   local_cseq=invite.cseq[0])

    @classmethod
    def as_callee(cls, invite: Request, local_tag: str) -> Dialog:
        """The UAS's dialog from a received INVITE: the route set is its Record-Route in
        order (§12.1.1). Raises ParseError when the INVITE lacks a From tag or Contact."""
        from_addr = parse_name_addr(invite.header("From") or "")
        contact = invite.header("Contact")
        if from_addr.tag is None or contact is None:
            raise ParseError("INVITE without From tag or Contact")
        return _usable(cls(
            call_id=invite.call_id,
            local_tag=local_tag,
            remote_tag=from_addr.tag,
            local_uri=str(_untagged(invite.header("To") or "")),
            remote_uri=str(_untagged(invite.header("From") or "")),
            remote_target=parse_name_addr(contact).uri,
            route_set=invite.header_values("Record-Route"),
            local_cseq=0,
        ))

    def matches(self, request: Request) -> bool:
        """Is this in-dialog request ours (Call-ID and both tags)?"""
        try:
            from_tag = parse_name_addr(request.header("From") or "").tag
            to_tag = parse_name_addr(request.header("To") or "").tag
        except ParseError:
            return False
        return (request.call_id == self.call_id and from_tag == self.remote_tag
                and to_tag == self.local_tag)

    def request(self, method: str, *, body: bytes = b"", content_type: str | None = None,
                cseq: int | None = None) -> Request:
        """A request inside the dialog, routed per §12.2.1.1. A new CSeq is taken unless
        `cseq` is given (the ACK of a 2xx reuses the INVITE's)."""
        if cseq is None:
            self.local_cseq += 1
            cseq = self.local_cseq
        uri, routes = self._routing()
        request = Request(method=method, uri=uri, body=body)
        request.add("Max-Forwards", str(self.max_forwards))
        request.add("From", f"{self.local_uri};tag={self.local_tag}")
        request.add("To", f"{self.remote_uri};tag={self.remote_tag}")
        request.add("Call-ID", self.call_id)
        request.add("CSeq", f"{cseq} {method}")
        for route in routes:
            request.add("Route", route)
        if self.user_agent:
            request.add("User-Agent", self.user_agent)
        if content_type:
            request.add("Content-Type", content_type)
        return request

    def ack(self, invite_cseq: int) -> Request:
        """The ACK of a 2xx: a new transaction, to the remote target via the route set."""
        return self.request("ACK", cseq=invite_cseq)

    def _routing(self) -> tuple[str, list[str]]:
        if not self.route_set:
            return self.remote_target, []
        first = parse_name_addr(self.route_set[0]).sip_uri
        if first.loose_routing:
            return self.remote_target, list(self.route_set)
        # Strict router: it becomes the R-URI and the remote target goes last in Route.
        strict_uri = SipUri(host=first.host, user=first.user, port=first.port,
                            scheme=first.scheme,
                            params={k: v for k, v in first.params.items()
                                    if k not in ("method", "maddr", "ttl", "transport", "lr")})
        return str(strict_uri), [*self.route_set[1:], f"<{self.remote_target}>"]


def next_hop(request: Request) -> SipUri:
    """Where a request goes first (§8.1.2): the top Route, else the Request-URI."""
    routes = request.header_values("Route")
    if routes:
        return parse_name_addr(routes[0]).sip_uri
    return parse_uri(request.uri)


def _usable(dialog: Dialog) -> Dialog:
    """`dialog` once its remote target and route set parse, so that the BYE that ends it
    can always be built and routed; raises ParseError otherwise."""
    parse_uri(dialog.remote_target)
    for route in dialog.route_set:
        parse_name_addr(route).sip_uri  # noqa: B018 - parsed for its ParseError
    return dialog


def _untagged(value: str) -> str:
    address = parse_name_addr(value)
    params = {k: v for k, v in address.params.items() if k != "tag"}
    return str(type(address)(address.uri, address.display, params))
