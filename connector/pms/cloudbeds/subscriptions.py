"""The connector's own Cloudbeds webhook subscriptions: kept at start, removed on request.

One subscription per (object, action) the phones read, to `<public_url>/cloudbeds/<secret>
/events`. A subscription of ours (its endpoint is a connector door, `/cloudbeds/…/events`)
with another address or secret is replaced: the new one is made first, then the old one
deleted, so no notice falls between. Another application's subscriptions are left alone.
The endpoint holds the secret: it is never logged or shown, only its public part."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from connector.pms.cloudbeds.client import CloudbedsClient, Json
from connector.pms.cloudbeds.webhooks import EVENTS

log = logging.getLogger(__name__)

_OURS = re.compile(r"/cloudbeds/[^/]+/events$")


@dataclass(frozen=True, slots=True)
class Subscription:
    """One webhook subscription as `getWebhooks` lists it."""

    id: str
    object: str
    action: str
    endpoint: str

    @property
    def ours(self) -> bool:
        """Made by a connector (this one or an earlier address or secret of it)."""
        return bool(_OURS.search(self.endpoint))


def listed(answer: Json) -> list[Subscription]:
    """`getWebhooks`' `data`, pure."""
    data = answer.get("data")
    found: list[Subscription] = []
    for entry in data if isinstance(data, list) else []:
        if not isinstance(entry, Mapping):
            continue
        event, target = entry.get("event"), entry.get("subscriptionData")
        entity = event.get("entity") if isinstance(event, Mapping) else None
        action = event.get("action") if isinstance(event, Mapping) else None
        endpoint = target.get("endpoint") if isinstance(target, Mapping) else None
        if entry.get("id") and entity and action:
            found.append(Subscription(str(entry["id"]), str(entity), str(action),
                                      str(endpoint or "")))
    return found


@dataclass(frozen=True, slots=True)
class Plan:
    """What to change: (object, action) pairs to subscribe, subscriptions to delete, and
    the ids of ours already right."""

    create: tuple[tuple[str, str], ...]
    delete: tuple[Subscription, ...]
    keep: Mapping[tuple[str, str], str]


def plan(existing: Sequence[Subscription], endpoint: str) -> Plan:
    """The least that leaves exactly one subscription of ours per event, to `endpoint`."""
    keep: dict[tuple[str, str], str] = {}
    delete: list[Subscription] = []
    for sub in existing:
        pair = (sub.object, sub.action)
        if sub.endpoint == endpoint and pair in EVENTS and pair not in keep:
            keep[pair] = sub.id
        elif sub.ours:
            delete.append(sub)  # an old address or secret, a repeat, or an event not read
    create = tuple(pair for pair in EVENTS if pair not in keep)
    return Plan(create, tuple(delete), keep)


class Subscriptions:
    """This property's subscriptions of ours; ids kept in memory for the doctor."""

    def __init__(self, client: CloudbedsClient, endpoint: str, public_endpoint: str) -> None:
        self._client = client
        self._endpoint = endpoint
        self.public_endpoint = public_endpoint  # the endpoint with the secret hidden
        self.ids: dict[tuple[str, str], str] = {}

    async def keep(self) -> Plan:
        """Subscribe what is missing, replace what points elsewhere; return what was done."""
        done = plan(listed(await self._client.get("getWebhooks")), self._endpoint)
        self.ids = dict(done.keep)
        for obj, action in done.create:
            answer = await self._client.post("postWebhook", {
                "object": obj, "action": action, "endpointUrl": self._endpoint})
            data = answer.get("data")
            sub_id = data.get("subscriptionID") if isinstance(data, Mapping) else None
            self.ids[(obj, action)] = str(sub_id or "")
            log.info("Cloudbeds: subscribed %s/%s to %s", obj, action, self.public_endpoint)
        for old in done.delete:
            await self._client.delete("deleteWebhook", {"subscriptionID": old.id})
            log.info("Cloudbeds: removed the old subscription %s (%s/%s)", old.id, old.object,
                     old.action)
        return done

    async def unsubscribe_all(self) -> int:
        """Remove every subscription of ours (any address or secret); how many were."""
        ours = [s for s in listed(await self._client.get("getWebhooks")) if s.ours]
        for sub in ours:
            await self._client.delete("deleteWebhook", {"subscriptionID": sub.id})
        self.ids.clear()
        log.info("Cloudbeds: removed %d webhook subscriptions of the connector", len(ours))
        return len(ours)

    async def check(self) -> list[str]:
        """The events not subscribed to our endpoint now (as object/action), from a fresh
        `getWebhooks`."""
        now = plan(listed(await self._client.get("getWebhooks")), self._endpoint)
        return [f"{obj}/{action}" for obj, action in now.create]
