"""The OpenAPI document the fuzz sends through the gateway, and who calls each operation.

The gateway serves one document of the whole platform (gateway/openapi.py): its own routes and every service
route under `/<service>`. The fuzz reads it from the gateway's app and sends every case to the gateway, which
forwards service routes to the service apps in-process (tests/support/inprocess.py).
"""
from __future__ import annotations

from collections import Counter

import schemathesis
from schemathesis.checks import CHECKS, load_all_checks

from gateway.policies import all_policies
from platform_common.auth import Role
from tests.support.tokens import demo_user_header, token_for

load_all_checks()
# `--checks all`: every check schemathesis registers (server errors, status codes, content types, headers, response
# schemas, positive and negative data, missing headers, unsupported methods, auth, use after free…).
ALL_CHECKS = CHECKS.get_all()
# A request valid by the schema may still break a rule no schema can state (an unknown organisation, an emergency
# referral without its five-centre category): the services answer 422 naming the field, which is documented.
CONFIG = schemathesis.Config.from_dict({"checks": {"positive_data_acceptance": {
    "expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]}}})

SERVICES = ("referral", "payment", "staffing")
ROLE_CALLS: Counter[str] = Counter()  # requests sent with each role's token, for docs/reliability.md
POLICIES = all_policies()
# Where each role works in the demo consortium (a township for unit roles; the bureau for HR).
HOME = {Role.REFERRAL_CLERK: "dachang-thc", Role.UNIT_MANAGER: "dachang-thc",
        Role.FINANCE_OFFICER: "county-peoples-hospital", Role.INSURANCE_OFFICER: "medical-insurance-office",
        Role.HR_OFFICER: "health-bureau", Role.BUREAU_ANALYST: "health-bureau"}
PREFERRED = [Role.INSURANCE_OFFICER, Role.HR_OFFICER, Role.REFERRAL_CLERK, Role.UNIT_MANAGER, Role.BUREAU_ANALYST,
             Role.FINANCE_OFFICER]
# Steps only the other side of a referral may take: the county hospital receives upward referrals.
ACTORS = {f"POST /referral/referrals/{{referral_id}}/{step}": "peoples.referral"
          for step in ("accept", "reject", "redirect", "arrive", "complete")} | {
    "POST /referral/referrals/downward": "peoples.referral"}


def callers(method: str, public_path: str, x_roles: list[str]) -> list[tuple[str, str]]:
    """(role, bearer header) of the callers the gateway lets through to this operation: first the one most
    likely to reach the handler with the seeded records (a receiver for the steps a receiver takes), then a
    token of every other role it admits, each working at its home unit. `x_roles`: the document's own list."""
    label = f"{method} {public_path}"
    service, _, rest = public_path.lstrip("/").partition("/")
    if service in POLICIES:
        _, rule = POLICIES[service].find(method, "/" + rest)
        assert rule is not None, f"{label} has no gateway policy"
        roles = [r for r in PREFERRED if r in rule.roles]
    else:  # the gateway's own routes: the health bureau's HR office may call them all
        roles = [Role.HR_OFFICER] + [r for r in PREFERRED if r.value in x_roles and r is not Role.HR_OFFICER]
    first = [(Role.REFERRAL_CLERK.value, demo_user_header(ACTORS[label])["Authorization"])] if label in ACTORS else []
    return first + [(role.value, f"Bearer {token_for(HOME[role], role)}") for role in roles]


def gateway_schemas(apps: dict) -> dict[str, schemathesis.BaseSchema]:  # noqa: ANN001 - {name: TestClient}
    """The gateway's document, one schema per part: the gateway's own routes and each service's."""
    document = apps["gateway"].app.openapi()
    # /health answers 503 on purpose while something it watches is down (the broker, here).
    paths = {p: item for p, item in document["paths"].items() if p != "/health"}
    parts = {name: {p: i for p, i in paths.items() if p.startswith(f"/{name}/")} for name in SERVICES}
    parts["gateway"] = {p: i for p, i in paths.items() if not any(p.startswith(f"/{n}/") for n in SERVICES)}
    app = started_elsewhere(apps["gateway"].app)
    schemas = {}
    for name, part in parts.items():
        schema = schemathesis.openapi.from_dict({**document, "paths": part}, config=CONFIG)
        schema.app = app
        _authorise(schema)
        schemas[name] = schema
    return schemas


def started_elsewhere(app):  # noqa: ANN001, ANN201
    """The app for schemathesis' in-process transport, whose lifespan the test client already runs.

    Schemathesis would start (and, after each test, stop) a second lifespan, closing the gateway's upstream
    client under the other tests of the session.
    """
    async def without_lifespan(scope, receive, send) -> None:  # noqa: ANN001
        if scope["type"] == "lifespan":
            await receive()
            await send({"type": "lifespan.startup.complete"})
            await receive()
            await send({"type": "lifespan.shutdown.complete"})
            return
        await app(scope, receive, send)

    return without_lifespan


def _authorise(schema) -> None:  # noqa: ANN001
    # Through schemathesis' auth hook, so that a case meant to test a missing token is sent without one. Every
    # other case of an operation goes with its first caller; the rest take the other roles in turn, so that each
    # role the policy admits is fuzzed (its answers and their schemas), not only the one that reaches furthest.
    turns: Counter[str] = Counter()

    @schema.auth(refresh_interval=None)
    class RoleToken:
        def get(self, case, _context) -> str:  # noqa: ANN001
            who = callers(case.method, case.operation.path, case.operation.definition.raw.get("x-roles", []))
            label = f"{case.method} {case.operation.path}"
            turn, turns[label] = turns[label], turns[label] + 1
            role, header = who[0] if turn % 2 == 0 or len(who) == 1 else who[1 + (turn // 2) % (len(who) - 1)]
            ROLE_CALLS[role] += 1
            return header

        def set(self, case, data: str, _context) -> None:  # noqa: ANN001
            case.headers = {**(case.headers or {}), "Authorization": data}
