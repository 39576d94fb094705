"""Staffing service settings (env prefix `STAFFING_`); policy numbers with documented defaults."""
from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from platform_common.settings import ServiceSettings


class StaffingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="STAFFING_", extra="ignore")

    service_name: str = "staffing"
    port: int = 8003
