"""The two ways a console request is turned away: a page saying why, or a trip to sign-in.

Apart from `shell` (templates, sessions) so the web app can catch them without loading the
console, which it builds only on the first request to it (`door`)."""

from __future__ import annotations

from urllib.parse import quote


class ConsoleRefusal(Exception):
    """A console request refused, rendered as a page saying why (`error.html`)."""

    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.title = title
        self.message = message


class SignInRequired(Exception):
    """Not signed in: a page sends the browser to sign-in (and back to `next` after)."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def sign_in_path(next_path: str) -> str:
    return f"/console/sign-in?next={quote(next_path, safe='/')}"
