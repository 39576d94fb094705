"""Every route a service serves has a gateway policy entry, and every policy entry names a real route,
so a new route cannot be forgotten by the authorisation matrix (which is driven from the policies)."""
from __future__ import annotations

import pytest

from gateway.policies import all_policies

METHODS = {"get", "post", "put", "patch", "delete"}


def service_routes(app) -> set[tuple[str, str]]:  # noqa: ANN001
    return {(method.upper(), path) for path, item in app.openapi()["paths"].items() for method in item
            if method in METHODS and path != "/health"}


@pytest.mark.parametrize("service", ["referral", "payment", "staffing"])
def test_policies_and_service_routes_match_one_to_one(apps, service: str) -> None:  # noqa: ANN001
    served = service_routes(apps[service].app)
    policed = {(r.method, r.path) for r in all_policies()[service].rules}
    assert served - policed == set(), f"{service} routes without a gateway policy (unreachable or unchecked)"
    assert policed - served == set(), f"{service} policy entries for routes the service does not serve"
