"""Wires one service: database, unit of work, outbox relay, consumers, and the FastAPI app.

Every service builds exactly one `ServiceRuntime` in its `bootstrap.py`, so a reader who
knows one service's wiring knows all of them.
"""
from __future__ import annotations

import gc
import logging
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Callable

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import MetaData, Table, func, select, text

from .consumer import Handler, IdempotentConsumer
from .contracts import REGISTRY_TOPIC, EventPayload, OrganisationRegistered
from .db import make_engine, make_session_factory, read_only
from .health import ServiceHealth
from .kafka_io import broker_reachable
from .logs import configure_logging
from .openapi import ERROR_RESPONSES
from .org_directory import OrgDirectory
from .partition_check import check_partitions
from .relay import OutboxRelay
from .lease import Lease, lease_for
from .settings import ServiceSettings
from .unit_of_work import SqlUnitOfWork, WakeSignal
from .web import RequestContextMiddleware, docs_app, install_error_handlers, principal_dependency
from .worker import BackgroundWorker, stop_all

log = logging.getLogger(__name__)


@dataclass
class ConsumerSpec:
    """One consumer group of a service: the topics it reads and a handler per event contract (payload model)."""

    name: str
    topics: list[str]
    handlers: dict[type[EventPayload], Handler] = field(default_factory=dict)


def registry_consumer(organisations: Table) -> ConsumerSpec:
    """The consumer every service has: its copy of the organisation registry, fed by `registry.events`."""
    return ConsumerSpec("registry", [REGISTRY_TOPIC], {OrganisationRegistered: OrgDirectory(organisations).handler})


class ServiceRuntime:
    def __init__(
        self,
        settings: ServiceSettings,
        metadata: MetaData,
        produces: list[str],
        uow_class: type[SqlUnitOfWork] = SqlUnitOfWork,
        consumers: list[ConsumerSpec] | None = None,
        background: bool = True,
    ) -> None:
        self.settings = settings
        self.name = settings.service_name
        self.metadata = metadata
        self.outbox = metadata.tables["outbox"]
        self.inbox = metadata.tables["inbox"]
        self.produces = produces
        self.uow_class = uow_class
        self.engine = make_engine(settings.resolved_database_url(), pool_size=settings.db_pool_size,
                                  max_overflow=settings.db_max_overflow)
        self.session_factory = make_session_factory(self.engine)
        self.read_engine = read_only(self.engine)
        self.read_session_factory = make_session_factory(self.read_engine)
        self.wake = WakeSignal()
        self.background = background
        common = settings.common
        self.relay = OutboxRelay(
            self.engine, self.outbox, common.kafka_bootstrap, produces, common.topic_partitions, self.name,
            self.wake, settings.relay_config(), lease=self.job_lease("outbox"),
        )
        self.consumers = [
            IdempotentConsumer(
                f"{self.name}-{spec.name}", spec.topics, spec.handlers, self.uow, self.inbox,
                common.kafka_bootstrap, common.topic_partitions, settings.consumer_config(),
            )
            for spec in (consumers or [])
        ]
        # The service's other periodic workers (referral's clock), started after and stopped with these.
        self.workers: list[BackgroundWorker] = []
        self.current_principal = principal_dependency(lambda: (common.jwt_secret, common.jwt_algorithm))

    def job_lease(self, job: str) -> Lease:
        """The lease of a job that runs on one replica at a time (lease.py): `<service>-<job>`."""
        return lease_for(self.engine, f"{self.name}-{job}")

    def uow(self) -> SqlUnitOfWork:
        return self.uow_class(self.session_factory, self.outbox, self.name, on_commit=self.wake.set)

    def read_uow(self) -> SqlUnitOfWork:
        """For use cases that only read (every GET): no write turn on SQLite, no commit."""
        return self.uow_class(self.read_session_factory, self.outbox, self.name, read_only=True)

    def start(self) -> None:
        if self.background:
            common = self.settings.common
            check_partitions(self.name, common.kafka_bootstrap, [t for c in self.consumers for t in c.topics],
                             common.replicas)
            for worker in [self.relay, *self.consumers, *self.workers]:
                worker.start()
            freeze_startup_heap()

    def stop(self) -> None:
        """Every worker at once: each finishes its step under way (a send acknowledged and marked, an event
        applied and its offset committed), then the connections close."""
        stop_all([*self.workers, *self.consumers, self.relay])
        self.engine.dispose()

    def health(self) -> tuple[int, dict[str, Any]]:
        try:
            with self.read_engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            database = {"healthy": True}
        except Exception as e:  # noqa: BLE001
            database = {"healthy": False, "error": str(e)}
        broker = {"healthy": broker_reachable(self.settings.common.kafka_bootstrap)}
        outbox = self.relay.status() if database["healthy"] else {"healthy": False}
        consumers = {c.name: c.status() for c in self.consumers}
        # A consumer that has not yet joined its group (just started, or reconnected) has no error to report.
        joining = [c for c in consumers.values() if not c["joined"] and c["last_error"] is None]
        healthy = database["healthy"] and broker["healthy"] and outbox["healthy"] and all(
            c["healthy"] or c in joining for c in consumers.values())
        directory = self._directory_size() if database["healthy"] else {}
        # A service that takes its organisations from registry.events can do nothing for anyone before the
        # first of them arrived, nor consume before its groups gave it partitions: it says "starting", not
        # "ok" (make run and the tests wait for "ok").
        starting = healthy and (bool(joining) or self._needs_directory() and directory.get("organisations") == 0)
        body = {
            "service": self.name,
            "directory": directory,
            "status": "starting" if starting else "ok" if healthy else (
                "down" if not database["healthy"] else "degraded"),
            "database": database,
            "broker": broker,
            "outbox": outbox,
            "consumers": consumers,
        }
        # Degraded still serves writes (the outbox holds them); only a lost database is unavailable.
        return (200 if database["healthy"] else 503), body


    def _needs_directory(self) -> bool:
        return any(REGISTRY_TOPIC in c.topics for c in self.consumers)

    def _directory_size(self) -> dict[str, int]:
        table = self.metadata.tables.get("organisations")
        if table is None:
            return {}
        with self.read_engine.connect() as conn:
            return {"organisations": conn.execute(select(func.count()).select_from(table)).scalar_one()}


def freeze_startup_heap() -> None:
    """Move what start-up built (modules, ORM mappers, pydantic schemas: ~110,000 objects) out of the collector's reach.

    A full collection traversed them all, 65 ms of a service process stopped on every gen-2 pass: the p99 of
    the referral route at half load (bench/README.md). They live as long as the process, so nothing is lost.
    Only in a server process: an in-process test app frozen this way would never be freed.
    """
    gc.collect()
    gc.freeze()


def create_service_app(runtime: ServiceRuntime, title: str, routers: list[APIRouter],
                       on_startup: Callable[[], None] | None = None) -> FastAPI:
    configure_logging(runtime.name, runtime.settings.common.log_level)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):  # noqa: ANN202
        if on_startup:
            on_startup()
        runtime.start()
        log.info("service started", extra={"fields": {"port": runtime.settings.port}})
        try:
            yield
        finally:
            runtime.stop()

    app = docs_app(title=title, lifespan=lifespan, responses=ERROR_RESPONSES)
    app.state.runtime = runtime
    app.add_middleware(RequestContextMiddleware, max_body_bytes=runtime.settings.max_body_bytes,
                       max_upload_bytes=runtime.settings.max_upload_bytes)
    install_error_handlers(app)

    @app.get("/health", tags=["ops"], response_model=ServiceHealth,
             responses={503: {"model": ServiceHealth, "description": "the database is unreachable"}})
    def health() -> JSONResponse:
        status, body = runtime.health()
        # through the model, keeping out what this answer does not know (exclude_unset), with its status code
        answer = ServiceHealth.model_validate(body).model_dump(mode="json", exclude_unset=True)
        return JSONResponse(answer, status_code=status)

    for router in routers:
        app.include_router(router)
    return app
