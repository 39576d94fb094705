"""Settings read from the environment (pydantic-settings), one prefix per component.

`CONSORTIUM_*` holds what every process shares (broker, data directory, token secret,
demo mode); each service adds its own prefixed settings (`REFERRAL_`, `PAYMENT_`, ...).
"""
from __future__ import annotations

import os
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from . import clock

if TYPE_CHECKING:
    from .consumer import ConsumerConfig
    from .relay import RelayConfig
    from .worker import Backoff

DEMO_JWT_SECRET = "demo-secret-change-me-0123456789abcdef"
# The relay's fallback poll when <SERVICE>_RELAY_IDLE_POLL_SECONDS is unset (ServiceSettings.relay_config).
RELAY_IDLE_POLL_ALONE = 5.0
RELAY_IDLE_POLL_REPLICATED = 0.2


class CommonSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CONSORTIUM_", extra="ignore")

    data_dir: Path = Path("var")
    kafka_bootstrap: str = "127.0.0.1:9092"
    topic_partitions: int = 3
    # How many replicas of each service run (each its own member of its consumer groups); a topic's partitions are
    # shared among them, so there must be at least as many partitions as replicas (checked below).
    replicas: int = Field(default=1, ge=1)
    jwt_secret: str = DEMO_JWT_SECRET
    jwt_algorithm: str = "HS256"
    jwt_ttl_seconds: int = 8 * 3600
    # Demo mode loads the demo consortium and accounts; production runs with it off.
    demo_mode: bool = False
    log_level: str = "INFO"
    # kafka: production's Apache Kafka; tansu: the local memory-only broker of make run and the tests (its short
    # poll interval, and the consumers' rewind after it lost its log): platform_common/kafka_io.BrokerProfile.
    broker_profile: Literal["kafka", "tansu"] = "kafka"
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
        if self.topic_partitions < self.replicas:
            raise ValueError(f"CONSORTIUM_TOPIC_PARTITIONS ({self.topic_partitions}) is below CONSORTIUM_REPLICAS "
                             f"({self.replicas}): a replica beyond the partition count would consume nothing")
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
    # A commit that wrote outbox rows wakes its process's relay at once; this fallback poll finds rows written by
    # other processes (another replica's API, the replay command). Shorter costs the idle stack CPU. Unset, it
    # follows the layout: one replica, nothing else writes but the replay command (RELAY_IDLE_POLL_ALONE); several,
    # the replica holding the relay's lease publishes what the others commit, so it looks often
    # (RELAY_IDLE_POLL_REPLICATED) lest an event wait seconds in another replica's outbox.
    relay_idle_poll_seconds: float | None = Field(default=None, gt=0)
    # How often the relay checks that the broker still holds what it published (and re-publishes if not).
    relay_broker_check_seconds: float = 5.0
    # Published rows older than the retention are deleted this often.
    relay_purge_interval_seconds: float = 300.0
    # How long the relay waits for the broker to acknowledge one send before it counts a failed attempt.
    relay_send_timeout_seconds: float = 10.0
    consumer_max_attempts: int = 5
    consumer_retry_base_seconds: float = 0.2
    # One poll's wait for messages, and so the longest a stopping consumer waits for the poll under way.
    consumer_poll_timeout_ms: int = 1000
    # How long the broker may hold a fetch that finds nothing new; unset: the broker profile's (kafka_io.BrokerProfile).
    consumer_fetch_max_wait_ms: int | None = None
    consumer_close_timeout_ms: int = 1000
    # Every background worker (relay, consumers, clocks): the wait after a failure, doubled up to the longest.
    worker_backoff_first_seconds: float = 0.5
    worker_backoff_longest_seconds: float = 10.0
    # Connections kept open per process, and how many more a burst may open.
    db_pool_size: int = 10
    db_max_overflow: int = 20
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

    def worker_backoff(self) -> "Backoff":
        from .worker import Backoff

        return Backoff(self.worker_backoff_first_seconds, self.worker_backoff_longest_seconds)

    def relay_config(self) -> "RelayConfig":
        from .relay import RelayConfig

        idle_poll = self.relay_idle_poll_seconds or (
            RELAY_IDLE_POLL_ALONE if self.common.replicas == 1 else RELAY_IDLE_POLL_REPLICATED)
        return RelayConfig(self.relay_batch_size, idle_poll,
                           timedelta(hours=self.outbox_retention_hours), self.relay_broker_check_seconds,
                           self.relay_purge_interval_seconds, self.relay_send_timeout_seconds, self.worker_backoff())

    def consumer_config(self) -> "ConsumerConfig":
        from .consumer import ConsumerConfig
        from .kafka_io import BrokerProfile

        profile = BrokerProfile.named(self.common.broker_profile)
        if self.consumer_fetch_max_wait_ms is not None:
            profile = replace(profile, fetch_max_wait_ms=self.consumer_fetch_max_wait_ms)
        return ConsumerConfig(self.consumer_max_attempts, self.consumer_retry_base_seconds,
                              self.consumer_poll_timeout_ms, profile=profile,
                              close_timeout_ms=self.consumer_close_timeout_ms, backoff=self.worker_backoff())

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
