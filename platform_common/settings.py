"""Settings read from the environment (pydantic-settings), one prefix per component.

`CONSORTIUM_*` holds what every process shares (broker, data directory, token secret,
demo mode); each service adds its own prefixed settings (`REFERRAL_`, `PAYMENT_`, ...).
"""
from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from . import clock

DEMO_JWT_SECRET = "demo-secret-change-me-0123456789abcdef"


class CommonSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CONSORTIUM_", extra="ignore")

    data_dir: Path = Path("var")
    kafka_bootstrap: str = "127.0.0.1:9092"
    topic_partitions: int = 3
    jwt_secret: str = DEMO_JWT_SECRET
    jwt_algorithm: str = "HS256"
    jwt_ttl_seconds: int = 8 * 3600
    # Demo mode loads the demo consortium and accounts; production runs with it off.
    demo_mode: bool = False
    log_level: str = "INFO"
    # The county's clock: periods, "today" and date filters are local dates (a claim dated today in
    # Wushan is not in the future at 03:00 Beijing time).
    local_timezone: str = "Asia/Shanghai"

    @model_validator(mode="after")
    def _refuse_demo_secret_in_production(self) -> "CommonSettings":
        if not self.demo_mode and self.jwt_secret == DEMO_JWT_SECRET:
            raise ValueError(
                "CONSORTIUM_JWT_SECRET is the demo secret; set a real secret or CONSORTIUM_DEMO_MODE=true"
            )
        try:
            ZoneInfo(self.local_timezone)
        except (ZoneInfoNotFoundError, ValueError) as e:
            raise ValueError(f"CONSORTIUM_LOCAL_TIMEZONE {self.local_timezone!r} is not a time zone") from e
        if len(self.jwt_secret) < 32:
            raise ValueError("CONSORTIUM_JWT_SECRET must be at least 32 characters")
        return self


class ServiceSettings(BaseSettings):
    """Base of each service's settings; subclasses set `env_prefix` and `service_name`."""

    model_config = SettingsConfigDict(extra="ignore")

    service_name: str = "service"
    host: str = "127.0.0.1"
    port: int = 8001
    database_url: str | None = None
    # Published outbox rows are kept this long so a broker that lost its log can be refilled.
    outbox_retention_hours: int = 168
    relay_batch_size: int = 500
    relay_idle_poll_seconds: float = 0.2
    # How often the relay checks that the broker still holds what it published (and re-publishes if not).
    relay_broker_check_seconds: float = 5.0
    consumer_max_attempts: int = 5
    consumer_retry_base_seconds: float = 0.2
    max_body_bytes: int = 1_048_576
    # Routes that take a file (claim files: multipart/form-data) have their own cap; every other body the small one.
    max_upload_bytes: int = 256 * 1_048_576
    common: CommonSettings = Field(default_factory=CommonSettings)

    @property
    def local_timezone(self) -> str:
        return self.common.local_timezone

    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.common.local_timezone)

    def today(self) -> date:
        """Today in the consortium's zone (never the host's): every service agrees on the date."""
        return clock.today(self.tz())

    def local_date(self, moment: datetime) -> date:
        """The consortium's date at an instant (a referral created at 23:30 UTC is dated the next morning)."""
        return moment.astimezone(self.tz()).date()

    def resolved_database_url(self) -> str:
        return self.database_url or _sqlite_url(self.common.data_dir, self.service_name)

    @classmethod
    def database_url_from_env(cls) -> str:
        """The database URL the component's process would use, read from the environment alone.

        For the operator's commands that touch only the database (`migrate`, `replay-outbox`): building the whole
        settings would run the checks of a serving process, which refuse the demo secrets outside demo mode, so
        `make replay-outbox` failed on `make run`'s stack unless demo mode was set by hand in the shell.
        """
        prefix = (cls.model_config.get("env_prefix") or "").upper()
        env = {k.upper(): v for k, v in os.environ.items()}
        data_dir = Path(env.get("CONSORTIUM_DATA_DIR") or CommonSettings.model_fields["data_dir"].default)
        return env.get(f"{prefix}DATABASE_URL") or _sqlite_url(data_dir, cls.model_fields["service_name"].default)


def _sqlite_url(data_dir: Path, name: str) -> str:
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{(data_dir / f'{name}.db').resolve()}"
