"""Settings of the account-wide parts of a hotel group on one Zoom account: the webhook intake
(`connector account-intake`), the elected account worker (`connector account-worker`) and, on
each hotel's connector, the feed door they deliver through."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator


def _example(value: str) -> dict[str, object]:
    return {"examples": [value]}


class AccountSettings(BaseModel):
    """Empty: a single hotel, nothing account-wide runs and nothing changes."""

    # The group: one row per hotel (id, base URL, Zoom site id and/or extension ranges).
    group_file: Annotated[
        Path | None, Field(json_schema_extra=_example("/etc/connector/group.yaml"))
    ] = None
    # Signs the worker's deliveries to each hotel's `POST /v1/account/feed` (both ends).
    feed_secret: Annotated[
        SecretStr | None, Field(min_length=16, json_schema_extra=_example("a-long-random-value"))
    ] = None
    # On a hotel: the group's worker does the Heavy voicemail sweep listing and call-history
    # poll for the whole account; this hotel waits for what it delivers instead.
    worker: bool = False
    # The election's Redis (the shared limiter's by default).
    redis_url: Annotated[
        SecretStr | None, Field(json_schema_extra=_example("redis://redis.hotels:6379/0"))
    ] = None
    # The Zoom account the election and the claims are kept under.
    account_id: Annotated[
        str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$",
                   json_schema_extra=_example("hotel-group"))
    ] = "default"
    lease_seconds: Annotated[float, Field(ge=2, le=300, json_schema_extra=_example("15"))] = 15.0
    # Subtracted from the lease on the leader's own clock: what a paused Redis answer, a GC
    # pause or a slow clock may cost.
    safety_margin_seconds: Annotated[
        float, Field(gt=0, le=60, json_schema_extra=_example("3"))] = 3.0
    # A delivery to a hotel (the intake's forward, the worker's feed) gives up after this.
    forward_timeout_seconds: Annotated[
        float, Field(gt=0, le=30, json_schema_extra=_example("2.5"))] = 2.5
    intake_host: Annotated[str, Field(min_length=1, json_schema_extra=_example("::"))] = (
        "127.0.0.1")
    intake_port: Annotated[int, Field(ge=1, le=65535, json_schema_extra=_example("8090"))] = 8090

    @field_validator("group_file", "feed_secret", "redis_url", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @model_validator(mode="after")
    def _consistent(self) -> AccountSettings:
        if self.safety_margin_seconds * 2 > self.lease_seconds:
            raise ValueError("safety_margin_seconds must be at most half of lease_seconds")
        if self.worker and self.feed_secret is None:
            raise ValueError("feed_secret is required when worker is true (the group's worker "
                             "signs what it delivers with it)")
        return self
