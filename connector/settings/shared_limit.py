"""Settings of the Zoom limiter shared through Redis by the connectors of one Zoom account."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator


def _example(value: str) -> dict[str, object]:
    return {"examples": [value]}


class SharedLimitSettings(BaseModel):
    """Empty `redis_url`: this connector paces alone at `CONNECTOR_ZOOM__RATE_LIMIT_SHARE`."""

    # A secret: the URL may carry Redis's password.
    redis_url: Annotated[
        SecretStr | None, Field(json_schema_extra=_example("redis://redis.hotels:6379/0"))
    ] = None
    # This hotel, within the account: its fair part is counted under this name.
    hotel_id: Annotated[
        str | None, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$",
                          json_schema_extra=_example("lisbon-centro"))
    ] = None
    # How many connectors share the account: each paces at 1/N when Redis cannot be reached.
    connectors: Annotated[int | None, Field(ge=1, le=100_000, json_schema_extra=_example("3"))] = (
        None
    )
    timeout_seconds: Annotated[
        float, Field(gt=0, le=5, json_schema_extra=_example("0.05"))
    ] = 0.05
    # Background sweeps take a slot only while guest-facing work waits less than this.
    background_headroom_seconds: Annotated[
        float, Field(ge=0, le=10, json_schema_extra=_example("0.1"))
    ] = 0.1
    # While the account is backlogged, a hotel goes at most at max(1/active hotels, floor).
    fairness_floor: Annotated[
        float, Field(gt=0, le=1, json_schema_extra=_example("0.05"))
    ] = 0.05

    @field_validator("redis_url", "hotel_id", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @model_validator(mode="after")
    def _complete_when_shared(self) -> SharedLimitSettings:
        if self.redis_url is None:
            return self
        url = self.redis_url.get_secret_value()
        if not url.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("redis_url must be a redis://, rediss:// or unix:// URL")
        if self.hotel_id is None:
            raise ValueError("hotel_id is required when redis_url is set")
        if self.connectors is None:
            raise ValueError("connectors is required when redis_url is set")
        return self
