"""Input that only looks like a value is refused (422 naming the field), not converted: a number or a
timestamp-like text for a date, `false` for a number. Defect: `date_to=0`, `as_of=3.35e-136` and
`"service_population": false` were accepted (as 1970-01-01 and 0)."""
from __future__ import annotations

from datetime import date
from typing import Annotated

import pytest
from fastapi.routing import APIRoute
from pydantic import TypeAdapter, ValidationError

from tests.support.tokens import demo_user_header

CLERK, HR, FINANCE = (demo_user_header(u) for u in ("dachang.referral", "bureau.hr", "peoples.finance"))


def refused(r, field: str) -> None:  # noqa: ANN001
    assert r.status_code == 422, r.text[:300]
    assert field in [f["field"] for f in r.json()["error"]["fields"]]


@pytest.mark.parametrize("value", ["0", "3.35e-136", "20260102", "2026-01-02T00:00:00", "1700000000"])
def test_a_date_in_the_query_is_written_yyyy_mm_dd(apps, value: str) -> None:  # noqa: ANN001
    gw = apps["gateway"]
    refused(gw.get("/referral/referrals", params={"box": "outgoing", "date_to": value}, headers=CLERK),
            "query.date_to")
    refused(gw.get("/staffing/units/dachang-thc/quota", params={"as_of": value}, headers=HR), "query.as_of")
    assert gw.get("/referral/referrals", params={"box": "outgoing", "date_to": "2026-01-02"},
                  headers=CLERK).status_code == 200
    # Found by the fuzz once it called each route with every role's token: the finance office's claim list.
    refused(gw.get("/payment/claims", params={"date_from": value}, headers=FINANCE), "query.date_from")


def test_no_route_reads_a_number_as_a_date_in_its_query_or_path(apps) -> None:  # noqa: ANN001
    """Every date parameter of every route, read as FastAPI reads it: `0` is refused, `2026-01-02` accepted."""
    loose, dates = [], 0
    for name in ("gateway", "referral", "payment", "staffing"):
        for route in api_routes(apps[name].app.routes):
            for param in route.dependant.query_params + route.dependant.path_params:
                info = param.field_info  # a required parameter's validators are in its metadata
                reads = TypeAdapter(Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation)
                try:
                    if reads.validate_python("2026-01-02") != date(2026, 1, 2):
                        continue  # not a date
                except ValidationError:
                    continue
                dates += 1
                try:
                    reads.validate_python("0")
                    loose.append(f"{name} {route.path} {param.name}")
                except ValidationError:
                    pass
    assert loose == [] and dates >= 6


def api_routes(routes):  # noqa: ANN001, ANN201
    """Every route, through the routers an app includes (FastAPI keeps those as included routers)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from api_routes(route.original_router.routes)


@pytest.mark.parametrize("value", [0, 1.5e9, "0", "2026-03-01T00:00:00", False])
def test_a_date_in_a_body_is_written_yyyy_mm_dd(apps, value) -> None:  # noqa: ANN001
    r = apps["gateway"].post("/payment/claims", headers=FINANCE, json={
        "claim_no": "LAX-1", "kind": "member_outpatient", "org_id": "dachang-thc", "amount_fen": 100,
        "service_date": value})
    refused(r, "body.service_date")


def test_true_or_false_is_not_a_number(apps) -> None:  # noqa: ANN001
    r = apps["gateway"].put("/organisations/lax-thc", headers=HR, json={
        "name": "x", "kind": "township_centre", "consortium_id": "wushan", "parent_org_id": "county-peoples-hospital",
        "service_population": False})
    refused(r, "body.service_population")
    r = apps["gateway"].post("/staffing/secondments", headers=demo_user_header("dachang.manager"), json={
        "org_id": "dachang-thc", "specialty": "cardiology", "title_level": "intermediate", "headcount": True,
        "start_date": "2030-01-01", "end_date": "2030-02-01", "reason": "x"})
    refused(r, "body.headcount")


def test_an_instant_is_an_iso_date_time(apps) -> None:  # noqa: ANN001
    r = apps["gateway"].post("/referral/referrals/nonexistent/arrive", headers=CLERK, json={"arrived_at": 60.0})
    refused(r, "body.arrived_at")
