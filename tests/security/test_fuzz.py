"""Schemathesis against the OpenAPI of the gateway and of each service: whatever the input, no 5xx, and
every response matches its documented schema. Each operation is called with a token of a role its
gateway policy lets through (so the fuzz reaches the handlers, not just the 403)."""
from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from gateway.policies import all_policies
from platform_common.auth import Role
from tests.support.tokens import token_for

EXAMPLES = 25
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
# Where each role works in the demo consortium.
HOME = {Role.REFERRAL_CLERK: "dachang-thc", Role.UNIT_MANAGER: "dachang-thc",
        Role.FINANCE_OFFICER: "county-peoples-hospital", Role.INSURANCE_OFFICER: "medical-insurance-office",
        Role.HR_OFFICER: "health-bureau", Role.BUREAU_ANALYST: "health-bureau"}
PREFERRED = [Role.INSURANCE_OFFICER, Role.HR_OFFICER, Role.REFERRAL_CLERK, Role.UNIT_MANAGER, Role.BUREAU_ANALYST,
             Role.FINANCE_OFFICER]
POLICIES = all_policies()
CALLS: Counter[str] = Counter()


def role_for(service: str, method: str, path: str) -> Role:
    if service == "gateway":
        return Role.HR_OFFICER  # the health bureau's HR office may call every gateway route
    _, rule = POLICIES[service].find(method, path)
    assert rule is not None, f"{method} {path} of {service} has no gateway policy"
    return next(r for r in PREFERRED if r in rule.roles)


def schema_of(apps, name: str):  # noqa: ANN001, ANN201
    schema = schemathesis.openapi.from_asgi("/openapi.json", apps[name].app)
    # /health reports 503 when what it watches is down, on purpose; the gateway's document also lists the
    # service routes it forwards to processes that are not running here (each service is fuzzed on its own).
    return schema.exclude(path="/health").exclude(path_regex=r"^/(referral|payment|staffing)/")


def fuzz(apps, service: str) -> None:  # noqa: ANN001
    """Every operation of one OpenAPI, EXAMPLES generated cases each; all failures reported together."""
    failures: list[str] = []
    schema = schema_of(apps, service)
    for result in schema.get_all_operations():
        operation = result.ok()

        @FUZZ
        @given(case=operation.as_strategy())
        def run(case) -> None:  # noqa: ANN001
            call(service, case)

        try:
            run()
        except Exception as e:  # noqa: BLE001 - collect them all, then fail once
            failures.append(f"{operation.label}: {str(e)[:1500]}")
    assert not failures, "\n\n".join(failures)


def call(service: str, case) -> None:  # noqa: ANN001
    role = role_for(service, case.method, case.operation.path)
    headers = {"Authorization": f"Bearer {token_for(HOME[role], role)}"}
    CALLS[service] += 1
    CALLS[f"{case.method} {service}{case.operation.path}"] += 1
    case.call_and_validate(headers=headers, checks=CHECKS)


FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))


@pytest.mark.parametrize("service", ["referral", "payment", "staffing", "gateway"])
def test_no_input_gives_a_5xx_or_an_undocumented_response(apps, service: str) -> None:  # noqa: ANN001
    fuzz(apps, service)


def test_zz_fuzz_figures():
    """Prints the totals for docs/reliability.md (runs after the fuzz tests of this module)."""
    services = {k: v for k, v in CALLS.items() if " " not in k}
    operations = sum(1 for k in CALLS if " " in k)
    print(f"\nFUZZ: {sum(services.values())} requests over {operations} operations: {services}")
