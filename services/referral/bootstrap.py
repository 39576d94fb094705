"""Composition root: builds the referral runtime (consumers, overdue clock) and FastAPI app."""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from platform_common.contracts import (REFERRAL_TOPIC, STAFFING_TOPIC, SecondmentEnded,
                                      SecondmentExtended, StaffDispatched)
from platform_common.runtime import ConsumerSpec, ServiceRuntime, create_service_app, registry_consumer

from .adapters import handlers, tables
from .api import routes
from .service_layer.auto_publish import MonthlyPublisher
from .service_layer.clock import OverdueClock
from .service_layer.consultations import OverdueConsultations
from .service_layer.no_shows import NoShowSweeper
from .service_layer.unit_of_work import ReferralUnitOfWork
from .settings import ReferralSettings

MIGRATIONS = Path(__file__).parent / "migrations"
TOPIC = REFERRAL_TOPIC
TITLE = "Referral service (双向转诊)"
ROUTERS = [routes.router]  # also what the gateway documents under /referral


class ReferralRuntime(ServiceRuntime):
    """Adds the clock (response deadlines, monthly indicator publication) to the relay and consumers."""

    def __init__(self, settings: ReferralSettings, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(settings, *args, **kwargs)
        self.publisher = MonthlyPublisher(self.uow, settings)
        self.no_shows = NoShowSweeper(self.uow, settings)
        self.consultations_overdue = OverdueConsultations(self.uow)
        self.clock = OverdueClock(self.uow, settings.overdue_scan_seconds,
                                  [self.publisher, self.no_shows, self.consultations_overdue],
                                  settings.worker_backoff(), lease=self.job_lease("clock"))
        self.workers.append(self.clock)


def build_runtime(settings: ReferralSettings | None = None, background: bool = True) -> ReferralRuntime:
    settings = settings or ReferralSettings()
    consumers = [
        registry_consumer(tables.organisations),
        ConsumerSpec("staffing", [STAFFING_TOPIC], {
            StaffDispatched: handlers.on_staff_dispatched,
            SecondmentExtended: handlers.on_secondment_extended,
            SecondmentEnded: handlers.on_secondment_ended,
        }),
    ]
    return ReferralRuntime(settings, tables.metadata, [TOPIC], ReferralUnitOfWork, consumers, background)


def create_app(settings: ReferralSettings | None = None, background: bool = True) -> FastAPI:
    runtime = build_runtime(settings, background)
    return create_service_app(runtime, TITLE, ROUTERS)
