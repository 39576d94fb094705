"""Composition root: builds the staffing runtime and FastAPI app."""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from platform_common.contracts import REFERRAL_TOPIC, STAFFING_TOPIC, ReferralSubmitted
from platform_common.runtime import ConsumerSpec, ServiceRuntime, create_service_app, registry_consumer

from .adapters import handlers, tables
from .api import routes
from .service_layer.unit_of_work import StaffingUnitOfWork
from .settings import StaffingSettings

MIGRATIONS = Path(__file__).parent / "migrations"
TOPIC = STAFFING_TOPIC
TITLE = "Staffing service (县管乡用)"
ROUTERS = [routes.router]  # also what the gateway documents under /staffing


def build_runtime(settings: StaffingSettings | None = None, background: bool = True) -> ServiceRuntime:
    settings = settings or StaffingSettings()
    consumers = [
        registry_consumer(tables.organisations),
        ConsumerSpec("referral", [REFERRAL_TOPIC], {ReferralSubmitted: handlers.on_referral_submitted}),
    ]
    return ServiceRuntime(settings, tables.metadata, [TOPIC], StaffingUnitOfWork, consumers, background)


def create_app(settings: StaffingSettings | None = None, background: bool = True) -> FastAPI:
    runtime = build_runtime(settings, background)
    return create_service_app(runtime, TITLE, ROUTERS)
