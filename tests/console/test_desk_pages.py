"""The pages of part 2 that are not in the menu (a budget, a statement, an upload's result, a person, a request...):
each renders for the desks that may open it and is the 403 page for every other; their forms refuse a post
without its CSRF token and change nothing."""
from __future__ import annotations

import pytest

from console.access import Page
from console.pages.payment import budgets, claims, ledger, reconciliation, statement, uploads
from console.pages.staffing import registry, rotation, secondments

from .test_pages import ACCOUNTS, _user
from .test_staffing_desks import county_today, person

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def records(console, fund_year) -> dict[str, str]:
    """One record of each kind, made through the API, for the pages that show one."""
    from datetime import timedelta

    ids: dict[str, str] = {}
    with console.client("insurance.officer") as io:
        ids["budget_id"] = next(b["budget_id"] for b in io.get("/payment/budgets", params={"consortium_id": "wushan"}).json()
                                if b["fund_year"] == fund_year)
    with console.client("peoples.finance") as finance:  # its uploads are the finance office's and the insurer's to read
        up = finance.post("/payment/claims/uploads", files={"file": ("m.csv", (
            "claim_no,kind,org_id,amount_fen,service_date\n"
            f"PG-{fund_year}-1,member_outpatient,dachang-thc,1000,{fund_year}-09-01\n").encode(), "text/csv")}).json()
        ids["upload_id"], ids["claim_no"] = up["upload_id"], f"PG-{fund_year}-1"
    with console.client("insurance.officer") as io:
        closed = io.post("/payment/settlements", json={"consortium_id": "wushan", "period": f"{fund_year}-09",
                                                      "performance_score": "90", "score_reason": "考核"})
        assert closed.status_code in (200, 201), closed.text
        ids["settlement_id"] = closed.json()["settlement_id"]
        recon = io.post("/payment/reconciliations", data={"consortium_id": "wushan", "period": f"{fund_year}-09"},
                        files={"file": ("r.csv", b"claim_no,amount_fen\n", "text/csv")}).json()
        ids["recon_id"] = recon["recon_id"]
    ids["account"] = "consortium:wushan"
    with console.client("bureau.hr") as hr:
        staff, _stays = [hr.post("/staffing/staff", json=person("county-peoples-hospital", title="junior")).json()
                         for _ in range(2)]  # one goes, one keeps the specialty's minimum cover at home
        ids["staff_id"] = staff["staff_id"]
        plan = hr.post("/staffing/rotation-plans", json={
            "name": "页面测试", "kind": "rotation_down", "org_id": "dachang-thc", "staff_ids": [staff["staff_id"]],
            "start_date": (county_today() + timedelta(days=700)).isoformat(), "block_days": 30})
        assert plan.status_code == 201, plan.text
        ids["plan_id"] = plan.json()["plan_id"]
    with console.client("dachang.manager") as manager:
        req = manager.post("/staffing/secondments", json={
            "org_id": "dachang-thc", "specialty": "paediatrics", "title_level": "junior", "headcount": 1,
            "start_date": (county_today() + timedelta(days=30)).isoformat(),
            "end_date": (county_today() + timedelta(days=60)).isoformat(), "reason": "儿科"}).json()
        ids["request_id"] = req["request_id"]
    return ids


DETAIL_PAGES: list[tuple[Page, str]] = [
    (budgets.BUDGET, "budget_id"), (statement.STATEMENT, "settlement_id"), (uploads.RESULT, "upload_id"),
    (reconciliation.REPORT, "recon_id"), (ledger.ACCOUNT, "account"), (claims.CLAIM, "claim_no"),
    (registry.PERSON, "staff_id"), (rotation.PLAN, "plan_id"), (secondments.REQUEST, "request_id"),
]


@pytest.mark.parametrize("username", ACCOUNTS)
def test_each_record_page_renders_for_its_desks_and_is_403_for_the_others(desk, records, username):
    client, user = desk(username), _user(username)
    for page, key in DETAIL_PAGES:
        path = page.path.replace("{" + key + "}", records[key])
        r = client.get(path)
        if page.allows(user):
            assert r.status_code == 200, (path, r.status_code, r.text[:300])
            assert 'lang="zh-CN"' in r.text and "Traceback" not in r.text
        else:
            assert r.status_code == 403 and "无权访问" in r.text, (path, r.status_code)


def test_the_desks_forms_refuse_a_post_without_its_csrf_token_and_change_nothing(console, desk, records):
    io_desk, hr, manager = desk("insurance.officer"), desk("bureau.hr"), desk("dachang.manager")
    budget = f"/budgets/{records['budget_id']}"
    before = io_desk.get(budget).text.count("调整后")
    for client, path, data in [
            (io_desk, f"{budget}/adjust", {"direction": "increase", "delta_yuan": "1", "reason": "无令牌"}),
            (io_desk, "/budgets", {"consortium_id": "wushan", "fund_year": "2099", "enrolled_population": "1",
                                   "per_capita_yuan": "1"}),
            (io_desk, "/settlements/close", {"consortium_id": "wushan", "period": "2020-01", "confirmed": "yes"}),
            (hr, "/staff/new", person("dachang-thc", title="junior")),
            (manager, "/secondments/new", {"specialty": "cardiology", "title_level": "junior", "headcount": "1",
                                           "start_date": "2030-01-01", "end_date": "2030-02-01", "reason": "无令牌"}),
            (manager, "/visit-volumes", {"month": "2020-01", "visits": "1"})]:
        refused = client.post(path, data=data)
        assert refused.status_code == 403 and "表单已失效" in refused.text, path
        forged = client.post(path, data=data | {"_csrf": "guessed"})
        assert forged.status_code == 403, path
    assert io_desk.get(budget).text.count("调整后") == before
    with console.client("insurance.officer") as api:
        assert not any(b["fund_year"] == 2099 for b in api.get("/payment/budgets", params={"consortium_id": "wushan"}).json())
