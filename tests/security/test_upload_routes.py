"""The large body cap goes to exactly the routes that take files, at the gateway as in the services."""
from __future__ import annotations

import pytest

from gateway.policies import all_policies

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.mark.parametrize("service", ["referral", "payment", "staffing"])
def test_the_gateway_gives_the_upload_cap_to_exactly_the_routes_that_take_files(apps, service: str) -> None:  # noqa: ANN001
    documented = {(method.upper(), path) for path, item in apps[service].app.openapi()["paths"].items()
                  for method, op in item.items() if method in METHODS
                  and "multipart/form-data" in (op.get("requestBody") or {}).get("content", {})}
    marked = {(r.method, r.path) for r in all_policies()[service].rules if r.uploads}
    assert marked == documented
