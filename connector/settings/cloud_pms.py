"""Which PMS the hotel has, and how to reach a cloud PMS (OPERA Cloud through OHIP,
Cloudbeds). Each vendor's group is read only when `CONNECTOR_PMS__KIND` names it."""

from __future__ import annotations

import enum
import ipaddress
from typing import Annotated

from pydantic import BaseModel, Field, SecretStr, field_validator

from connector.settings.phone import _HHMM


def _example(value: str) -> dict[str, object]:
    return {"examples": [value]}


class PmsKind(enum.StrEnum):
    """How the PMS reaches the connector."""

    FIAS = "fias"  # an on-premise PMS over a FIAS link (CONNECTOR_FIAS__*)
    WEBHOOK = "webhook"  # a PMS that posts our signed JSON webhook (CONNECTOR_WEBHOOK__*)
    OHIP = "ohip"  # OPERA Cloud through the Oracle Hospitality Integration Platform
    CLOUDBEDS = "cloudbeds"  # Cloudbeds' PMS API v1.3


CLOUD_KINDS = frozenset({PmsKind.OHIP, PmsKind.CLOUDBEDS})


def _https(value: str, name: str, *, websocket: bool = False) -> str:
    schemes = ("https://", "http://", "wss://", "ws://") if websocket else ("https://", "http://")
    if not value.startswith(schemes):
        raise ValueError(f"{name} must start with {' or '.join(schemes)}")
    return value.rstrip("/")


class PmsSettings(BaseModel):
    """What all PMS doors share."""

    # Empty: `fias` when CONNECTOR_FIAS__MODE is client or server, else `webhook`.
    kind: Annotated[PmsKind | None, Field(json_schema_extra=_example("ohip"))] = None
    # When a cloud PMS's in-house list is read again every day, hotel time (HH:MM): the cloud
    # equivalent of FIAS's daily DR. It is also read at start, after a gap in the vendor's
    # events and on `connector sync --pms`.
    resync_daily_at: Annotated[str, Field(json_schema_extra=_example("04:30"))] = "04:30"

    @field_validator("kind", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("resync_daily_at")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        if not _HHMM.match(value):
            raise ValueError("must be a 24-hour time HH:MM, for example 04:30")
        return value


class OhipEvents(enum.StrEnum):
    STREAM = "stream"  # OHIP's streaming API (GraphQL over WebSocket): preferred
    POLL = "poll"  # the businessEvents dequeue, where streaming is not licensed


class OhipSettings(BaseModel):
    """OPERA Cloud through OHIP (docs/pms-ohip.md): what Oracle and the hotel give."""

    # The OHIP gateway of the hotel's region, e.g. https://mtu-region.hospitality-api.example.
    gateway_url: Annotated[
        str, Field(json_schema_extra=_example("https://ohip-gateway.example.com"))
    ] = ""
    # The OAuth client of the hotel's OPERA Cloud environment (from OHIP's developer portal).
    client_id: Annotated[str, Field(json_schema_extra=_example("Hotel_Client"))] = ""
    client_secret: Annotated[
        SecretStr | None, Field(json_schema_extra=_example("the client secret"))
    ] = None
    # The application key of our registered application (sent as x-app-key).
    app_key: Annotated[
        SecretStr | None, Field(json_schema_extra=_example("the application key"))
    ] = None
    # The scope Oracle assigned to the OAuth client, sent with the token request (OHIP's
    # oauth spec asks for one with client_credentials); empty: none sent.
    oauth_scope: Annotated[
        str, Field(json_schema_extra=_example("urn:opc:hgbu:ws:__myscopes__"))
    ] = ""
    hotel_id: Annotated[str, Field(json_schema_extra=_example("HOTEL1"))] = ""
    chain_code: Annotated[str, Field(json_schema_extra=_example("CHAIN"))] = ""
    # The external system code OPERA knows the connector by (events are chosen for it).
    external_system_code: Annotated[str, Field(json_schema_extra=_example("ZOOMPHONE"))] = ""
    events: Annotated[OhipEvents, Field(json_schema_extra=_example("stream"))] = OhipEvents.STREAM
    # Empty: the gateway's address with wss:// and /subscriptions.
    stream_url: Annotated[
        str | None, Field(json_schema_extra=_example("wss://ohip-gateway.example.com/subscriptions"))
    ] = None
    # How often the businessEvents dequeue is read when `events` is poll.
    poll_seconds: Annotated[float, Field(ge=1, le=300, json_schema_extra=_example("5"))] = 5
    # Oracle delays requests above 50 a second per environment: stay below it.
    requests_per_second: Annotated[
        int, Field(ge=1, le=50, json_schema_extra=_example("40"))
    ] = 40
    # The transaction code call charges are posted with (postBillingCharges); empty: charges
    # are kept and not posted (connector calls list shows them).
    charge_transaction_code: Annotated[str, Field(json_schema_extra=_example("9400"))] = ""
    cashier_id: Annotated[int | None, Field(ge=1, json_schema_extra=_example("7"))] = None
    timeout_seconds: Annotated[float, Field(gt=0, le=120, json_schema_extra=_example("30"))] = 30

    @field_validator("client_secret", "app_key", "stream_url", "cashier_id", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("gateway_url")
    @classmethod
    def _gateway(cls, value: str) -> str:
        return value if value == "" else _https(value, "CONNECTOR_OHIP__GATEWAY_URL")

    @field_validator("stream_url")
    @classmethod
    def _stream(cls, value: str | None) -> str | None:
        return None if value is None else _https(value, "CONNECTOR_OHIP__STREAM_URL",
                                                 websocket=True)

    def missing(self) -> list[str]:
        """The variables a hotel on OHIP must still set (empty: none)."""
        needed = {"GATEWAY_URL": self.gateway_url, "CLIENT_ID": self.client_id,
                  "CLIENT_SECRET": self.client_secret, "APP_KEY": self.app_key,
                  "HOTEL_ID": self.hotel_id, "EXTERNAL_SYSTEM_CODE": self.external_system_code}
        if self.events is OhipEvents.STREAM:
            needed["CHAIN_CODE"] = self.chain_code
        return [f"CONNECTOR_OHIP__{name}" for name, value in needed.items() if not value]

    def subscriptions_url(self) -> str:
        """Where the stream is: the setting, else the gateway's own `/subscriptions`."""
        if self.stream_url:
            return self.stream_url
        return "ws" + self.gateway_url.removeprefix("http") + "/subscriptions"


class CloudbedsSettings(BaseModel):
    """Cloudbeds' PMS API v1.3 (docs/pms-cloudbeds.md)."""

    api_url: Annotated[
        str, Field(json_schema_extra=_example("https://api.cloudbeds.com/api/v1.3"))
    ] = "https://api.cloudbeds.com/api/v1.3"
    # The property's API key (Cloudbeds' marketplace: API credentials), sent as x-api-key.
    api_key: Annotated[
        SecretStr | None, Field(json_schema_extra=_example("cbat_the property's key"))
    ] = None
    property_id: Annotated[str, Field(json_schema_extra=_example("123456"))] = ""
    # The connector's address as Cloudbeds reaches it: webhooks are subscribed to
    # <PUBLIC_URL>/cloudbeds/<WEBHOOK_SECRET>/events.
    public_url: Annotated[
        str, Field(json_schema_extra=_example("https://phones.hotel.example"))
    ] = ""
    # The secret in the webhook's path (Cloudbeds signs nothing): at least 32 characters.
    webhook_secret: Annotated[
        SecretStr | None,
        Field(min_length=32, json_schema_extra=_example("$(openssl rand -hex 32)")),
    ] = None
    # Optional: the only addresses webhooks are taken from (comma-separated addresses or
    # networks); empty: any address with the secret.
    webhook_allowed_sources: Annotated[
        str, Field(json_schema_extra=_example("203.0.113.0/24"))
    ] = ""
    # Cloudbeds suspends credentials above 5 requests a second per property (10 for a
    # technology partner): never more, bursts included. The running connector takes this
    # many; `connector doctor` beside it takes one, so keep it one below Cloudbeds' limit.
    requests_per_second: Annotated[
        int, Field(ge=1, le=9, json_schema_extra=_example("4"))
    ] = 4
    # The item name call charges are posted under (postCustomItem).
    charge_item_name: Annotated[
        str, Field(min_length=1, max_length=60, json_schema_extra=_example("Telephone"))
    ] = "Telephone"
    timeout_seconds: Annotated[float, Field(gt=0, le=120, json_schema_extra=_example("30"))] = 30

    @field_validator("api_key", "webhook_secret", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("api_url")
    @classmethod
    def _api(cls, value: str) -> str:
        return _https(value, "CONNECTOR_CLOUDBEDS__API_URL")

    @field_validator("public_url")
    @classmethod
    def _public(cls, value: str) -> str:
        return value if value == "" else _https(value, "CONNECTOR_CLOUDBEDS__PUBLIC_URL")

    @field_validator("webhook_allowed_sources")
    @classmethod
    def _sources(cls, value: str) -> str:
        for entry in filter(None, (part.strip() for part in value.split(","))):
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(
                    f"{entry!r} is not an address or network (e.g. 203.0.113.0/24)") from None
        return value

    def allowed_sources(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network] | None:
        """The allow-list; None: any source."""
        entries = [part.strip() for part in self.webhook_allowed_sources.split(",")]
        networks = [ipaddress.ip_network(e, strict=False) for e in entries if e]
        return networks or None

    def missing(self) -> list[str]:
        """The variables a hotel on Cloudbeds must still set (empty: none)."""
        needed = {"API_KEY": self.api_key, "PROPERTY_ID": self.property_id,
                  "PUBLIC_URL": self.public_url, "WEBHOOK_SECRET": self.webhook_secret}
        return [f"CONNECTOR_CLOUDBEDS__{name}" for name, value in needed.items() if not value]
