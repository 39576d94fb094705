"""Every instant in every answer is ISO-8601 in UTC with `Z`, the same in all services, whether the record
was just written or read back from the database (issue 13, item 3: SQLite gave naive datetimes back)."""
from __future__ import annotations

import re

from services.payment import bootstrap as payment
from services.payment.settings import PaymentSettings
from services.referral import bootstrap as referral
from services.referral.settings import ReferralSettings
from services.staffing import bootstrap as staffing
from services.staffing.settings import StaffingSettings
from tests.api.referral.conftest import upward_body
from tests.api.staffing.conftest import person, soon
from tests.support.service_app import service_client
from tests.support.tokens import demo_user_header

LOOKS_LIKE_AN_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T")
ONE_FORM = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?Z$")
INSURANCE, FINANCE = demo_user_header("insurance.officer"), demo_user_header("peoples.finance")
BUREAU, CLERK, HOSPITAL = demo_user_header("bureau.hr"), demo_user_header("dachang.referral"), \
    demo_user_header("peoples.referral")


def instants(value, path="") -> list[tuple[str, str]]:
    """(path, text) of every string in a JSON document that is a date with a time."""
    if isinstance(value, dict):
        return [i for k, v in value.items() for i in instants(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [i for n, v in enumerate(value) for i in instants(v, f"{path}[{n}]")]
    return [(path, value)] if isinstance(value, str) and LOOKS_LIKE_AN_INSTANT.match(value) else []


def check(*responses) -> int:
    found = [i for r in responses for i in instants(r.json())]
    wrong = [(path, text) for path, text in found if not ONE_FORM.match(text)]
    assert wrong == []
    return len(found)


def test_payment_answers_write_instants_one_way(tmp_path):
    with service_client(payment, PaymentSettings, tmp_path) as c:
        budget = c.post("/budgets", headers=INSURANCE, json={
            "consortium_id": "wushan", "fund_year": 2026, "enrolled_population": 1000, "per_capita_fen": 900})
        first = c.post(f"/budgets/{budget.json()['budget_id']}/advances/3/pay", headers=INSURANCE)
        again = c.post(f"/budgets/{budget.json()['budget_id']}/advances/3/pay", headers=INSURANCE)
        assert (first.status_code, again.status_code) == (201, 200)
        assert first.json()["paid_at"] == again.json()["paid_at"]      # the repeat read it back from the database
        claim = c.post("/claims", headers=FINANCE, json={"claim_no": "I-1", "kind": "member_outpatient",
                                                         "org_id": "dachang-thc", "amount_fen": 100,
                                                         "service_date": "2026-03-02"})
        upload = c.post("/claims/uploads", headers=FINANCE, files={"file": ("c.csv", (
            "claim_no,kind,org_id,amount_fen,service_date\nI-2,member_outpatient,dachang-thc,5,2026-03-03\n"
        ).encode(), "text/csv")})
        settled = c.post("/settlements", headers=INSURANCE, json={
            "consortium_id": "wushan", "period": "2026-03", "performance_score": "90", "score_reason": "考核"})
        assert settled.status_code == 201, settled.text
        reads = [c.get(f"/budgets/{budget.json()['budget_id']}", headers=INSURANCE),
                 c.get("/claims/I-1", headers=FINANCE), c.get("/claims", headers=FINANCE),
                 c.get(f"/claims/uploads/{upload.json()['upload_id']}", headers=FINANCE),
                 c.get(f"/settlements/{settled.json()['settlement_id']}", headers=FINANCE),
                 c.get("/settlements", headers=FINANCE, params={"consortium_id": "wushan"}),
                 c.get("/ledger/accounts/unit:dachang-thc/postings", headers=FINANCE),
                 c.get("/policies", headers=FINANCE, params={"fund_year": 2026})]
        assert check(budget, first, again, claim, upload, settled, *reads) >= 12


def test_referral_answers_write_instants_one_way(tmp_path):
    with service_client(referral, ReferralSettings, tmp_path) as c:
        created = c.post("/referrals/upward", headers=CLERK, json=upward_body())
        rid = created.json()["referral_id"]
        accepted = c.post(f"/referrals/{rid}/accept", headers=HOSPITAL,
                          json={"appointment_at": "2030-01-01T09:00:00+08:00"})
        assert accepted.json()["appointment_at"] == "2030-01-01T01:00:00Z"
        reads = [c.get(f"/referrals/{rid}", headers=CLERK), c.get("/referrals", headers=CLERK),
                 c.get("/referrals", headers=HOSPITAL)]
        assert check(created, accepted, *reads) >= 6


def test_staffing_answers_write_instants_one_way(tmp_path):
    with service_client(staffing, StaffingSettings, tmp_path) as c:
        people = c.post("/staff/bulk", headers=BUREAU, json={"staff": [person("dachang-thc")]})
        staff_id = people.json()[0]["staff_id"]
        season = c.post("/seasons", headers=BUREAU, json={
            "org_id": "dachang-thc", "name": "旅游旺季", "start_date": soon(10), "end_date": soon(40),
            "specialties": ["emergency"], "headcount": 1})
        generated = c.post("/tidal/recommendations/generate", headers=BUREAU)
        reads = [c.get(f"/staff/{staff_id}", headers=BUREAU), c.get("/tidal/recommendations", headers=BUREAU),
                 c.get("/units/dachang-thc/quota-policies", headers=BUREAU)]
        assert generated.json() and check(people, season, generated, *reads) >= 2
