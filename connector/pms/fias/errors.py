"""One error hierarchy for the FIAS link, so a caller can catch at the level it cares about."""

from __future__ import annotations


class FiasError(Exception):
    """Anything the FIAS link reports as an error."""


class LinkNotUp(FiasError):
    """A record was offered while the link is not up; keep it in the outbox and retry after
    the next `LinkUp`."""


class SendFailed(FiasError):
    """A record could not be delivered. `maybe_delivered` is True when it left us but its
    ACK never came: the PMS may have it (for a posting: do not re-send blindly)."""

    def __init__(self, reason: str, *, maybe_delivered: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.maybe_delivered = maybe_delivered


class MappingError(FiasError):
    """A record that cannot become a canonical event (the link logs it and keeps going).
    The message names the record type and room, never a guest's name."""
