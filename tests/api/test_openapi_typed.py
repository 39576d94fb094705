"""Every operation of every service documents a typed 2xx answer: in each service's OpenAPI document, no
success response is an open object (`additionalProperties: true`), an array of anything or a missing schema.
A file download documents its own media type (CSV, XLSX) instead of a JSON body; only a 204 has no body."""
from __future__ import annotations

import importlib

import pytest

from fastapi.testclient import TestClient

from devstack.components import SERVICES
from gateway.api import MIGRATIONS as GATEWAY_MIGRATIONS
from gateway.api import create_app as create_gateway
from gateway.settings import GatewaySettings
from platform_common.migrate import upgrade
from tests.support.contract import open_spots

JSON = "application/json"
FILES = {"text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def openapi_of(name: str, tmp_path) -> dict:  # noqa: ANN001
    component = next(c for c in SERVICES if c.name == name)
    module, cls = component.settings.split(":")
    settings = getattr(importlib.import_module(module), cls)(database_url=f"sqlite:///{tmp_path / 'doc.db'}")
    return importlib.import_module(component.bootstrap).create_app(settings, background=False).openapi()


def untyped_answers(doc: dict) -> list[str]:
    components = doc.get("components", {}).get("schemas", {})
    found = []
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            for status, response in operation.get("responses", {}).items():
                if not status.startswith("2"):
                    continue
                where, content = f"{method.upper()} {path} {status}", response.get("content", {})
                if not content:
                    found += [] if status == "204" else [f"{where}: no content documented"]
                elif JSON in content:
                    spots = open_spots(content[JSON].get("schema"), components, "#/components/schemas/")
                    found += [f"{where}: {spot} untyped" for spot in spots]
                    found += [f"{where}: a file type beside JSON" for media in content if media in FILES]
                else:
                    found += [f"{where}: {media} is not a documented file type" for media in content
                              if media not in FILES]
    return found


@pytest.mark.parametrize("service", [c.name for c in SERVICES])
def test_no_operation_has_an_untyped_success_answer(service: str, tmp_path) -> None:  # noqa: ANN001
    doc = openapi_of(service, tmp_path)
    operations = sum(1 for item in doc["paths"].values() for _ in item)
    assert operations >= 19 and untyped_answers(doc) == []


def test_the_gateways_merged_document_types_every_answer(tmp_path) -> None:  # noqa: ANN001
    """The same holds where clients read the contract: the gateway's one document, every service's operations
    and the gateway's own (its /health, the events' schemas, the registry's history)."""
    url = f"sqlite:///{tmp_path / 'gw.db'}"
    upgrade(GATEWAY_MIGRATIONS, url)
    nowhere = "http://127.0.0.1:9"
    settings = GatewaySettings(database_url=url, referral_url=nowhere, payment_url=nowhere, staffing_url=nowhere)
    with TestClient(create_gateway(settings, background=False)) as gateway:
        doc = gateway.get("/openapi.json").json()
    services = tuple(f"/{c.name}/" for c in SERVICES)
    assert sum(1 for path, item in doc["paths"].items() if path.startswith(services) for _ in item) >= 80
    assert {"/health", "/events/schemas/{event_type}", "/registry/changes"} <= set(doc["paths"])
    assert untyped_answers(doc) == []


def test_the_statement_downloads_are_documented_as_csv_and_xlsx_not_json(tmp_path) -> None:  # noqa: ANN001
    paths = openapi_of("payment", tmp_path)["paths"]
    csv = paths["/settlements/{settlement_id}/statement.csv"]["get"]["responses"]["200"]["content"]
    xlsx = paths["/settlements/{settlement_id}/statement.xlsx"]["get"]["responses"]["200"]["content"]
    assert list(csv) == ["text/csv"]
    assert list(xlsx) == ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]


def test_the_check_finds_an_untyped_answer() -> None:
    """The check itself can fail: the answers every payment route documented before it had response models."""
    doc = {"paths": {"/budgets": {"get": {"responses": {
        "200": {"content": {JSON: {"schema": {"type": "array", "items": {"type": "object",
                                                                          "additionalProperties": True}}}}}}},
        "post": {"responses": {"201": {"content": {JSON: {"schema": {}}}}}},
        "put": {"responses": {"200": {"content": {JSON: {}}}}}},
        "/statement.csv": {"get": {"responses": {"200": {"content": {JSON: {"schema": {}}}}}}}}}
    assert untyped_answers(doc) == ["GET /budgets 200: $[] untyped", "POST /budgets 201: $ untyped",
                                    "PUT /budgets 200: $ untyped", "GET /statement.csv 200: $ untyped"]
