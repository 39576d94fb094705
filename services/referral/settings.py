"""Referral service settings (env prefix `REFERRAL_`); policy numbers with documented defaults."""
from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from platform_common.settings import ServiceSettings


class ReferralSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REFERRAL_", extra="ignore")

    service_name: str = "referral"
    port: int = 8001
