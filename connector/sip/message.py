"""SIP messages as plain values: parse bytes into a Request or Response, and back.

Parsing is our own rather than `sipmessage`'s: that library splits header lists naively and
raises bare ValueError on odd input, while the receive path needs one exception (ParseError)
for every malformed packet and must keep header order and unknown headers verbatim (Via and
Record-Route are echoed byte for byte).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from connector.sip.errors import ParseError

# RFC 3261 §7.3.3 compact forms.
_COMPACT = {
    "i": "Call-ID", "m": "Contact", "e": "Content-Encoding", "l": "Content-Length",
    "c": "Content-Type", "f": "From", "s": "Subject", "k": "Supported", "t": "To", "v": "Via",
}
_CANONICAL = {name.lower(): name for name in (
    "Call-ID", "CSeq", "WWW-Authenticate", "Proxy-Authenticate", "Proxy-Authorization",
    "Record-Route", "Max-Forwards", "Min-Expires", "User-Agent", "P-Asserted-Identity",
    "Content-Length", "Content-Type", "Require", "Proxy-Require", "Unsupported",
)}
# Headers that may carry several comma-separated values (RFC 3261 §7.3.1).
_LISTS = frozenset({"via", "route", "record-route", "contact", "allow", "supported", "require",
                    "proxy-require", "unsupported"})
_REQUIRED = ("Via", "From", "To", "Call-ID", "CSeq")
MAX_MESSAGE_BYTES = 65_535


def canonical_name(name: str) -> str:
    """The header's full, conventionally capitalised name (compact forms expanded)."""
    lower = name.strip().lower()
    if lower in _COMPACT:
        return _COMPACT[lower]
    return _CANONICAL.get(lower) or "-".join(part.capitalize() for part in lower.split("-"))


def split_list(value: str) -> list[str]:
    """Split a header value at commas that are outside quotes and angle brackets."""
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    depth = 0
    escaped = False
    for char in value:
        if escaped:
            escaped = False
        elif char == "\\" and quoted:
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif not quoted and char == "<":
            depth += 1
        elif not quoted and char == ">":
            depth = max(0, depth - 1)
        elif char == "," and not quoted and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    parts.append("".join(current).strip())
    return [part for part in parts if part]


@dataclass
class Message:
    """What requests and responses share: ordered headers and a body."""

    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """The first value of header `name`, or None."""
        values = self.header_values(name)
        return values[0] if values else None

    def header_values(self, name: str) -> list[str]:
        """Every value of header `name`, in order, list headers split at their commas."""
        wanted = canonical_name(name)
        values: list[str] = []
        for key, value in self.headers:
            if key == wanted:
                values.extend(split_list(value) if key.lower() in _LISTS else [value])
        return values

    def add(self, name: str, value: str) -> None:
        """Append a header."""
        self.headers.append((canonical_name(name), value))

    def replace(self, name: str, value: str) -> None:
        """Set header `name` to one value, keeping its position when it was there."""
        wanted = canonical_name(name)
        index = next((i for i, (key, _) in enumerate(self.headers) if key == wanted), None)
        self.remove(wanted)
        if index is None:
            self.headers.append((wanted, value))
        else:
            self.headers.insert(index, (wanted, value))

    def remove(self, name: str) -> None:
        """Drop every occurrence of header `name`."""
        wanted = canonical_name(name)
        self.headers = [(key, value) for key, value in self.headers if key != wanted]

    @property
    def call_id(self) -> str:
        return self.header("Call-ID") or ""

    @property
    def cseq(self) -> tuple[int, str]:
        """The CSeq number and method (validated when parsed)."""
        number, _, method = (self.header("CSeq") or "0 ").partition(" ")
        return int(number), method.strip().upper()

    def _encode(self, start_line: str) -> bytes:
        lines = [start_line]
        lines.extend(f"{key}: {value}" for key, value in self.headers if key != "Content-Length")
        lines.append(f"Content-Length: {len(self.body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + self.body


@dataclass
class Request(Message):
    method: str = ""
    uri: str = ""

    def to_bytes(self) -> bytes:
        """The request on the wire (Content-Length always set from the body)."""
        return self._encode(f"{self.method} {self.uri} SIP/2.0")


@dataclass
class Response(Message):
    status: int = 0
    reason: str = ""

    def to_bytes(self) -> bytes:
        """The response on the wire (Content-Length always set from the body)."""
        return self._encode(f"SIP/2.0 {self.status} {self.reason}")


def parse(data: bytes) -> Request | Response:
    """One SIP message from a datagram or a framed stream chunk; raises ParseError."""
    if len(data) > MAX_MESSAGE_BYTES:
        raise ParseError("message too large")
    head, separator, rest = data.partition(b"\r\n\r\n")
    if not separator:
        head, separator, rest = data.partition(b"\n\n")
        if not separator:
            raise ParseError("no end of headers")
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ParseError("headers are not UTF-8") from error
    lines = _unfold(text.replace("\r\n", "\n").split("\n"))
    if not lines:
        raise ParseError("empty message")
    message = _start_line(lines[0])
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon or not name.strip() or " " in name.strip():
            raise ParseError("malformed header line")
        message.add(name, value.strip())
    message.body = _body(message, rest)
    _validate(message)
    return message


def _unfold(lines: list[str]) -> list[str]:
    # RFC 3261 §7.3.1: a line starting with white space continues the previous header.
    out: list[str] = []
    for line in lines:
        if line[:1] in (" ", "\t") and out:
            out[-1] = out[-1] + " " + line.strip()
        elif line:
            out.append(line)
    return out


def _start_line(line: str) -> Request | Response:
    parts = line.split(" ", 2)
    if len(parts) != 3:
        raise ParseError("malformed start line")
    if parts[0] == "SIP/2.0":
        if not (parts[1].isdigit() and len(parts[1]) == 3):
            raise ParseError("malformed status code")
        return Response(status=int(parts[1]), reason=parts[2].strip())
    method, uri, version = parts
    if version.strip() != "SIP/2.0" or not method.isalpha() or ":" not in uri:
        raise ParseError("malformed request line")
    return Request(method=method.upper(), uri=uri)


def _body(message: Message, rest: bytes) -> bytes:
    length_text = message.header("Content-Length")
    if length_text is None:
        return rest
    if not length_text.strip().isdigit():
        raise ParseError("malformed Content-Length")
    length = int(length_text)
    if length > len(rest):
        raise ParseError("body shorter than Content-Length")
    return rest[:length]


def _validate(message: Request | Response) -> None:
    for name in _REQUIRED:
        if not message.header(name):
            raise ParseError(f"missing {name}")
    number, _, method = (message.header("CSeq") or "").strip().partition(" ")
    if not number.isdigit() or len(number) > 10 or not method.strip().isalpha():
        raise ParseError("malformed CSeq")
    if isinstance(message, Request) and method.strip().upper() != message.method:
        raise ParseError("CSeq method differs from the request method")
