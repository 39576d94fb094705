"""Through the gateway: budget → claims (bulk upload and from referral events) → settlement →
statement → reconciliation, with the referral service producing the events over Kafka."""
from __future__ import annotations

import io
import zipfile
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.referral.domain.identity import check_char

pytestmark = pytest.mark.integration


def _patient(serial: str) -> dict:
    first17 = "500237" + "19600312" + serial
    return {"name": "王五", "sex": "male", "date_of_birth": "1960-03-12", "national_id": first17 + check_char(first17)}


def test_budget_claims_settlement_statement_reconciliation(stack):
    insurance, finance = stack.client("insurance.officer"), stack.client("peoples.finance")
    town, hosp, manager = stack.client("dachang.referral"), stack.client("peoples.referral"), \
        stack.client("dachang.manager")
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    # a month that has ended and whose grace for late claims (to the 5th of the next month) has passed:
    # the month holding the day 35 days ago always is one; the referral claims land in the current month
    day = today - timedelta(days=35)
    month = day.strftime("%Y-%m")

    r = insurance.post("/payment/budgets", json={
        "consortium_id": "wushan", "fund_year": day.year, "enrolled_population": 120_000,
        "per_capita_fen": 1_000, "out_of_area_reserve_fen": 0, "note": "e2e"})
    assert r.status_code == 201, r.text          # 120,000,000 fen: 10,000,000 a month

    csv_text = ("claim_no,kind,org_id,amount_fen,service_date\n"
                f"E2E-1,member_outpatient,dachang-thc,3000000,{day}\n"
                f"E2E-2,member_outpatient,county-peoples-hospital,4000000,{day}\n"
                f"E2E-3,out_of_area,luoping-thc,500000,{day}\n"
                f"E2E-4,member_outpatient,nowhere,1,{day}\n")
    r = finance.post("/payment/claims/uploads", files={"file": ("claims.csv", csv_text.encode(), "text/csv")})
    assert r.status_code == 201, r.text
    assert (r.json()["inserted"], r.json()["rejected"], r.json()["errors"][0]["line"]) == (3, 1, 5)

    # a completed upward referral and an out-of-county referral, announced on referral.events
    r = town.post("/referral/referrals/upward", json={
        "patient": _patient("311"), "icd10": "I21.9", "diagnosis": "急性心梗", "reason": "需介入",
        "urgency": "urgent", "to_org_id": "county-peoples-hospital", "specialty": "cardiology"})
    assert r.status_code == 201, r.text
    rid = r.json()["referral_id"]
    assert hosp.post(f"/referral/referrals/{rid}/accept", json={"bed_no": "心内 3"}).status_code == 200
    assert hosp.post(f"/referral/referrals/{rid}/arrive", json={}).status_code == 200
    r = hosp.post(f"/referral/referrals/{rid}/complete", json={
        "discharge_summary": "PCI 术后", "fund_amount_fen": 865_000, "recommend_downward": False})
    assert r.status_code == 200, r.text
    r = town.post("/referral/referrals/out-of-county", json={
        "patient": _patient("331"), "icd10": "C34.9", "diagnosis": "肺癌", "reason": "县内无放疗条件",
        "specialty": "respiratory", "destination": "重庆大学附属肿瘤医院", "service_date": day.isoformat(),
        "fund_amount_fen": 1_200_000})
    assert r.status_code == 201, r.text
    oid = r.json()["referral_id"]

    ref = stack.wait_until(lambda: finance.get(f"/payment/claims/REF-{rid}").json().get("amount_fen"))
    assert ref == 865_000
    assert finance.get(f"/payment/claims/REF-{rid}").json()["period"] == today.strftime("%Y-%m")
    ooc = stack.wait_until(lambda: manager.get(f"/payment/claims/OOC-{oid}").json().get("org_id"))
    assert ooc == "dachang-thc"                   # charged to the referring unit, visible to it

    # referral indicators for the month feed the computed performance score
    r = finance.post("/referral/indicators/publish", json={"period": month})
    assert r.status_code in (200, 201), r.text
    stack.wait_until(lambda: finance.get("/payment/indicators", params={
        "consortium_id": "wushan", "period": month}).json()["indicators"])

    r = insurance.post("/payment/settlements", json={"consortium_id": "wushan", "period": month})
    assert r.status_code == 201, r.text
    s = r.json()
    assert s["score_source"] == "computed"
    assert s["actual_fen"] == 3_000_000 + 4_000_000 + 500_000 + 1_200_000    # the referral claim is in this month
    assert s["balance_fen"] == s["budget_fen"] - s["actual_fen"] > 0
    assert sum(d["amount_fen"] for d in s["distributions"]) == s["retained_fen"]
    again = insurance.post("/payment/settlements", json={"consortium_id": "wushan", "period": month})
    assert again.status_code == 200 and again.json()["settlement_id"] == s["settlement_id"]

    r = finance.get(f"/payment/settlements/{s['settlement_id']}/statement.csv")
    assert r.status_code == 200 and r.headers["content-disposition"].startswith("attachment")
    assert f"retained_fen,{s['retained_fen']}" in r.text
    r = finance.get(f"/payment/settlements/{s['settlement_id']}/statement.xlsx")
    assert r.status_code == 200 and r.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    with zipfile.ZipFile(io.BytesIO(r.content)) as book:
        assert f"<v>{s['retained_fen']}</v>" in book.read("xl/worksheets/sheet1.xml").decode()
    assert {d["org_id"] for d in manager.get("/payment/distributions").json()} <= {"dachang-thc"}

    office_file = ("claim_no,amount_fen\n"
                   "E2E-1,3000000\nE2E-2,4100000\n"
                   f"REF-{rid},865000\nOOC-{oid},1200000\nE2E-9,700\n")
    r = insurance.post("/payment/reconciliations", data={"consortium_id": "wushan", "period": month},
                       files={"file": ("医保.csv", office_file.encode(), "text/csv")})
    assert r.status_code == 201, r.text
    totals = r.json()["totals"]
    assert (totals["matched"]["count"], totals["amount_mismatch"]["count"]) == (3, 1)
    assert totals["missing_on_platform"] == {"count": 1, "file_amount_fen": 700, "platform_amount_fen": 0}
    assert totals["missing_in_file"] == {"count": 1, "file_amount_fen": 0, "platform_amount_fen": 500_000}

    balances = finance.get("/payment/ledger/balances", params={"consortium_id": "wushan"}).json()
    assert balances["total_fen"] == 0
    assert stack.client("peoples.referral").get("/payment/claims").status_code in (403, 404)
