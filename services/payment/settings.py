"""Payment service settings (env prefix `PAYMENT_`); policy numbers with documented defaults."""
from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from platform_common.settings import ServiceSettings


class PaymentSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PAYMENT_", extra="ignore")

    service_name: str = "payment"
    port: int = 8002
