"""Settings of the telephone side: SIP lines, wake-up calls, room-phone services, prompts."""

from __future__ import annotations

import enum
import re
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator


def _example(value: str) -> dict[str, object]:
    return {"examples": [value]}


_DIGIT = r"^[0-9*#]$"
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class SipTransport(enum.StrEnum):
    UDP = "udp"
    TCP = "tcp"
    TLS = "tls"


class SrtpMode(enum.StrEnum):
    """SDES-SRTP: `off` plain RTP only; `optional` encrypt when the far end offers or accepts
    it; `mandatory` refuse calls without it (Zoom third-party lines: assume mandatory)."""

    OFF = "off"
    OPTIONAL = "optional"
    MANDATORY = "mandatory"


class SipAccount(BaseModel):
    """One SIP line, as Zoom's "Other" device manual-provisioning page shows it."""

    user: Annotated[str, Field(min_length=1)]
    # Zoom's "Authorization ID"; default: the user name.
    auth_user: str | None = None
    password: SecretStr
    domain: Annotated[str, Field(min_length=1)]
    # host[:port]; default: the domain (Zoom: the "Outbound Proxy" field).
    outbound_proxy: str | None = None


class SipSettings(BaseModel):
    """The connector's SIP lines to Zoom Phone (docs/sip.md). No lines: no wake-up calls."""

    # A JSON list of accounts: [{"user": .., "auth_user": .., "password": .., "domain": ..,
    # "outbound_proxy": "host:port"}, ...].
    lines: Annotated[
        list[SipAccount],
        Field(json_schema_extra=_example(
            '[{"user":"15550100","auth_user":"802","password":"...","domain":"x.zoom.us"}]')),
    ] = []
    # Or: Zoom "Other" device ids whose manual-provision SIP accounts become lines (read with
    # GET /phone/devices/{id}; needs the phone:read:device:admin scope).
    zoom_device_ids: Annotated[
        list[str], Field(json_schema_extra=_example('["8a7sd6f5a4s3d2f1"]'))
    ] = []
    transport: Annotated[SipTransport, Field(json_schema_extra=_example("tls"))] = (
        SipTransport.TLS
    )
    # Overrides every line's outbound proxy (host:port), and a second one to fail over to.
    outbound_proxy: Annotated[
        str | None, Field(json_schema_extra=_example("us01sip.zoom.us:5091"))
    ] = None
    secondary_proxy: Annotated[
        str | None, Field(json_schema_extra=_example("us02sip.zoom.us:5091"))
    ] = None
    # The local address to bind SIP and RTP to, and the one to advertise (NAT: public address).
    # Every interface by default: RTP must be reachable from Zoom's media servers.
    bind_host: Annotated[str, Field(json_schema_extra=_example("0.0.0.0"))] = "0.0.0.0"  # noqa: S104
    bind_port: Annotated[int, Field(ge=0, le=65535, json_schema_extra=_example("5060"))] = 0
    advertised_host: Annotated[
        str | None, Field(json_schema_extra=_example("203.0.113.10"))
    ] = None
    rtp_port_min: Annotated[int, Field(ge=1024, le=65534, json_schema_extra=_example("20000"))] = (
        20000
    )
    rtp_port_max: Annotated[int, Field(ge=1025, le=65535, json_schema_extra=_example("20999"))] = (
        20999
    )
    srtp: Annotated[SrtpMode, Field(json_schema_extra=_example("mandatory"))] = SrtpMode.OPTIONAL
    # TLS: the CA bundle to check the proxy's certificate with (default: the system's).
    tls_ca_file: Annotated[
        Path | None, Field(json_schema_extra=_example("/etc/ssl/certs/ca-certificates.crt"))
    ] = None
    tls_verify: Annotated[bool, Field(json_schema_extra=_example("true"))] = True
    register_expires_seconds: Annotated[
        int, Field(ge=60, le=86400, json_schema_extra=_example("600"))
    ] = 600
    keepalive_seconds: Annotated[float, Field(ge=5, le=300, json_schema_extra=_example("30"))] = 30
    # Lines register this far apart at start-up, so 24 lines do not arrive at once.
    stagger_seconds: Annotated[float, Field(ge=0, le=10, json_schema_extra=_example("0.2"))] = 0.2
    user_agent: Annotated[
        str, Field(max_length=100, json_schema_extra=_example("zoom-hotel-connector"))
    ] = "zoom-hotel-connector"

    @field_validator("outbound_proxy", "secondary_proxy", "advertised_host", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @model_validator(mode="after")
    def _port_range(self) -> SipSettings:
        if self.rtp_port_max <= self.rtp_port_min:
            raise ValueError("rtp_port_max must be above rtp_port_min")
        return self

    @property
    def configured(self) -> bool:
        return bool(self.lines or self.zoom_device_ids)


class ConfirmMode(enum.StrEnum):
    """How a guest confirms a wake-up call: answering is enough, or a digit before the
    message, or a digit after it."""

    ANSWER = "answer"
    PRESS_BEFORE = "press_before"
    PRESS_AFTER = "press_after"


class WakeupSettings(BaseModel):
    """The wake-up call script (docs/wakeup.md)."""

    ring_seconds: Annotated[float, Field(ge=5, le=120, json_schema_extra=_example("24"))] = 24
    retries: Annotated[int, Field(ge=0, le=10, json_schema_extra=_example("3"))] = 3
    retry_interval_seconds: Annotated[
        float, Field(ge=10, le=3600, json_schema_extra=_example("300"))
    ] = 300
    confirm: Annotated[ConfirmMode, Field(json_schema_extra=_example("press_after"))] = (
        ConfirmMode.PRESS_AFTER
    )
    confirm_before_digit: Annotated[str, Field(pattern=_DIGIT, json_schema_extra=_example("1"))] = (
        "1"
    )
    confirm_after_digit: Annotated[str, Field(pattern=_DIGIT, json_schema_extra=_example("9"))] = (
        "9"
    )
    # How long to wait for the confirming digit after each prompt, and how often to play it.
    confirm_wait_seconds: Annotated[
        float, Field(ge=1, le=60, json_schema_extra=_example("8"))
    ] = 8
    message_plays: Annotated[int, Field(ge=1, le=5, json_schema_extra=_example("2"))] = 2
    # A digit that asks to be called again in `snooze_minutes` (empty: no snooze).
    snooze_digit: Annotated[
        str | None, Field(pattern=_DIGIT, json_schema_extra=_example("5"))
    ] = None
    snooze_minutes: Annotated[int, Field(ge=1, le=60, json_schema_extra=_example("10"))] = 10
    # Escalation after the last failed try: this extension is called and told which room.
    operator_extension: Annotated[
        str | None, Field(pattern=r"^\d{1,15}$", json_schema_extra=_example("2000"))
    ] = None
    # Wake-ups that fell due while the connector was down are still called within this window.
    grace_minutes: Annotated[int, Field(ge=0, le=120, json_schema_extra=_example("10"))] = 10

    @field_validator("snooze_digit", "operator_extension", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value


class IvrService(enum.StrEnum):
    HOUSEKEEPING = "housekeeping"
    WAKEUP = "wakeup"


class TimeEntry(enum.StrEnum):
    """How guests key a wake-up time: HHMM on a 24-hour clock, or HHMM then 1 AM / 2 PM."""

    H24 = "24h"
    H12 = "12h"


class IvrSettings(BaseModel):
    """Room-phone services reached by dialling the connector's lines (docs/ivr.md).

    A call is routed by the number it was dialled to (To / Request-URI user): the
    housekeeping number, the wake-up number, else `default_service`."""

    housekeeping_number: Annotated[
        str | None, Field(json_schema_extra=_example("7001"))
    ] = None
    wakeup_number: Annotated[str | None, Field(json_schema_extra=_example("7002"))] = None
    default_service: Annotated[IvrService, Field(json_schema_extra=_example("housekeeping"))] = (
        IvrService.HOUSEKEEPING
    )
    # Housekeeping: the digit for each status the attendant can key (docs/ivr.md).
    code_dirty: Annotated[str, Field(pattern=_DIGIT, json_schema_extra=_example("1"))] = "1"
    code_clean: Annotated[str, Field(pattern=_DIGIT, json_schema_extra=_example("2"))] = "2"
    code_inspected: Annotated[str, Field(pattern=_DIGIT, json_schema_extra=_example("3"))] = "3"
    # Extra codes, off unless set: reported where the PMS allows it (callback; not FIAS RS).
    code_out_of_order: Annotated[
        str | None, Field(pattern=_DIGIT, json_schema_extra=_example("8"))
    ] = None
    code_maintenance: Annotated[
        str | None, Field(pattern=_DIGIT, json_schema_extra=_example("9"))
    ] = None
    # Make-up room, keyed by the guest or housekeeping: FIAS guest service status RS 9 (or
    # the callback); the maid status is left as it is.
    code_make_up_room: Annotated[
        str | None, Field(pattern=_DIGIT, json_schema_extra=_example("4"))
    ] = None
    # After the status digit, an attendant number of up to this many digits, ended by #
    # (0: none asked for).
    attendant_digits: Annotated[int, Field(ge=0, le=8, json_schema_extra=_example("4"))] = 0
    # Every night at this local time occupied rooms become dirty (empty: off).
    nightly_reset_at: Annotated[str | None, Field(json_schema_extra=_example("03:00"))] = None
    time_entry: Annotated[TimeEntry, Field(json_schema_extra=_example("24h"))] = TimeEntry.H24
    digit_timeout_seconds: Annotated[
        float, Field(ge=2, le=60, json_schema_extra=_example("8"))
    ] = 8
    # Invalid input is explained and asked again this many times before the call ends.
    attempts: Annotated[int, Field(ge=1, le=5, json_schema_extra=_example("3"))] = 3

    @field_validator("housekeeping_number", "wakeup_number", "code_out_of_order",
                     "code_maintenance", "code_make_up_room", "nightly_reset_at",
                     mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("nightly_reset_at")
    @classmethod
    def _hhmm(cls, value: str | None) -> str | None:
        if value is not None and not _HHMM.match(value):
            raise ValueError("must be a 24-hour time HH:MM, for example 03:00")
        return value

    @model_validator(mode="after")
    def _distinct_codes(self) -> IvrSettings:
        codes = [c for c in (self.code_dirty, self.code_clean, self.code_inspected,
                             self.code_out_of_order, self.code_maintenance,
                             self.code_make_up_room) if c is not None]
        if len(codes) != len(set(codes)):
            raise ValueError(f"housekeeping codes must differ from each other: {codes}")
        return self


class VoiceSettings(BaseModel):
    """The recorded prompts callers hear (docs/prompts.md)."""

    # A folder with one sub-folder per language (`en/`, `de/`, ...) of WAV files; a prompt
    # missing there comes from the default set the connector ships.
    prompts_dir: Annotated[
        Path | None, Field(json_schema_extra=_example("/etc/connector/prompts"))
    ] = None
    default_language: Annotated[
        str, Field(pattern=r"^[a-z]{2}$", json_schema_extra=_example("en"))
    ] = "en"

    @field_validator("prompts_dir", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value
