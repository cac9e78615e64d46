"""One error hierarchy for everything Zoom-facing; catch at the level you care about.

    ZoomError
    ├── ZoomAuthError          the token could not be obtained (credentials, account id)
    ├── ZoomScopeError         the app lacks scopes the connector cannot work without
    ├── FeatureDisabled        a call needs a scope the app was not given
    └── ZoomRequestError       a call to the API failed
        ├── ZoomApiError       Zoom answered 4xx with its {code, message}
        │   └── ZoomNotFound   404
        ├── UserRateLimited    429 for one user (presence: one update a minute), not retried
        └── ZoomUnavailable    5xx, timeouts, dropped connections or 429s after every retry
"""

from __future__ import annotations


class ZoomError(Exception):
    """Anything that went wrong talking to Zoom."""


class ZoomAuthError(ZoomError):
    """Zoom refused to issue a token."""

    def __init__(self, status: int, reason: str) -> None:
        self.status = status
        self.reason = reason
        super().__init__(
            f"Zoom refused the Server-to-Server OAuth token (HTTP {status}: {reason}). "
            "Check CONNECTOR_ZOOM__ACCOUNT_ID, CONNECTOR_ZOOM__CLIENT_ID and "
            "CONNECTOR_ZOOM__CLIENT_SECRET against the app's App Credentials page in the Zoom "
            "App Marketplace, and that the app is activated."
        )


class ZoomScopeError(ZoomError):
    """Required scopes are missing: the connector cannot start."""

    def __init__(self, missing: list[str]) -> None:
        self.missing = missing
        super().__init__(
            "The Zoom app lacks scopes the connector needs: "
            + ", ".join(missing)
            + ". Add them in the Zoom App Marketplace: Manage → your Server-to-Server OAuth app "
            "→ Scopes → Add Scopes, then save (re-activate the app if Zoom asks)."
        )


class FeatureDisabled(ZoomError):
    """A call was asked for whose feature is off because its scope was not granted."""

    def __init__(self, feature: str, scope: str, intent: str) -> None:
        self.feature = feature
        self.scope = scope
        super().__init__(
            f"Cannot {intent}: the feature '{feature}' is off because the Zoom app lacks the "
            f"scope {scope}. Add it in the Zoom App Marketplace (app → Scopes)."
        )


class ZoomRequestError(ZoomError):
    """A Zoom API call failed; `intent` says what the connector was trying to do."""

    def __init__(self, message: str, *, intent: str, status: int | None = None) -> None:
        self.intent = intent
        self.status = status
        super().__init__(message)


class ZoomApiError(ZoomRequestError):
    """Zoom answered with an error it will answer again: retrying does not help."""

    def __init__(self, *, status: int, code: int | None, message: str, intent: str) -> None:
        self.code = code
        self.zoom_message = message
        coded = f"code {code}: " if code is not None else ""
        super().__init__(
            f"Could not {intent}: Zoom answered HTTP {status} ({coded}{message})",
            intent=intent,
            status=status,
        )


class ZoomNotFound(ZoomApiError):
    """The user, common area, device or voicemail does not exist (any more)."""


class UserRateLimited(ZoomRequestError):
    """Zoom's per-user limit (one presence update per user per minute) answered 429.

    Only that user must wait: the account's category is not slowed, and the call is not
    retried here, so the caller can work on other rooms and come back after `retry_after`
    seconds (None: Zoom did not say)."""

    def __init__(self, *, message: str, intent: str, retry_after: float | None) -> None:
        self.retry_after = retry_after
        super().__init__(
            f"Could not {intent} yet: Zoom allows one presence update per user per minute "
            f"({message}); it will be sent again after the minute",
            intent=intent,
            status=429,
        )


class ZoomUnavailable(ZoomRequestError):
    """Zoom did not answer usefully after every retry; trying later may work."""
