"""The one settings tree. Every variable is `CONNECTOR_<GROUP>__<NAME>`; see `.env.example`."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

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


class RoomSettings(BaseModel):
    """Which extension rings in which room (the extension should not equal the room number)."""

    map_file: Annotated[
        Path | None, Field(json_schema_extra=_example("/etc/connector/rooms.csv"))
    ] = None
    map: Annotated[str, Field(json_schema_extra=_example("101=2101,102=2102"))] = ""


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
