"""Composition root: builds the staffing runtime and FastAPI app."""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from platform_common.org_directory import ORGANISATION_REGISTERED, REGISTRY_TOPIC, OrgDirectory
from platform_common.runtime import ConsumerSpec, ServiceRuntime, create_service_app
from platform_common.unit_of_work import SqlUnitOfWork

from .adapters import tables
from .settings import StaffingSettings

MIGRATIONS = Path(__file__).parent / "migrations"
TOPIC = "staffing.events"


def build_runtime(settings: StaffingSettings | None = None, background: bool = True) -> ServiceRuntime:
    settings = settings or StaffingSettings()
    directory = OrgDirectory(tables.organisations)
    consumers = [
        ConsumerSpec("registry", [REGISTRY_TOPIC], {ORGANISATION_REGISTERED: directory.handler}),
    ]
    return ServiceRuntime(settings, tables.metadata, [TOPIC], SqlUnitOfWork, consumers, background)


def create_app(settings: StaffingSettings | None = None, background: bool = True) -> FastAPI:
    runtime = build_runtime(settings, background)
    return create_service_app(runtime, "Staffing service (县管乡用)", [])
