"""The SIP user agent's errors."""

from __future__ import annotations


class SipError(Exception):
    """Base of every error the SIP user agent raises."""


class ParseError(SipError):
    """Bytes that are not a SIP message we can act on; the receive path counts and drops them."""


class TransportError(SipError):
    """The connection to the proxy could not be opened or was lost."""
