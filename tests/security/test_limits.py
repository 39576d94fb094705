"""Every way to send too much gets a clear 4xx: body size, page size, offsets, list lengths, CSV size and rows."""
from __future__ import annotations

import json

import pytest

from services.payment import bootstrap as payment_bootstrap
from services.payment.settings import PaymentSettings
from tests.support.service_app import service_client
from tests.support.tokens import demo_user_header

MIB = 1_048_576
CALLERS = {"referral": "dachang.referral", "payment": "peoples.finance", "staffing": "bureau.hr",
           "gateway": "bureau.hr"}
WRITES = {"referral": "/referrals/upward", "payment": "/claims", "staffing": "/staff", "gateway": "/users"}


def error(r) -> dict:  # noqa: ANN001
    assert r.headers["content-type"].startswith("application/json"), r.text[:200]
    return r.json()["error"]


@pytest.mark.parametrize("name", list(WRITES))
def test_a_json_body_over_the_cap_is_413_declared_or_streamed(apps, name: str) -> None:  # noqa: ANN001
    client, headers = apps[name], demo_user_header(CALLERS[name]) | {"content-type": "application/json"}
    body = json.dumps({"padding": "x" * (MIB + 10)}).encode()
    r = client.post(WRITES[name], content=body, headers=headers)
    assert r.status_code == 413 and error(r)["code"] == "payload_too_large"

    def chunks():  # noqa: ANN202 - no Content-Length: the cap must hold while the body streams in
        for i in range(0, len(body), 65536):
            yield body[i:i + 65536]

    r = client.post(WRITES[name], content=chunks(), headers=headers)
    assert r.status_code == 413 and error(r)["code"] == "payload_too_large"


@pytest.mark.parametrize("name, path, params", [
    ("referral", "/referrals", {"box": "incoming", "page_size": 201}),
    ("referral", "/referrals", {"box": "incoming", "page": 10**19}),
    ("payment", "/claims", {"limit": 201}),
    ("payment", "/claims", {"offset": 10**19}),
    ("staffing", "/staff", {"limit": 201}),
    ("staffing", "/staff", {"offset": 10**19}),
    ("staffing", "/secondments", {"offset": 10**19}),
])
def test_page_sizes_are_capped_and_absurd_offsets_refused(apps, name: str, path: str, params: dict) -> None:  # noqa: ANN001
    r = apps[name].get(path, params=params, headers=demo_user_header(CALLERS[name]))
    assert r.status_code == 422, r.text[:300]
    assert error(r)["code"] == "invalid"


def test_default_and_maximum_pages(apps) -> None:  # noqa: ANN001
    r = apps["referral"].get("/referrals", params={"box": "incoming", "page_size": 200},
                             headers=demo_user_header("peoples.referral"))
    assert r.status_code == 200, r.text


def _referral_body(**over) -> dict:  # noqa: ANN003
    from tests.api.referral.conftest import downward_body

    return downward_body(**over)


@pytest.mark.parametrize("field, items", [
    ("follow_ups", [{"due_date": "2030-01-01"}] * 1000),
    ("attachments", [{"name": "a.pdf", "content_type": "application/pdf", "size_bytes": 1}] * 1000),
])
def test_lists_in_a_body_are_bounded(apps, field: str, items: list) -> None:  # noqa: ANN001
    r = apps["referral"].post("/referrals/downward", json=_referral_body(**{field: items}),
                              headers=demo_user_header("peoples.referral"))
    assert r.status_code == 422, r.text[:300]
    assert any(f["field"].endswith(field) for f in error(r)["fields"])


def test_amounts_beyond_any_real_sum_are_refused(apps) -> None:  # noqa: ANN001
    r = apps["payment"].post("/claims", headers=demo_user_header("peoples.finance"), json={
        "claim_no": "HUGE-1", "kind": "member_outpatient", "org_id": "dachang-thc", "amount_fen": 10**20,
        "service_date": "2026-03-01"})
    assert r.status_code == 422 and error(r)["fields"][0]["field"].endswith("amount_fen")


def test_a_claim_file_over_its_size_or_row_limit_is_refused_clearly(tmp_path) -> None:  # noqa: ANN001
    header = "claim_no,kind,org_id,amount_fen,service_date\n"
    rows = "".join(f"L-{i},member_outpatient,dachang-thc,100,2026-03-01\n" for i in range(6))
    finance = demo_user_header("peoples.finance")
    with service_client(payment_bootstrap, PaymentSettings, tmp_path, upload_max_rows=5,
                        max_upload_bytes=4096) as client:
        r = client.post("/claims/uploads", files={"file": ("c.csv", header + rows, "text/csv")}, headers=finance)
        assert r.status_code == 422 and error(r)["field"] == "file"
        assert "5 rows" in error(r)["message"]
        assert client.get("/claims", headers=finance).json()["items"] == []  # all or nothing
        big = header + rows * 200
        r = client.post("/claims/uploads", files={"file": ("c.csv", big, "text/csv")}, headers=finance)
        assert r.status_code == 413 and error(r)["code"] == "payload_too_large"


@pytest.mark.parametrize("name, path", [("gateway", "/referral/referrals/upward"), ("referral", "/referrals/upward"),
                                        ("gateway", "/payment/claims/uploads")])
@pytest.mark.parametrize("content_type", ["application/octet-stream+json", "text/csv", "application/octet-stream"])
def test_the_cap_follows_the_route_not_the_content_type(apps, name: str, path: str, content_type: str) -> None:  # noqa: ANN001
    """Defect: any body typed text/csv, octet-stream or multipart had the 256 MiB upload cap, and FastAPI parses
    application/octet-stream+json as JSON: 50 MB of JSON got 422 after the referral process grew to 1.47 GB."""
    array = b"[" + b"1," * (MIB // 2 + 10) + b"1]"  # a JSON array just over 1 MiB
    user = "insurance.officer" if "payment" in path else "dachang.referral"
    r = apps[name].post(path, content=array, headers=demo_user_header(user) | {"content-type": content_type})
    assert r.status_code == 413 and error(r)["code"] == "payload_too_large"


def test_an_upload_route_takes_a_file_over_the_json_cap_through_the_gateway(apps) -> None:  # noqa: ANN001
    header = "claim_no,kind,org_id,amount_fen,service_date\n"
    rows = "".join(f"CAP-{i:06d},member_outpatient,dachang-thc,100,2026-03-01\n" for i in range(30_000))
    assert len(header + rows) > MIB
    r = apps["gateway"].post("/payment/claims/uploads", headers=demo_user_header("peoples.finance"),
                             files={"file": ("big.csv", header + rows, "text/csv")})
    assert r.status_code == 201, r.text[:300]
    assert r.json()["inserted"] == 30_000
