"""What the console's actions and its Health page use beyond the connector: the parts
`connector serve` runs beside it. They open at different moments (the phone side after the
web app is built), so the service fills this in as they open; a part still None is not
running in this process, and a page says so instead of guessing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from connector.web.readiness import ReadinessCheck

if TYPE_CHECKING:
    from connector.ivr.status_recorder import StatusRecorder
    from connector.pms.cloud.door import CloudDoor
    from connector.pms.reporter import Reporter
    from connector.serve.fias_door import FiasDoor
    from connector.serve.phone_side import PhoneSide


@dataclass
class ConsoleParts:
    """`reporter`: reports to the PMS (DND, housekeeping); `recorder`: housekeeping statuses
    in and out, as the room phone records them; `fias`: the FIAS door (None: FIAS is off);
    `phone`: the SIP lines and wake-ups; `readiness`: the extra checks /readyz runs (the same
    list object, so checks added later show too); `billing_missing`: the settings call
    accounting still needs, `billing_on` whether it runs; `cloud`: the cloud PMS door (None:
    the PMS is not a cloud one)."""

    reporter: Reporter | None = None
    recorder: StatusRecorder | None = None
    fias: FiasDoor | None = None
    phone: PhoneSide | None = None
    readiness: Sequence[ReadinessCheck] = field(default_factory=list)
    billing_missing: Sequence[str] = ()
    billing_on: bool = False
    cloud: CloudDoor | None = None
