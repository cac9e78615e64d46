"""SIP URIs, name-addr values (From, To, Contact, Route) and Via headers, parsed and printed."""

from __future__ import annotations

from dataclasses import dataclass, field

from connector.sip.errors import ParseError

Params = dict[str, str | None]


def parse_params(text: str) -> Params:
    """`;a=1;lr;b="x y"` as an ordered mapping (flags map to None)."""
    params: Params = {}
    for part in _split_outside_quotes(text, ";"):
        part = part.strip()
        if not part:
            continue
        key, equals, value = part.partition("=")
        value = value.strip()
        if value.startswith('"') and value.endswith('"') and len(value) >= 2:
            value = value[1:-1]
        params[key.strip().lower()] = value if equals else None
    return params


def format_params(params: Params) -> str:
    """The inverse of parse_params, with a leading `;` when there are any."""
    return "".join(f";{key}" if value is None else f";{key}={value}"
                   for key, value in params.items())


def _split_outside_quotes(text: str, separator: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == separator and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def split_host_port(text: str) -> tuple[str, int | None]:
    """`host`, `host:port` or `[v6]:port` as (host, port or None); raises ParseError."""
    text = text.strip()
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            raise ParseError("unclosed IPv6 reference")
        host, rest = text[: end + 1], text[end + 1:]
        port_text = rest[1:] if rest.startswith(":") else ""
    else:
        host, _, port_text = text.partition(":")
    if not host:
        raise ParseError("empty host")
    if not port_text:
        return host, None
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ParseError("bad port")
    return host, int(port_text)


@dataclass(frozen=True)
class SipUri:
    host: str
    user: str | None = None
    port: int | None = None
    scheme: str = "sip"
    params: Params = field(default_factory=dict)

    def __str__(self) -> str:
        user = f"{self.user}@" if self.user else ""
        port = f":{self.port}" if self.port else ""
        return f"{self.scheme}:{user}{self.host}{port}{format_params(self.params)}"

    @property
    def loose_routing(self) -> bool:
        """A Route entry with `lr` is a loose router (RFC 3261 §16.12)."""
        return "lr" in self.params

    @property
    def transport(self) -> str | None:
        value = self.params.get("transport")
        return value.lower() if value else None


def parse_uri(text: str) -> SipUri:
    """A sip: or sips: URI (URI headers after `?` are dropped); raises ParseError."""
    scheme, colon, rest = text.strip().partition(":")
    scheme = scheme.lower()
    if not colon or scheme not in ("sip", "sips"):
        raise ParseError("not a sip URI")
    rest = rest.split("?", 1)[0]
    user: str | None = None
    if "@" in rest:
        user, rest = rest.rsplit("@", 1)
        user = user.split(":", 1)[0] or None
    hostport, _, params = rest.partition(";")
    host, port = split_host_port(hostport)
    return SipUri(host=host, user=user, port=port, scheme=scheme, params=parse_params(params))


@dataclass(frozen=True)
class NameAddr:
    """`"Display" <uri>;params`: the value of From, To, Contact, Route, P-Asserted-Identity."""

    uri: str
    display: str = ""
    params: Params = field(default_factory=dict)

    def __str__(self) -> str:
        display = f'"{self.display}" ' if self.display else ""
        return f"{display}<{self.uri}>{format_params(self.params)}"

    @property
    def tag(self) -> str | None:
        return self.params.get("tag")

    def with_tag(self, tag: str) -> NameAddr:
        return NameAddr(self.uri, self.display, {**self.params, "tag": tag})

    @property
    def sip_uri(self) -> SipUri:
        return parse_uri(self.uri)


def parse_name_addr(text: str) -> NameAddr:
    """A name-addr or addr-spec; raises ParseError."""
    text = text.strip()
    if "<" in text:
        start = text.index("<")
        end = text.find(">", start)
        if end < 0:
            raise ParseError("unclosed <")
        display = text[:start].strip().strip('"').strip()
        return NameAddr(text[start + 1:end].strip(), display, parse_params(text[end + 1:]))
    # addr-spec: parameters after the URI belong to the header, not the URI (§20.10).
    uri, _, params = text.partition(";")
    if ":" not in uri:
        raise ParseError("no URI in address")
    return NameAddr(uri.strip(), "", parse_params(params))


@dataclass(frozen=True)
class Via:
    transport: str
    host: str
    port: int | None
    params: Params = field(default_factory=dict)

    def __str__(self) -> str:
        port = f":{self.port}" if self.port else ""
        return f"SIP/2.0/{self.transport} {self.host}{port}{format_params(self.params)}"

    @property
    def branch(self) -> str:
        return self.params.get("branch") or ""

    @property
    def received(self) -> str | None:
        return self.params.get("received")

    @property
    def rport(self) -> int | None:
        value = self.params.get("rport")
        return int(value) if value and value.isdigit() else None


def parse_via(text: str) -> Via:
    """One Via value; raises ParseError."""
    protocol, _, rest = text.strip().partition(" ")
    pieces = protocol.split("/")
    if len(pieces) != 3 or pieces[0].upper() != "SIP":
        raise ParseError("malformed Via protocol")
    sent_by, _, params = rest.strip().partition(";")
    host, port = split_host_port(sent_by)
    return Via(pieces[2].upper(), host, port, parse_params(params))
