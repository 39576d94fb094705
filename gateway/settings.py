"""Gateway settings (env prefix `GATEWAY_`)."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import field_validator
from pydantic_settings import SettingsConfigDict

from platform_common.settings import ServiceSettings


class GatewaySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")

    service_name: str = "gateway"
    port: int = 8000
    # One URL, or several replicas of the service separated by commas (`http://a:8001,http://b:8001`).
    referral_url: str = "http://127.0.0.1:8001"
    payment_url: str = "http://127.0.0.1:8002"
    staffing_url: str = "http://127.0.0.1:8003"
    # How often each replica of a service with several is asked for its /health (in rotation or not).
    replica_probe_seconds: float = 5.0
    connect_timeout_seconds: float = 2.0
    # Bulk uploads and settlements can take a while; everything else answers in milliseconds.
    read_timeout_seconds: float = 120.0
    max_connections: int = 200
    # An answer with a known length below this is read whole and sent in one piece; longer or unknown-length
    # answers (downloads, big pages) are streamed through without being held in memory.
    buffered_response_max_bytes: int = 65536
    health_timeout_seconds: float = 2.0
    login_max_failures: int = 10
    login_window_seconds: int = 300
    # Written by make run's supervisor (devstack/supervisor.py): each process's restarts, shown in /health.
    supervisor_status_file: Path | None = None

    @field_validator("referral_url", "payment_url", "staffing_url")
    @classmethod
    def _replica_urls(cls, value: str) -> str:
        urls = split_urls(value)
        if not urls:
            raise ValueError("at least one URL")
        for url in urls:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/") \
                    or parts.query or parts.fragment:
                raise ValueError(f"{url!r} is not http(s)://host[:port]")
        return value

    def service_replicas(self) -> dict[str, list[str]]:
        """Each service's replica URLs, in the order of its setting."""
        return {"referral": split_urls(self.referral_url), "payment": split_urls(self.payment_url),
                "staffing": split_urls(self.staffing_url)}


def split_urls(value: str) -> list[str]:
    return [u.strip().rstrip("/") for u in value.split(",") if u.strip()]
