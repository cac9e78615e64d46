"""Cutting a TCP/TLS byte stream into SIP messages (RFC 3261 §18.3: Content-Length frames a
message on a stream) and skipping RFC 5626 CRLF keep-alives between them."""

from __future__ import annotations

import re

from connector.sip.errors import ParseError
from connector.sip.message import MAX_MESSAGE_BYTES

_CONTENT_LENGTH = re.compile(rb"^(?:content-length|l)[ \t]*:[ \t]*(\d+)[ \t]*$",
                             re.IGNORECASE | re.MULTILINE)


class StreamFramer:
    """Feed bytes as they arrive; take whole messages out. Keep-alive pings (CRLFCRLF) are
    reported so the shell can answer them with a pong (CRLF)."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self.pings = 0

    def feed(self, data: bytes) -> list[bytes]:
        """Add bytes; return every message now complete. Raises ParseError when the stream
        cannot be framed any more (the connection must then be dropped)."""
        self._buffer.extend(data)
        messages: list[bytes] = []
        while True:
            self._skip_keepalives()
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self._buffer) > MAX_MESSAGE_BYTES:
                    raise ParseError("headers too long on stream")
                return messages
            head = bytes(self._buffer[:end])
            match = _CONTENT_LENGTH.search(head.replace(b"\r\n", b"\n"))
            if match is None:
                raise ParseError("no Content-Length on stream")
            total = end + 4 + int(match.group(1))
            if total > MAX_MESSAGE_BYTES:
                raise ParseError("message too large on stream")
            if len(self._buffer) < total:
                return messages
            messages.append(bytes(self._buffer[:total]))
            del self._buffer[:total]

    def _skip_keepalives(self) -> None:
        while self._buffer[:2] == b"\r\n":
            if self._buffer[:4] == b"\r\n\r\n":
                self.pings += 1
                del self._buffer[:4]
            elif len(self._buffer) >= 4 or bytes(self._buffer[2:3]) not in (b"", b"\r"):
                # A lone CRLF is a pong (or stray line end): drop it.
                del self._buffer[:2]
            else:
                return
