"""Composition root: builds the staffing runtime and FastAPI app."""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError

from platform_common.errors import Conflict

from platform_common.contracts import REFERRAL_TOPIC, STAFFING_TOPIC, ReferralEvent
from platform_common.org_directory import ORGANISATION_REGISTERED, REGISTRY_TOPIC, OrgDirectory
from platform_common.runtime import ConsumerSpec, ServiceRuntime, create_service_app

from .adapters import handlers, tables
from .api import routes_county_policy, routes_secondments, routes_staff, routes_tidal
from .service_layer.unit_of_work import StaffingUnitOfWork
from .settings import StaffingSettings

MIGRATIONS = Path(__file__).parent / "migrations"
TOPIC = STAFFING_TOPIC


def build_runtime(settings: StaffingSettings | None = None, background: bool = True) -> ServiceRuntime:
    settings = settings or StaffingSettings()
    directory = OrgDirectory(tables.organisations)
    consumers = [
        ConsumerSpec("registry", [REGISTRY_TOPIC], {ORGANISATION_REGISTERED: directory.handler}),
        ConsumerSpec("referral", [REFERRAL_TOPIC], {ReferralEvent.SUBMITTED.value: handlers.on_referral_submitted}),
    ]
    return ServiceRuntime(settings, tables.metadata, [TOPIC], StaffingUnitOfWork, consumers, background)


# PostgreSQL gives these when two transactions lock the same staff rows in opposite orders (an
# approval dispatching several people, cover rows bumped by `postings.check_cover`): the loser of such
# a race should hear 409 and retry, like the loser of an optimistic-lock race, not 500.
TRANSIENT_SQLSTATES = {"40P01", "40001"}  # deadlock_detected, serialization_failure


def transient_conflict(exc: DBAPIError) -> bool:
    return getattr(exc.orig, "sqlstate", None) in TRANSIENT_SQLSTATES


def create_app(settings: StaffingSettings | None = None, background: bool = True) -> FastAPI:
    runtime = build_runtime(settings, background)
    app = create_service_app(runtime, "Staffing service (县管乡用)", [
        routes_staff.router, routes_county_policy.router, routes_secondments.router, routes_tidal.router,
    ])

    @app.exception_handler(DBAPIError)
    async def _transient(_req: Request, exc: DBAPIError) -> JSONResponse:
        if not transient_conflict(exc):
            raise exc  # the platform's handler of last resort answers 500 and logs it
        err = Conflict("a concurrent change to the same staff got there first; reload and try again")
        return JSONResponse(err.body(), status_code=err.status_code)

    return app
