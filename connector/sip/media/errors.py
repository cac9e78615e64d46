"""The media layer's errors, under the SIP user agent's `SipError`."""

from __future__ import annotations

from connector.sip.errors import SipError


class MediaError(SipError):
    """Media could not be set up: no free RTP port, a stream used before negotiation, ..."""


class SdpError(MediaError):
    """An SDP we cannot accept; `status` is the SIP response to send (488 or 400)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"{status} {reason}")
        self.status = status
        self.reason = reason


class RtpParseError(MediaError):
    """A datagram that is not a well-formed RTP packet; the receive path counts and drops it."""


class DtmfParseError(MediaError):
    """A SIP INFO body that does not carry one digit we understand."""


class WavError(MediaError):
    """A prompt file that is not a WAV we can convert; the message names the file."""
