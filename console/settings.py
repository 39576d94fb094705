"""Console settings (env prefix `CONSOLE_`)."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEMO_SESSION_SECRET = "demo-console-session-change-me-0123456789"


class ConsoleSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CONSOLE_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8004
    # Where the console finds the gateway: it calls the same public API as any other program.
    gateway_url: str = "http://127.0.0.1:8000"
    # Signs the session cookie (which holds the gateway token). Refused outside demo mode if left at the demo value.
    session_secret: str = DEMO_SESSION_SECRET
    # "auto": the cookie is Secure when the page was served over HTTPS (directly or behind a TLS proxy that
    # sets X-Forwarded-Proto); "always" forces it (a deployment that is only ever reached over HTTPS).
    secure_cookies: str = Field(default="auto", pattern="^(auto|always)$")
    connect_timeout_seconds: float = 2.0
    read_timeout_seconds: float = 30.0
    # Organisations change rarely; the menu and forms reuse the registry for this long.
    registry_cache_seconds: float = 60.0
    # Worklists refresh themselves this often when JavaScript is on (0: never).
    worklist_refresh_seconds: int = Field(default=60, ge=0)
    # The accept and upward forms offer a department's slots from today over this many days.
    capacity_days: int = Field(default=14, ge=1, le=92)
    demo_mode: bool = Field(default=False, validation_alias=AliasChoices("CONSORTIUM_DEMO_MODE", "demo_mode"))
    local_timezone: str = Field(default="Asia/Shanghai",
                                validation_alias=AliasChoices("CONSORTIUM_LOCAL_TIMEZONE", "local_timezone"))
    log_level: str = Field(default="INFO", validation_alias=AliasChoices("CONSORTIUM_LOG_LEVEL", "log_level"))

    @model_validator(mode="after")
    def _refuse_demo_secret_in_production(self) -> "ConsoleSettings":
        if not self.demo_mode and self.session_secret == DEMO_SESSION_SECRET:
            raise ValueError("CONSOLE_SESSION_SECRET is the demo secret; set a real secret or CONSORTIUM_DEMO_MODE=true")
        if len(self.session_secret) < 32:
            raise ValueError("CONSOLE_SESSION_SECRET must be at least 32 characters")
        ZoneInfo(self.local_timezone)
        return self

    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.local_timezone)
