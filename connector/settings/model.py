"""The one settings tree. Every variable is `CONNECTOR_<GROUP>__<NAME>`; see `.env.example`."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, Field, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from connector.pms.fias.codec import check_charset
from connector.pms.fias.config import MIN_LS_INTERVAL, PROFILES, AliveCheck, AliveRecord, Profile
from connector.pms.fias.posting_fields import PostingFields, parse_call_types
from connector.settings.account import AccountSettings
from connector.settings.cloud_pms import (
    CLOUD_KINDS,
    CloudbedsSettings,
    OhipSettings,
    PmsKind,
    PmsSettings,
)
from connector.settings.phone import (
    _HHMM,
    IvrSettings,
    SipSettings,
    VoiceSettings,
    WakeupSettings,
)
from connector.settings.shared_limit import SharedLimitSettings

ENV_PREFIX = "CONNECTOR_"
ENV_NESTED_DELIMITER = "__"


class Plan(enum.StrEnum):
    """The Zoom plan sets which rate-limit table applies (Pro, or Business and above)."""

    PRO = "pro"
    BUSINESS = "business"


class LogFormat(enum.StrEnum):
    AUTO = "auto"
    JSON = "json"
    TEXT = "text"


def _example(value: str) -> dict[str, object]:
    return {"examples": [value]}


class ZoomSettings(BaseModel):
    """How to reach the hotel's Zoom account (a Server-to-Server OAuth app)."""

    account_id: Annotated[str, Field(min_length=1, json_schema_extra=_example("AbCdEf123"))]
    client_id: Annotated[str, Field(min_length=1, json_schema_extra=_example("xYz987AbC"))]
    client_secret: Annotated[
        SecretStr, Field(min_length=1, json_schema_extra=_example("the app's client secret"))
    ]
    oauth_url: Annotated[str, Field(json_schema_extra=_example("https://zoom.us"))] = (
        "https://zoom.us"
    )
    # Empty: use the `api_url` Zoom returns with the token (the account's regional cluster).
    api_base_url: Annotated[
        str | None, Field(json_schema_extra=_example("https://api-eu.zoom.us"))
    ] = None
    plan: Annotated[Plan, Field(json_schema_extra=_example("business"))] = Plan.PRO
    rate_limit_share: Annotated[
        float, Field(gt=0, le=1, json_schema_extra=_example("0.8"))
    ] = 0.8
    timeout_seconds: Annotated[float, Field(gt=0, le=300, json_schema_extra=_example("30"))] = 30
    # The app's webhook Secret Token: Zoom signs its events with it (`POST /zoom/events`).
    # Empty: that door answers 503 and guests' DND from the phone does not reach the PMS.
    webhook_secret_token: Annotated[
        SecretStr | None, Field(json_schema_extra=_example("the app's secret token"))
    ] = None

    @field_validator("webhook_secret_token", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("oauth_url", "api_base_url")
    @classmethod
    def _http_url(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value in (None, ""):
            # An empty OAuth URL (`CONNECTOR_ZOOM__OAUTH_URL=`) means the default.
            return "https://zoom.us" if info.field_name == "oauth_url" else None
        assert value is not None
        if not value.startswith(("https://", "http://")):
            raise ValueError("must be an http(s) URL")
        return value.rstrip("/")


class SchedulingSettings(BaseModel):
    """Named after the DV2000 settings hotels already know."""

    retries: Annotated[int, Field(ge=0, le=10, json_schema_extra=_example("3"))] = 3
    retry_interval_seconds: Annotated[
        float, Field(gt=0, le=3600, json_schema_extra=_example("60"))
    ] = 60
    directory_refresh_minutes: Annotated[
        float, Field(ge=1, le=10080, json_schema_extra=_example("480"))
    ] = 480


class LogSettings(BaseModel):
    debug: Annotated[bool, Field(json_schema_extra=_example("false"))] = False
    format: Annotated[LogFormat, Field(json_schema_extra=_example("json"))] = LogFormat.AUTO


class VacantRestriction(enum.StrEnum):
    INTERNAL = "internal"  # extensions and emergency numbers only
    NATIONAL = "national"  # no international calls
    LEAVE = "leave"  # do not touch the room's outbound rules


class DepartmentSetting(enum.StrEnum):
    DISABLED = "disabled"
    STATUS = "status"
    ROOM = "room"
    SITE = "site"
    TEXT = "text"


class RoomSettings(BaseModel):
    """Which extension rings in which room, and how a room's phone should look."""

    # The extension should not equal the room number: the map says which rings where.
    map_file: Annotated[
        Path | None, Field(json_schema_extra=_example("/etc/connector/rooms.csv"))
    ] = None
    map: Annotated[str, Field(json_schema_extra=_example("101=2101,102=2102"))] = ""
    occupied_name: Annotated[
        str, Field(min_length=1, json_schema_extra=_example("${vip} ${first} ${last} ${extension}"))
    ] = "${vip} ${first} ${last} ${extension}"
    vacant_name: Annotated[
        str, Field(min_length=1, json_schema_extra=_example("Room ${room} ${extension}"))
    ] = "Room ${room} ${extension}"
    department: Annotated[DepartmentSetting, Field(json_schema_extra=_example("status"))] = (
        DepartmentSetting.DISABLED
    )
    department_text: Annotated[str, Field(max_length=128, json_schema_extra=_example("Guest"))] = ""
    vacant_restriction: Annotated[
        VacantRestriction, Field(json_schema_extra=_example("internal"))
    ] = VacantRestriction.INTERNAL
    class_of_service_levels: Annotated[
        str, Field(json_schema_extra=_example("0=internal,1=national,2=national,3=international"))
    ] = "0=internal,1=national,2=national,3=international"
    default_class_of_service: Annotated[int, Field(ge=0, le=3, json_schema_extra=_example("3"))] = 3
    dnd_reassert_minutes: Annotated[
        int, Field(ge=5, le=600, json_schema_extra=_example("60"))
    ] = 60

    @field_validator("occupied_name", "vacant_name")
    @classmethod
    def _template(cls, value: str) -> str:
        from connector.rooms.naming import parse_template

        parse_template(value)
        return value

    @field_validator("class_of_service_levels")
    @classmethod
    def _levels(cls, value: str) -> str:
        from connector.rooms.restriction import parse_class_levels

        parse_class_levels(value)
        return value


class HotelSettings(BaseModel):
    """Facts about the property."""

    name: Annotated[str, Field(max_length=128, json_schema_extra=_example("Harbour View"))] = ""
    country: Annotated[
        str, Field(pattern=r"^[A-Z]{2}$", json_schema_extra=_example("US"))
    ] = "US"
    timezone: Annotated[str, Field(json_schema_extra=_example("Europe/Lisbon"))] = "UTC"

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("is not an IANA time zone name") from None
        return value


class StoreSettings(BaseModel):
    path: Annotated[
        Path, Field(json_schema_extra=_example("/var/lib/connector/connector.sqlite3"))
    ] = Path("var/connector.sqlite3")


class ReconcileSettings(BaseModel):
    """How the connector converges Zoom on what the PMS said."""

    # Wait this long after a room's latest event before acting, so bursts become one call.
    settle_seconds: Annotated[float, Field(ge=0, le=60, json_schema_extra=_example("0.5"))] = 0.5
    parallel_rooms: Annotated[int, Field(ge=1, le=1000, json_schema_extra=_example("64"))] = 64
    # Guest names in the audit journal (personal data): off unless the hotel allows it.
    journal_names: Annotated[bool, Field(json_schema_extra=_example("false"))] = False
    # The Zoom app sends its voicemail events to /zoom/events (docs/zoom-app-setup.md): the
    # voicemail index is kept, swept nightly, and once a sweep trusts it a check-out purge
    # deletes by id with no listing. Off: every purge lists, as before.
    voicemail_webhooks: Annotated[bool, Field(json_schema_extra=_example("false"))] = False
    # When the nightly voicemail sweep runs, hotel time (HH:MM); only with voicemail_webhooks.
    voicemail_sweep_at: Annotated[str, Field(json_schema_extra=_example("03:00"))] = "03:00"

    @field_validator("voicemail_sweep_at")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        if not _HHMM.match(value):
            raise ValueError("must be a 24-hour time HH:MM, for example 03:00")
        return value


# One MiB: a batch of a few hundred events with room to spare.
DEFAULT_WEBHOOK_MAX_BODY_BYTES = 1024 * 1024
WEBHOOK_SECRET_MIN_LENGTH = 16


class WebhookSettings(BaseModel):
    """The signed JSON webhook a PMS posts events to (`POST /v1/pms/events`, docs/webhook.md).

    Without a secret the webhook door is closed (it answers 503); FIAS-only hotels need none.
    """

    secret: Annotated[
        SecretStr | None, Field(json_schema_extra=_example("$(openssl rand -hex 32)"))
    ] = None
    # During a rotation: the secret being retired, still accepted until it is removed.
    previous_secret: Annotated[
        SecretStr | None, Field(json_schema_extra=_example("$(openssl rand -hex 32)"))
    ] = None
    tolerance_seconds: Annotated[
        int, Field(ge=1, le=3600, json_schema_extra=_example("300"))
    ] = 300
    max_body_bytes: Annotated[
        int, Field(ge=1024, le=64 * 1024 * 1024, json_schema_extra=_example("1048576"))
    ] = DEFAULT_WEBHOOK_MAX_BODY_BYTES
    max_batch_events: Annotated[
        int, Field(ge=1, le=10000, json_schema_extra=_example("500"))
    ] = 500

    @field_validator("secret", "previous_secret", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        # `CONNECTOR_WEBHOOK__SECRET=` (as copied from .env.example) means "no secret".
        return None if value == "" else value

    @field_validator("secret", "previous_secret")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < WEBHOOK_SECRET_MIN_LENGTH:
            raise ValueError(
                f"is shorter than {WEBHOOK_SECRET_MIN_LENGTH} characters; use a long random "
                "string shared only with the PMS"
            )
        return value

    @field_validator("previous_secret")
    @classmethod
    def _only_beside_a_current_one(
        cls, value: SecretStr | None, info: ValidationInfo
    ) -> SecretStr | None:
        if value is not None and info.data.get("secret") is None:
            raise ValueError(
                "is set but CONNECTOR_WEBHOOK__SECRET is not; the previous secret is only "
                "accepted beside a current one during a rotation"
            )
        return value


class FiasMode(enum.StrEnum):
    OFF = "off"
    CLIENT = "client"  # we dial the PMS interface (the usual on-premises IFC)
    SERVER = "server"  # the PMS dials us (a cloud deployment)


class FiasSettings(BaseModel):
    """The FIAS link to the PMS (most on-premises PMSs speak it to phone systems)."""

    mode: Annotated[FiasMode, Field(json_schema_extra=_example("client"))] = FiasMode.OFF
    # client: the PMS interface's address; server: where we listen.
    host: Annotated[str, Field(json_schema_extra=_example("10.0.5.20"))] = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535, json_schema_extra=_example("5010"))] = 5010
    # The code page agreed with the PMS: any Python codec that writes the framing as ASCII.
    charset: Annotated[str, Field(json_schema_extra=_example("windows-1252"))] = "utf-8"
    lrc: Annotated[bool, Field(json_schema_extra=_example("false"))] = False
    ack: Annotated[bool, Field(json_schema_extra=_example("false"))] = False
    # How the PMS interface checks the link (connector.pms.fias.config.PROFILES); the three
    # settings after it override one part of the profile each (empty: the profile's).
    profile: Annotated[Profile, Field(json_schema_extra=_example("oracle"))] = Profile.ORACLE
    alive_record: Annotated[
        AliveRecord | None, Field(json_schema_extra=_example("LS"))
    ] = None
    alive_interval_seconds: Annotated[
        float | None, Field(gt=0, le=86400, json_schema_extra=_example("300"))
    ] = None
    # 0: no dead-link timer.
    dead_after_seconds: Annotated[
        float | None, Field(ge=0, le=86400, json_schema_extra=_example("360"))
    ] = None
    resync_after_down_seconds: Annotated[
        float, Field(ge=0, le=7 * 86400, json_schema_extra=_example("900"))
    ] = 900
    # HH:MM hotel time; empty: no daily resync.
    resync_daily_at: Annotated[str | None, Field(json_schema_extra=_example("05:00"))] = "05:00"
    pacing_ms: Annotated[int, Field(ge=0, le=5000, json_schema_extra=_example("500"))] = 0
    # TLS: client mode verifies the PMS against `tls_ca` (system CAs when empty); server mode
    # presents `tls_cert` + `tls_key`. Off unless `tls` is true.
    tls: Annotated[bool, Field(json_schema_extra=_example("true"))] = False
    tls_cert: Annotated[Path | None, Field(json_schema_extra=_example("/etc/fias.crt"))] = None
    tls_key: Annotated[Path | None, Field(json_schema_extra=_example("/etc/fias.key"))] = None
    tls_ca: Annotated[Path | None, Field(json_schema_extra=_example("/etc/pms-ca.pem"))] = None
    # Server mode, mutual TLS: the PMS must present a certificate signed by this CA.
    tls_client_ca: Annotated[
        Path | None, Field(json_schema_extra=_example("/etc/pms-client-ca.pem"))
    ] = None
    # Server mode: hosts, addresses or CIDR blocks the PMS may connect from (hosts resolved at
    # start); empty: any address (`connector doctor` warns).
    allowed_peers: Annotated[
        str, Field(json_schema_extra=_example("10.0.5.20,pms.hotel.lan"))
    ] = ""
    # Call-charge postings (PS) for an IFC configured for these fields: SO sales outlet, PX
    # trunk, PC call type by tariff class (`class=CODE,...`, `*` every other class). Empty:
    # not sent, and not announced in the LR for PS.
    posting_sales_outlet: Annotated[
        str | None, Field(json_schema_extra=_example("PHONE"))
    ] = None
    posting_trunk: Annotated[str | None, Field(json_schema_extra=_example("ZOOM"))] = None
    posting_call_types: Annotated[
        str, Field(json_schema_extra=_example("local=L,national=N,international=I,*=O"))
    ] = ""

    @field_validator("allowed_peers")
    @classmethod
    def _peers(cls, value: str) -> str:
        from connector.pms.fias.peers import split_entries

        split_entries(value)
        return value

    def allowed_peer_entries(self) -> list[str] | None:
        """The allow-list's entries; None when every address may connect."""
        from connector.pms.fias.peers import split_entries

        return split_entries(self.allowed_peers) or None

    @field_validator("posting_sales_outlet", "posting_trunk", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("posting_call_types")
    @classmethod
    def _call_types(cls, value: str) -> str:
        parse_call_types(value)
        return value

    @model_validator(mode="after")
    def _posting_fields_valid(self) -> FiasSettings:
        self.posting_fields()  # ValueError naming the bad SO or PX
        return self

    def posting_fields(self) -> PostingFields:
        """The SO/PX/PC every PS carries (and the LR for PS announces)."""
        return PostingFields(sales_outlet=self.posting_sales_outlet, trunk=self.posting_trunk,
                             call_types=parse_call_types(self.posting_call_types))

    @field_validator("charset")
    @classmethod
    def _known_code_page(cls, value: str) -> str:
        return check_charset(value.strip())

    @field_validator("alive_record", "alive_interval_seconds", "dead_after_seconds",
                     "resync_daily_at", "tls_client_ca", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        # `CONNECTOR_FIAS__RESYNC_DAILY_AT=` means "off"; the others "the profile's".
        return None if value == "" else value

    @field_validator("alive_record", mode="before")
    @classmethod
    def _record_any_case(cls, value: object) -> object:
        if isinstance(value, str):
            return value.lower() if value.lower() == "none" else value.upper()
        return value

    @field_validator("resync_daily_at")
    @classmethod
    def _hhmm(cls, value: str | None) -> str | None:
        if value is not None and not _HHMM.match(value):
            raise ValueError("must be a 24-hour time HH:MM, for example 05:00")
        return value

    def alive_check(self) -> AliveCheck:
        """The profile's alive check with the overrides applied."""
        base = PROFILES[self.profile]
        dead = self.dead_after_seconds
        return AliveCheck(
            record=self.alive_record or base.record,
            interval=self.alive_interval_seconds or base.interval,
            dead_after=base.dead_after if dead is None else (dead or None),
            answer_la=base.answer_la,
        )

    @model_validator(mode="after")
    def _alive_check_is_sound(self) -> FiasSettings:
        record = self.alive_record or PROFILES[self.profile].record
        interval = self.alive_interval_seconds or PROFILES[self.profile].interval
        if record is AliveRecord.LS and interval < MIN_LS_INTERVAL:
            raise ValueError(
                f"the alive interval is {interval:g} s (CONNECTOR_FIAS__ALIVE_INTERVAL_SECONDS): "
                f"with the LS alive check it must be at least {MIN_LS_INTERVAL:g}, because "
                "Oracle's FIAS specification allows the vendor's LS at most once every 5 minutes"
            )
        try:
            self.alive_check()
        except ValueError as error:
            raise ValueError(
                f"CONNECTOR_FIAS__DEAD_AFTER_SECONDS: {error} ({interval:g} s); "
                "0 means no dead-link timer"
            ) from None
        return self

    @model_validator(mode="after")
    def _server_tls_needs_a_certificate(self) -> FiasSettings:
        if self.mode is FiasMode.SERVER and self.tls and not (self.tls_cert and self.tls_key):
            raise ValueError(
                "a FIAS server with TLS needs CONNECTOR_FIAS__TLS_CERT and CONNECTOR_FIAS__TLS_KEY"
            )
        if self.tls_client_ca is not None and not (self.mode is FiasMode.SERVER and self.tls):
            raise ValueError(
                "CONNECTOR_FIAS__TLS_CLIENT_CA (client certificates) needs "
                "CONNECTOR_FIAS__MODE=server and CONNECTOR_FIAS__TLS=true"
            )
        return self


class ServerSettings(BaseModel):
    """Where `connector serve` listens for webhooks, health checks and metrics."""

    host: Annotated[str, Field(json_schema_extra=_example("0.0.0.0"))] = "127.0.0.1"  # noqa: S104
    # 0 picks any free port (tests).
    port: Annotated[int, Field(ge=0, le=65535, json_schema_extra=_example("8080"))] = 8080
    # Limits against slow or greedy clients (connector/serve/http_limits.py).
    header_timeout_seconds: Annotated[
        float, Field(gt=0, le=300, json_schema_extra=_example("10"))
    ] = 10
    body_timeout_seconds: Annotated[
        float, Field(gt=0, le=600, json_schema_extra=_example("30"))
    ] = 30
    keep_alive_seconds: Annotated[int, Field(ge=1, le=600, json_schema_extra=_example("5"))] = 5
    max_concurrency: Annotated[
        int, Field(ge=1, le=100000, json_schema_extra=_example("100"))
    ] = 100
    max_requests_per_connection: Annotated[
        int, Field(ge=1, le=1000000, json_schema_extra=_example("1000"))
    ] = 1000


class ReporterSettings(BaseModel):
    """Reports back to the PMS (wake-up results, maid status, call charges; docs/reporter.md).

    They go over FIAS when a FIAS link is configured, else to `callback_url`, else they are
    kept until one of the two is.
    """

    # A PMS that is not on FIAS: where reports are POSTed, signed like the webhook door.
    callback_url: Annotated[
        str | None, Field(json_schema_extra=_example("https://pms.example.com/zoom/reports"))
    ] = None
    # Default: the webhook secret (and, during a rotation, the previous one too).
    callback_secret: Annotated[
        SecretStr | None, Field(json_schema_extra=_example("$(openssl rand -hex 32)"))
    ] = None
    # FIAS: a posting (PS) whose answer (PA) has not come by then is marked unknown.
    posting_answer_timeout_seconds: Annotated[
        float, Field(ge=5, le=3600, json_schema_extra=_example("120"))
    ] = 120
    # FIAS: postings wait for the PMS's night audit (NS … NE, or a PA NA) at most this long.
    night_audit_max_hours: Annotated[
        float, Field(ge=1, le=24, json_schema_extra=_example("6"))
    ] = 6
    # Callback: attempts in a row before a report waits `retry_backoff_max_seconds`.
    retry_max: Annotated[int, Field(ge=1, le=20, json_schema_extra=_example("5"))] = 5
    retry_backoff_seconds: Annotated[
        float, Field(gt=0, le=60, json_schema_extra=_example("1"))
    ] = 1
    retry_backoff_max_seconds: Annotated[
        float, Field(ge=1, le=3600, json_schema_extra=_example("300"))
    ] = 300
    callback_timeout_seconds: Annotated[
        float, Field(gt=0, le=120, json_schema_extra=_example("10"))
    ] = 10

    @field_validator("callback_url", "callback_secret", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("callback_url")
    @classmethod
    def _callback_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("https://", "http://")):
            raise ValueError("must be an http(s) URL")
        return value

    @field_validator("callback_secret")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < WEBHOOK_SECRET_MIN_LENGTH:
            raise ValueError(
                f"is shorter than {WEBHOOK_SECRET_MIN_LENGTH} characters; use a long random "
                "string shared only with the PMS"
            )
        return value


class BillingSettings(BaseModel):
    """Call accounting (docs/billing.md): outside calls from room phones, rated by the hotel's
    tariff and posted to the room's folio. On only with a tariff file and Zoom's webhook
    secret token (CONNECTOR_ZOOM__WEBHOOK_SECRET_TOKEN); otherwise no call is taken."""

    # The hotel's tariff (YAML; docs/billing.md). Empty: call accounting is off.
    tariff_file: Annotated[
        Path | None, Field(json_schema_extra=_example("/etc/connector/tariff.yaml"))
    ] = None
    # A call whose record comes after its guest left is still posted for this long after the
    # check-out (unless the room has been let again), else listed as a late charge.
    late_posting_hours: Annotated[
        float, Field(ge=0, le=720, json_schema_extra=_example("24"))
    ] = 24

    # The call-history poll (repairs what Zoom's webhooks did not deliver).
    # The longest time between two listings of `GET /phone/call_history`: a call whose webhook
    # Zoom never delivered reaches the folio within about this long (Zoom's own retries, at 5,
    # 20 and 60 minutes, bring the rest). Hourly, a busy hotel's listings fill whole pages.
    poll_interval_minutes: Annotated[
        int, Field(ge=5, le=1440, json_schema_extra=_example("60"))
    ] = 60
    # The share of the plan's daily Heavy budget the poll may use (Pro 15,000, Business
    # 30,000 a day, shared with the account-wide voicemail listing and every other app).
    poll_daily_heavy_share: Annotated[
        float, Field(gt=0, le=0.5, json_schema_extra=_example("0.02"))
    ] = 0.02
    # A call in a tariff class that marks up Zoom's carrier charge waits for Zoom's call
    # charges report (read after each poll) at most this long after it ended; then its
    # class's per_minute prices it, or it is held as no rate.
    carrier_charge_wait_hours: Annotated[
        float, Field(gt=0, le=168, json_schema_extra=_example("6"))
    ] = 6

    @field_validator("tariff_file", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value


class ConsoleSettings(BaseModel):
    """The front-desk console (docs/console.md), served by `connector serve` at /console once
    at least one staff account exists (`connector staff add`)."""

    # Mark the session cookie Secure (sent over HTTPS only): on whenever the console is
    # reached over https, e.g. behind a TLS-terminating proxy.
    secure_cookie: Annotated[bool, Field(json_schema_extra=_example("true"))] = False
    # A signed-in session ends this many hours after sign-in (a shift), whatever happens.
    session_hours: Annotated[float, Field(gt=0, le=24, json_schema_extra=_example("12"))] = 12


class PrivacySettings(BaseModel):
    """Guests' personal data (docs/privacy.md): how long it is kept after a stay, and how long
    the records without it (event ids, the event log, the Zoom journal, settled reports and
    calls) are kept before they are deleted."""

    # Days after a stay ends before its names, titles, VIP text, language and dialled numbers
    # are erased everywhere. 30: long enough for a late charge, a folio dispute or a lost-and-
    # found call back; short enough that a store never holds last season's guests.
    retention_days: Annotated[int, Field(ge=1, le=3650, json_schema_extra=_example("30"))] = 30
    # Days the records without names are kept (the audit trail: event ids, the event log, the
    # Zoom journal, settled reports, calls and wake-ups; 13 months, so last year's same month
    # can be compared). An event id older than this is forgotten: a PMS resending one that old
    # would have it applied anew.
    audit_retention_days: Annotated[
        int, Field(ge=90, le=3650, json_schema_extra=_example("400"))
    ] = 400
    # When the daily erasure runs, hotel time (HH:MM); a day missed while down is run at start.
    run_at: Annotated[str, Field(json_schema_extra=_example("03:30"))] = "03:30"

    @field_validator("run_at")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        if not _HHMM.match(value):
            raise ValueError("must be a 24-hour time HH:MM, for example 03:30")
        return value

    @model_validator(mode="after")
    def _records_outlive_personal_data(self) -> PrivacySettings:
        if self.audit_retention_days < self.retention_days:
            raise ValueError(
                f"CONNECTOR_PRIVACY__AUDIT_RETENTION_DAYS ({self.audit_retention_days}) must "
                "be at least "
                f"CONNECTOR_PRIVACY__RETENTION_DAYS ({self.retention_days}): the records "
                "outlive the personal data erased from them")
        return self


class Settings(BaseSettings):
    """Everything the connector reads from its environment."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter=ENV_NESTED_DELIMITER,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    zoom: ZoomSettings
    scheduling: SchedulingSettings = SchedulingSettings()
    log: LogSettings = LogSettings()
    rooms: RoomSettings = RoomSettings()
    hotel: HotelSettings = HotelSettings()
    store: StoreSettings = StoreSettings()
    reconcile: ReconcileSettings = ReconcileSettings()
    fias: FiasSettings = FiasSettings()
    server: ServerSettings = ServerSettings()
    webhook: WebhookSettings = WebhookSettings()
    reporter: ReporterSettings = ReporterSettings()
    sip: SipSettings = SipSettings()
    wakeup: WakeupSettings = WakeupSettings()
    ivr: IvrSettings = IvrSettings()
    voice: VoiceSettings = VoiceSettings()
    billing: BillingSettings = BillingSettings()
    privacy: PrivacySettings = PrivacySettings()
    console: ConsoleSettings = ConsoleSettings()
    pms: PmsSettings = PmsSettings()
    ohip: OhipSettings = OhipSettings()
    cloudbeds: CloudbedsSettings = CloudbedsSettings()
    shared_limit: SharedLimitSettings = SharedLimitSettings()
    account: AccountSettings = AccountSettings()

    def pms_kind(self) -> PmsKind:
        """The hotel's PMS door: the setting, else FIAS when a link is set, else webhook."""
        if self.pms.kind is not None:
            return self.pms.kind
        return PmsKind.WEBHOOK if self.fias.mode is FiasMode.OFF else PmsKind.FIAS

    @model_validator(mode="after")
    def _one_pms(self) -> Settings:
        kind = self.pms_kind()
        if kind is PmsKind.FIAS and self.fias.mode is FiasMode.OFF:
            raise ValueError("CONNECTOR_PMS__KIND is fias but CONNECTOR_FIAS__MODE is off: "
                             "set the mode to client or server (docs/fias.md)")
        if kind in CLOUD_KINDS and self.fias.mode is not FiasMode.OFF:
            raise ValueError(f"CONNECTOR_PMS__KIND is {kind.value}, a cloud PMS, but "
                             "CONNECTOR_FIAS__MODE is on: a hotel has one PMS; set the mode "
                             "to off (or the kind to fias)")
        missing = (self.ohip.missing() if kind is PmsKind.OHIP else
                   self.cloudbeds.missing() if kind is PmsKind.CLOUDBEDS else [])
        if missing:
            raise ValueError(f"CONNECTOR_PMS__KIND is {kind.value}: set "
                             + ", ".join(missing) + f" (docs/pms-{kind.value}.md)")
        return self
