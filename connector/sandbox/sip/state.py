"""The telephone state of one sandbox (room-phone behaviours, the call log, the registrar),
kept beside the `Sandbox` so the admin API and the running SIP side share it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from connector.clock import Clock, SystemClock
from connector.sandbox.sip.behaviour import PhoneBehaviours
from connector.sandbox.sip.calls import CallLog
from connector.sandbox.sip.digest_check import Nonces
from connector.sandbox.sip.registrar import Registrar

if TYPE_CHECKING:
    from connector.sandbox.sandbox import Sandbox


@dataclass
class PhoneSystem:
    behaviours: PhoneBehaviours = field(default_factory=PhoneBehaviours)
    calls: CallLog = field(default_factory=CallLog)
    registrar: Registrar = field(default_factory=lambda: Registrar(Nonces()))
    # Registrations expire on real time: the lines refresh them on real time too, and an
    # advance of the sandbox clock must not drop them.
    clock: Clock = field(default_factory=SystemClock)
    registrations_changed: asyncio.Event = field(default_factory=asyncio.Event)


_SYSTEMS: WeakKeyDictionary[Sandbox, PhoneSystem] = WeakKeyDictionary()


def phone_system(sandbox: Sandbox) -> PhoneSystem:
    """The sandbox's telephone state, made on first use."""
    system = _SYSTEMS.get(sandbox)
    if system is None:
        system = _SYSTEMS[sandbox] = PhoneSystem()
    return system
