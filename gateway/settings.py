"""Gateway settings (env prefix `GATEWAY_`)."""
from __future__ import annotations

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from platform_common.settings import ServiceSettings


class GatewaySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")

    service_name: str = "gateway"
    port: int = 8000
    referral_url: str = "http://127.0.0.1:8001"
    payment_url: str = "http://127.0.0.1:8002"
    staffing_url: str = "http://127.0.0.1:8003"
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

    def service_urls(self) -> dict[str, str]:
        return {"referral": self.referral_url, "payment": self.payment_url, "staffing": self.staffing_url}
