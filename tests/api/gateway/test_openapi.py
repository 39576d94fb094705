"""The gateway's one OpenAPI document: every public route of the platform, with its roles and errors."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from gateway.api import MIGRATIONS, create_app
from gateway.health import Health
from gateway.openapi import METHODS, SERVICE_ERRORS, policy_parity, service_openapi
from gateway.policies import all_policies
from gateway.policy import RoutePolicy, rule
from gateway.settings import GatewaySettings
from platform_common.auth import Role
from platform_common.migrate import upgrade

POLICIES = all_policies()


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    """One gateway for the module (the document is built once per app); nothing listens behind it."""
    url = f"sqlite:///{tmp_path_factory.mktemp('gw') / 'gw.db'}"
    upgrade(MIGRATIONS, url)
    settings = GatewaySettings(database_url=url, referral_url="http://127.0.0.1:9", payment_url="http://127.0.0.1:9",
                               staffing_url="http://127.0.0.1:9")
    with TestClient(create_app(settings, background=False)) as client:
        yield client


@pytest.fixture(scope="module")
def document(gateway):
    r = gateway.get("/openapi.json")
    assert r.status_code == 200
    return r.json()


def operations(document, prefix: str = "/"):  # noqa: ANN201
    return [(method, path, op) for path, item in document["paths"].items() if path.startswith(prefix)
            for method, op in item.items() if method in METHODS]


def test_every_policy_rule_is_a_documented_operation_and_every_documented_service_operation_a_rule(document):
    """The one parity check between gateway/policies/ and the services' routes (both from the code)."""
    rules_without_operation, operations_without_rule = policy_parity(document, POLICIES)
    assert rules_without_operation == set(), "policy rules for routes no service documents"
    assert operations_without_rule == set(), "service routes with no gateway policy (unreachable, unchecked)"
    assert len(operations(document, "/referral/")) == len(POLICIES["referral"].rules)


def test_the_parity_check_names_what_is_missing_on_either_side(document):
    doctored = dict(POLICIES)
    doctored["referral"] = RoutePolicy([r for r in POLICIES["referral"].rules if r.path != "/capabilities"]
                                       + [rule("GET", "/referrals/{referral_id}/x-rays", Role.REFERRAL_CLERK)])
    assert policy_parity(document, doctored) == ({"GET /referral/referrals/{referral_id}/x-rays"},
                                                 {"GET /referral/capabilities"})


def test_each_service_operation_names_its_roles_its_errors_and_the_oauth2_token(document):
    for method, path, op in operations(document):
        service = path.split("/")[1]
        if service not in POLICIES:
            continue
        _, found = POLICIES[service].find(method.upper(), path.removeprefix(f"/{service}"))
        assert op["x-roles"] == sorted(r.value for r in found.roles), path
        assert all(f"`{r}`" in op["description"] for r in op["x-roles"])
        assert op["security"] == [{"OAuth2": []}]
        for status in SERVICE_ERRORS:
            assert op["responses"][status]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorBody"}, (method, path, status)


def test_the_security_scheme_is_the_password_flow_of_the_gateways_login(document, gateway):
    scheme = document["components"]["securitySchemes"]
    assert scheme == {"OAuth2": scheme["OAuth2"]} and scheme["OAuth2"]["flows"] == {
        "password": {"tokenUrl": "/auth/token", "scopes": {}}}
    # What Swagger UI's Authorize dialog sends, and what it reads back.
    r = gateway.post("/auth/token", data={"grant_type": "password", "username": "dachang.referral",
                                          "password": "demo-password", "scope": "", "client_id": ""})
    assert r.status_code == 200 and r.json()["token_type"] == "bearer"
    me = gateway.get("/me", headers={"Authorization": f"Bearer {r.json()['access_token']}"})
    assert me.status_code == 200


def test_the_catch_all_proxy_is_hidden_and_the_gateways_own_routes_say_who_may_call(document):
    assert not any("{service}" in path for path in document["paths"])
    own = {(m, p): op for m, p, op in operations(document) if p.split("/")[1] not in POLICIES}
    assert own[("post", "/auth/token")]["x-roles"] == [] and "security" not in own[("post", "/auth/token")]
    assert own[("put", "/organisations/{org_id}")]["x-roles"] == ["hr_officer"]
    assert own[("get", "/me")]["x-roles"] == sorted(r.value for r in Role)
    assert {("get", "/health"), ("get", "/events/schemas"), ("get", "/organisations")} <= set(own)


def test_every_reference_resolves_and_no_fastapi_validation_schema_is_left(document):
    schemas = document["components"]["schemas"]

    def refs(node):  # noqa: ANN001, ANN202
        if isinstance(node, dict):
            if "$ref" in node:
                yield node["$ref"]
            for v in node.values():
                yield from refs(v)
        elif isinstance(node, list):
            for v in node:
                yield from refs(v)

    targets = {r.rsplit("/", 1)[1] for r in refs(document)}
    assert targets - set(schemas) == set()
    assert not {"HTTPValidationError", "ValidationError"} & set(schemas)


def test_a_schema_two_services_define_differently_keeps_each_services_meaning(document):
    """Both referral and staffing have an `AcceptIn`; each operation must point at its own."""
    referral = document["paths"]["/referral/referrals/{referral_id}/accept"]["post"]
    body = referral["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert body == "referral.AcceptIn"
    assert document["components"]["schemas"][body] == service_openapi("referral")["components"]["schemas"]["AcceptIn"]


def test_the_gateways_health_answers_with_its_documented_model(gateway, document):
    """Issue 16: the gateway's /health was typed only at its top; each part is now a service's own /health answer."""
    r = gateway.get("/health")
    assert r.status_code == 503  # no broker and no service behind this gateway
    answer = Health.model_validate_json(r.content, strict=True)
    assert {name: part.status for name, part in answer.services.items() if name != "gateway"} == {
        "referral": "down", "payment": "down", "staffing": "down"}
    assert answer.services["gateway"].detail.service == "gateway" and answer.broker.status == "down"
    assert "processes" not in r.json()  # nothing supervises this gateway
    documented = document["paths"]["/health"]["get"]["responses"]
    assert documented["503"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Health"}
    component = document["components"]["schemas"]["ComponentHealth"]["properties"]["detail"]
    assert {"$ref": "#/components/schemas/ServiceHealth"} in component["anyOf"]


def test_the_events_json_schemas_are_served_as_published_without_a_token(gateway):
    import json
    from pathlib import Path

    from platform_common.contracts import CONTRACTS

    index = gateway.get("/events/schemas").json()
    assert {e["type"] for e in index} == set(CONTRACTS)
    assert next(e for e in index if e["type"] == "StaffDispatched")["readable_versions"] == [1, 2]
    published = Path(__file__).resolve().parents[3] / "docs/events/ReferralCompleted.json"
    assert gateway.get("/events/schemas/ReferralCompleted").json() == json.loads(published.read_text())
    missing = gateway.get("/events/schemas/ReferralTeleported")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_component_names_stay_bare_when_every_definition_agrees():
    from gateway.openapi import component_names

    page = {"type": "object", "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Row"}}}}
    defined = {"referral": {"Page": page, "Row": {"type": "string"}, "ErrorBody": {"type": "object"}},
               "payment": {"Page": page, "Row": {"type": "integer"}, "Fen": {"type": "integer"}}}
    names = component_names(defined, fixed={"ErrorBody": {"type": "object"}, "Claims": {"type": "object"}})
    # Row differs, so each Page (which refers to its own Row) keeps its service's meaning
    assert names["referral"] == {"Page": "referral.Page", "Row": "referral.Row", "ErrorBody": "ErrorBody"}
    assert names["payment"] == {"Page": "payment.Page", "Row": "payment.Row", "Fen": "Fen"}
    assert component_names({"staffing": {"Claims": {"type": "string"}}}, fixed={"Claims": {"type": "object"}}) == {
        "staffing": {"Claims": "staffing.Claims"}}
