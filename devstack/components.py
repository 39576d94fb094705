"""The processes of the platform and where their code, settings and migrations are."""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Component:
    name: str
    app: str            # uvicorn target
    env_prefix: str     # settings prefix: <PREFIX>PORT, <PREFIX>DATABASE_URL
    default_port: int
    bootstrap: str      # module with MIGRATIONS
    settings: str       # "module:Class"
    tables: str         # module with the outbox table

    def outbox_table(self):  # noqa: ANN201
        return importlib.import_module(self.tables).outbox

    def migrations_dir(self) -> Path:
        return importlib.import_module(self.bootstrap).MIGRATIONS

    def settings_class(self):  # noqa: ANN201
        module, cls = self.settings.split(":")
        return getattr(importlib.import_module(module), cls)


SERVICES = [
    Component("referral", "services.referral.app:app", "REFERRAL_", 8001, "services.referral.bootstrap",
              "services.referral.settings:ReferralSettings", "services.referral.adapters.tables"),
    Component("payment", "services.payment.app:app", "PAYMENT_", 8002, "services.payment.bootstrap",
              "services.payment.settings:PaymentSettings", "services.payment.adapters.tables"),
    Component("staffing", "services.staffing.app:app", "STAFFING_", 8003, "services.staffing.bootstrap",
              "services.staffing.settings:StaffingSettings", "services.staffing.adapters.tables"),
]
GATEWAY = Component("gateway", "gateway.app:app", "GATEWAY_", 8000, "gateway.api", "gateway.settings:GatewaySettings",
                    "gateway.adapters.tables")
ALL = SERVICES + [GATEWAY]
BY_NAME = {c.name: c for c in ALL}
# The web console: no database, no events, a client of the gateway only; started when the stack has its port.
CONSOLE = Component("console", "console.app:app", "CONSOLE_", 8004, "", "console.settings:ConsoleSettings", "")
PROCESSES = BY_NAME | {CONSOLE.name: CONSOLE}
