"""Which kind of work a Zoom call serves: guest-facing work goes before background sweeps.

The class travels with the caller in a context variable, so endpoint functions stay one line of
intent: a background job wraps itself in `background_work()`, everything else is guest-facing
(what the reconciler does for a PMS event, wake-ups, check-in and check-out).
"""

from __future__ import annotations

import contextlib
import enum
from collections.abc import Iterator
from contextvars import ContextVar


class WorkClass(enum.StrEnum):
    GUEST = "g"
    BACKGROUND = "b"


_current: ContextVar[WorkClass] = ContextVar("zoom_work_class", default=WorkClass.GUEST)


def current_work_class() -> WorkClass:
    """The class of the work calling Zoom now (guest-facing unless a sweep said otherwise)."""
    return _current.get()


@contextlib.contextmanager
def background_work() -> Iterator[None]:
    """Mark the Zoom calls made inside (and by tasks started inside) as a background sweep."""
    token = _current.set(WorkClass.BACKGROUND)
    try:
        yield
    finally:
        _current.reset(token)
