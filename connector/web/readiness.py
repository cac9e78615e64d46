"""`/readyz`: may this instance take PMS events now?

Ready means the store takes writes (so an event can be made durable before it is
acknowledged), a Zoom token was obtained and the extension directory loaded (so the connector
started properly). A Zoom outage *after* start-up does not make the instance unready: events
are still stored and converge later, and pulling the instance out of service would only make
the PMS queue them instead. Other parts add their own checks (the FIAS link, when configured)
as `ReadinessCheck`s.

/readyz is unsigned: its details are plain words for whoever probes it, never a local path
or a peer's address (those go to the log, `connector status` and `connector doctor`).
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from connector.service import Connector
from connector.store import StoreError
from connector.web.schemas import Check, Readiness

log = logging.getLogger(__name__)

ReadinessCheck = Callable[[], Check | Awaitable[Check]]

PROBE_KEY = "web.readiness_probe_at"


def store_writable(connector: Connector, now: datetime) -> Check:
    """A real write: a read-only or full volume only shows itself when written to."""
    try:
        connector.store.set_meta(PROBE_KEY, now.isoformat())
    except StoreError as error:
        log.warning("readiness: the store does not take writes: %s", error)
        return Check(name="store_writable", ok=False,
                     detail="the connector's database does not take writes (read-only or full "
                            "volume, or locked); the connector log names the file and the cause")
    return Check(name="store_writable", ok=True, detail="the database takes writes")


def zoom_token(connector: Connector) -> Check:
    if connector.client.tokens.cached is None:
        return Check(name="zoom_token", ok=False,
                     detail="Zoom token: none obtained yet (Zoom refused the app's credentials "
                            "or could not be reached); the connector log has Zoom's answer")
    return Check(name="zoom_token", ok=True, detail="Zoom token: obtained")


def directory_loaded(connector: Connector) -> Check:
    if not connector.directory.loaded:
        return Check(name="directory_loaded", ok=False,
                     detail="Zoom directory: the phone extensions have not been loaded from "
                            "Zoom yet, so rooms cannot be matched to their phones")
    return Check(name="directory_loaded", ok=True, detail="Zoom directory: loaded")


async def assess(connector: Connector | None, now: datetime,
                 extra: Sequence[ReadinessCheck]) -> Readiness:
    """Every check, the built-in ones first; a check that raises counts as failed."""
    if connector is None:
        checks = [Check(name="connector", ok=False,
                        detail="the connector is not open (starting up or shutting down)")]
    else:
        checks = [store_writable(connector, now), zoom_token(connector),
                  directory_loaded(connector)]
    for check in extra:
        checks.append(await _run(check))
    return Readiness(ready=all(c.ok for c in checks), checks=checks)


async def _run(check: ReadinessCheck) -> Check:
    name = getattr(check, "__name__", type(check).__name__)
    try:
        result = check()
        return await result if inspect.isawaitable(result) else result
    except Exception as error:
        log.exception("readiness check %s raised", name)
        return Check(name=name, ok=False, detail=f"the check raised {type(error).__name__}")
