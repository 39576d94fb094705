"""Schemathesis through the gateway, with every check (`--checks all`): whatever the input, no 5xx, every
status and content type documented, every response matching its schema, invalid input refused.

Every operation of the gateway's one document (its own routes and each service's under `/<service>`;
tests/security/fuzz_schemas.py) gets EXAMPLES generated cases, valid and invalid, each sent to the real gateway
app, which forwards to the service apps in-process. Callers the gateway's policy lets through are used, so the
fuzz reaches the handlers, not just the 403: every other case the one likeliest to reach the handler with the
seeded records, the rest a token of each role the policy admits in turn. Path parameters point at real records
(tests/security/fuzz_seeds.py) in most cases, so state transitions are fuzzed on referrals, secondments and
postings that exist.
"""
from __future__ import annotations

import os
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation import GenerationMode

from .fuzz_schemas import ALL_CHECKS, ROLE_CALLS, gateway_schemas
from .fuzz_seeds import seed

# Cases per operation: 25 in `make test` (derandomised, the same cases every run); `make fuzz` runs 200.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
CALLS: Counter[str] = Counter()
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def schemas(apps):  # noqa: ANN001
    return gateway_schemas(apps)


@pytest.fixture(scope="module")
def targets(apps):  # noqa: ANN001
    return seed(apps["gateway"])


def fuzz(schema, service: str, targets) -> None:  # noqa: ANN001
    """Every operation of one document, EXAMPLES cases each; all failures reported together."""
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, f"the gateway's document has no operation of {service}"
    for operation in operations:
        names = [p.name for p in operation.iter_parameters() if p.location == ParameterLocation.PATH]
        real = targets.for_operation(service, operation.label, names)
        cases = st.one_of(operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
                          operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))

        @FUZZ
        @given(case=cases, pick=st.integers(0, len(real)))
        def run(case, pick: int) -> None:  # noqa: ANN001
            if pick < len(real) and not case.meta.is_negative_at(ParameterLocation.PATH):
                case.path_parameters = {**(case.path_parameters or {}), **real[pick]}
            CALLS[service] += 1
            CALLS[operation.label] += 1
            case.call_and_validate(checks=ALL_CHECKS)

        try:
            run()
        except BaseException as e:  # noqa: BLE001 - collect them all (schemathesis groups are BaseExceptionGroups)
            if isinstance(e, KeyboardInterrupt):
                raise
            failures.append(f"{operation.label}: {str(e)[:2000]}")
    assert not failures, "\n\n".join(failures)
    # Every operation was really sent requests (none skipped by a strategy that generated nothing).
    assert [op.label for op in operations if CALLS[op.label] == 0] == []


@pytest.mark.parametrize("service", ["gateway", "referral", "payment", "staffing"])
def test_no_input_gives_a_5xx_or_an_undocumented_response(schemas, targets, service: str) -> None:  # noqa: ANN001
    fuzz(schemas[service], service, targets)


def figures() -> str | None:
    """The totals for docs/reliability.md, printed in pytest's summary (tests/security/conftest.py) when the
    fuzz ran: a report, not a test, so it depends on no test order."""
    services = {k: v for k, v in CALLS.items() if " " not in k}
    operations = sum(1 for k in CALLS if " " in k)
    if not services:
        return None
    return (f"FUZZ: {sum(services.values())} requests over {operations} operations: {services}; "
            f"tokens by role: {dict(sorted(ROLE_CALLS.items()))}")
