"""Composition root: builds the payment runtime and FastAPI app."""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from platform_common.contracts import (PAYMENT_TOPIC, REFERRAL_TOPIC, OutOfCountyReferralRecorded,
                                      ReferralCompleted, ReferralIndicatorsPublished)
from platform_common.runtime import ConsumerSpec, ServiceRuntime, create_service_app, registry_consumer

from .adapters import handlers, tables
from .api.routes import routers
from .service_layer.unit_of_work import PaymentUnitOfWork
from .service_layer.upload_jobs import UploadJobs
from .settings import PaymentSettings

MIGRATIONS = Path(__file__).parent / "migrations"
TOPIC = PAYMENT_TOPIC
TITLE = "Payment service (门诊医保基金打包付费)"
ROUTERS = routers  # also what the gateway documents under /payment


def build_runtime(settings: PaymentSettings | None = None, background: bool = True) -> ServiceRuntime:
    settings = settings or PaymentSettings()
    consumers = [
        registry_consumer(tables.organisations),
        ConsumerSpec("referral", [REFERRAL_TOPIC], {
            ReferralCompleted: handlers.on_referral_completed,
            OutOfCountyReferralRecorded: handlers.on_out_of_county_recorded,
            ReferralIndicatorsPublished: handlers.on_indicators_published,
        }),
    ]
    return ServiceRuntime(settings, tables.metadata, [TOPIC], PaymentUnitOfWork, consumers, background)


def create_app(settings: PaymentSettings | None = None, background: bool = True) -> FastAPI:
    runtime = build_runtime(settings, background)
    settings = runtime.settings  # type: ignore[assignment]
    jobs = UploadJobs(runtime.uow, settings, settings.upload_spool_dir or settings.common.data_dir / "payment-uploads")
    app = create_service_app(runtime, TITLE, ROUTERS, on_startup=jobs.recover)
    app.state.upload_jobs = jobs
    return app
