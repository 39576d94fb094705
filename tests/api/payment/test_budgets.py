from tests.api.payment.conftest import CLERK, DACHANG, FINANCE, INSURANCE, claim, create_budget, settle
from tests.support.service_app import outbox_events


def test_insurance_office_creates_a_budget_with_its_composition_and_schedule(client):
    b = create_budget(client, total_people=100_000, per_capita=900, reserve=10_000_000)
    assert b["total_fen"] == 100_000_000
    assert b["composition"] == {"enrolled_population": 100_000, "per_capita_fen": 900,
                                "population_part_fen": 90_000_000, "out_of_area_reserve_fen": 10_000_000,
                                "adjustments_fen": 0}
    schedule = b["advance_schedule"]
    assert len(schedule) == 12 and sum(m["scheduled_fen"] for m in schedule) == 100_000_000
    [event] = outbox_events(client, "BudgetAllocated")
    assert event["payload"] | {} == {"budget_id": b["budget_id"], "consortium_id": "wushan", "fund_year": 2026,
                                     "total_fen": 100_000_000, "delta_fen": 100_000_000, "reason": "2026 协商"}


def test_a_second_budget_for_the_same_year_is_a_conflict(client):
    b = create_budget(client)
    r = client.post("/budgets", headers=INSURANCE, json={
        "consortium_id": "wushan", "fund_year": 2026, "enrolled_population": 1, "per_capita_fen": 1})
    assert r.status_code == 409
    assert r.json()["error"]["details"]["budget_id"] == b["budget_id"]


def test_bad_budget_input_is_a_422_naming_the_field(client):
    r = client.post("/budgets", headers=INSURANCE, json={
        "consortium_id": "wushan", "fund_year": 2026, "enrolled_population": 10, "per_capita_fen": 12.5})
    assert r.status_code == 422
    assert r.json()["error"]["fields"][0]["field"] == "body.per_capita_fen"
    r = client.post("/budgets", headers=INSURANCE, json={
        "consortium_id": "nowhere", "fund_year": 2026, "enrolled_population": 10, "per_capita_fen": 1})
    assert r.status_code == 422 and r.json()["error"]["field"] == "consortium_id"


def test_only_the_insurance_office_manages_and_finance_reads_its_own(client):
    b = create_budget(client)
    for headers in (FINANCE, DACHANG, CLERK):
        r = client.post(f"/budgets/{b['budget_id']}/adjustments", headers=headers,
                        json={"delta_fen": 1, "reason": "try"})
        assert r.status_code == 403
    assert client.get(f"/budgets/{b['budget_id']}", headers=FINANCE).status_code == 200
    assert client.get(f"/budgets/{b['budget_id']}", headers=DACHANG).status_code == 403
    assert [x["budget_id"] for x in client.get("/budgets", headers=FINANCE).json()] == [b["budget_id"]]


def test_negotiated_adjustments_keep_their_history_and_guard_concurrent_edits(client):
    b = create_budget(client)
    r = client.post(f"/budgets/{b['budget_id']}/adjustments", headers=INSURANCE,
                    json={"delta_fen": 2_000_000, "reason": "新增签约人口", "expected_version": b["version"]})
    assert r.status_code == 201, r.text
    after = r.json()
    assert after["total_fen"] == 102_000_000 and after["composition"]["adjustments_fen"] == 2_000_000
    assert after["adjustments"][0] | {"adjusted_at": None} == {
        "delta_fen": 2_000_000, "total_after_fen": 102_000_000, "reason": "新增签约人口",
        "adjusted_by": "insurance.officer", "adjusted_at": None}
    stale = client.post(f"/budgets/{b['budget_id']}/adjustments", headers=INSURANCE,
                        json={"delta_fen": -1, "reason": "stale edit", "expected_version": b["version"]})
    assert stale.status_code == 409
    assert stale.json()["error"]["details"]["current_version"] == after["version"]
    assert outbox_events(client, "BudgetAdjusted")[0]["payload"]["delta_fen"] == 2_000_000


def test_advances_are_paid_once_and_the_total_cannot_drop_below_them(client):
    b = create_budget(client)
    r = client.post(f"/budgets/{b['budget_id']}/advances/1/pay", headers=INSURANCE)
    assert r.status_code == 201 and r.json()["amount_fen"] == 8_333_334
    again = client.post(f"/budgets/{b['budget_id']}/advances/1/pay", headers=INSURANCE)
    assert again.status_code == 200 and again.json()["entry_id"] == r.json()["entry_id"]
    assert client.post(f"/budgets/{b['budget_id']}/advances/13/pay", headers=INSURANCE).status_code == 422
    r = client.post(f"/budgets/{b['budget_id']}/adjustments", headers=INSURANCE,
                    json={"delta_fen": -95_000_000, "reason": "too much"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "delta_fen"
    balances = client.get("/ledger/balances", headers=FINANCE, params={"consortium_id": "wushan"}).json()
    by_account = {a["account"]: a["balance_fen"] for a in balances["accounts"]}
    assert by_account == {"consortium:wushan": 8_333_334, "fund:wushan": -8_333_334}
    month = client.get(f"/budgets/{b['budget_id']}", headers=FINANCE).json()["advance_schedule"][0]
    assert month["paid_fen"] == 8_333_334


def test_balances_at_a_past_date_do_not_see_later_postings(client):
    b = create_budget(client)
    client.post(f"/budgets/{b['budget_id']}/advances/2/pay", headers=INSURANCE)
    past = client.get("/ledger/balances", headers=FINANCE, params={"consortium_id": "wushan",
                                                                    "as_of": "2026-01-01"}).json()
    assert {a["balance_fen"] for a in past["accounts"]} == {0}
    later = client.get("/ledger/balances", headers=FINANCE, params={"consortium_id": "wushan",
                                                                     "as_of": "2099-01-01"}).json()
    assert {a["account"]: a["balance_fen"] for a in later["accounts"]}["consortium:wushan"] == 8_333_334


def test_an_adjustment_after_a_settled_quarter_falls_on_the_open_months(client, set_clock):
    """120,000,000 fen (10,000,000 a month); Q1 settled, then +9,000,000 negotiated: Q1 keeps its
    30,000,000 and April–December get 11,000,000 each, so the year still adds up to the new total."""
    set_clock("2027-01-10T10:00:00+08:00")                        # every quarter of 2026 can be closed
    b = create_budget(client, total_people=120_000, per_capita=1000, reserve=0)
    for quarter in range(4):
        claim(client, f"Q-{quarter}", 1_000, day=f"2026-{3 * quarter + 1:02d}-10")
    q1 = settle(client, "2026-Q1", score="95").json()
    assert q1["budget_fen"] == 30_000_000
    r = client.post(f"/budgets/{b['budget_id']}/adjustments", headers=INSURANCE,
                    json={"delta_fen": 9_000_000, "reason": "新增异地就医额度"})
    assert r.status_code == 201, r.text
    schedule = r.json()["advance_schedule"]
    assert [m["scheduled_fen"] for m in schedule] == [10_000_000] * 3 + [11_000_000] * 9
    assert [m["settled"] for m in schedule] == [True] * 3 + [False] * 9
    assert sum(m["scheduled_fen"] for m in schedule) == r.json()["total_fen"] == 129_000_000
    pay = client.post(f"/budgets/{b['budget_id']}/advances/4/pay", headers=INSURANCE)
    assert pay.json()["amount_fen"] == 11_000_000
    assert client.get(f"/settlements/{q1['settlement_id']}", headers=FINANCE).json()["budget_fen"] == 30_000_000
    settled = [settle(client, p, score="95").json()["budget_fen"] for p in ("2026-Q2", "2026-Q3", "2026-Q4")]
    assert settled == [33_000_000] * 3 and 30_000_000 + sum(settled) == 129_000_000
    balances = client.get("/ledger/balances", headers=FINANCE, params={"consortium_id": "wushan"}).json()
    assert {a["account"]: a["balance_fen"] for a in balances["accounts"]}["fund:wushan"] == -129_000_000
    # the whole fund year is closed: its total is final
    late = client.post(f"/budgets/{b['budget_id']}/adjustments", headers=INSURANCE,
                       json={"delta_fen": 1, "reason": "too late"})
    assert late.status_code == 409 and late.json()["error"]["details"]["state"] == "closed"


def test_a_cut_may_not_take_the_open_months_below_their_advances(client):
    b = create_budget(client, total_people=120_000, per_capita=1000, reserve=0)
    claim(client, "Q-1", 1_000, day="2026-02-10")
    settle(client, "2026-Q1", score="95")
    client.post(f"/budgets/{b['budget_id']}/advances/4/pay", headers=INSURANCE)    # 10,000,000 for April
    r = client.post(f"/budgets/{b['budget_id']}/adjustments", headers=INSURANCE,
                    json={"delta_fen": -80_000_001, "reason": "削减"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "delta_fen"
    assert r.json()["error"]["details"]["settled_budget_fen"] == 30_000_000
    ok = client.post(f"/budgets/{b['budget_id']}/adjustments", headers=INSURANCE,
                     json={"delta_fen": -80_000_000, "reason": "削减"})
    assert ok.status_code == 201
    assert [m["scheduled_fen"] for m in ok.json()["advance_schedule"]][3:5] == [1_111_112, 1_111_111]


def test_an_advance_month_is_yyyy_mm_like_every_other_route_and_the_number_is_deprecated(client):
    b = create_budget(client, total_people=120_000, per_capita=1000, reserve=0)
    r = client.post(f"/budgets/{b['budget_id']}/advances/2026-03/pay", headers=INSURANCE)
    assert r.status_code == 201, r.text
    assert (r.json()["month"], r.json()["amount_fen"]) == ("2026-03", 10_000_000) and "deprecation" not in r.headers
    old = client.post(f"/budgets/{b['budget_id']}/advances/3/pay", headers=INSURANCE)   # the same month, older form
    assert old.status_code == 200 and old.json()["paid_at"] == r.json()["paid_at"]
    assert old.headers["deprecation"] == "true"
    for bad in ("2025-03", "2026-13", "2026-Q1", "13", "march"):
        r = client.post(f"/budgets/{b['budget_id']}/advances/{bad}/pay", headers=INSURANCE)
        assert r.status_code == 422 and r.json()["error"]["field"] == "month", bad
    doc = client.get("/openapi.json").json()["paths"]["/budgets/{budget_id}/advances/{month}/pay"]["post"]
    assert "Deprecated" in next(p for p in doc["parameters"] if p["name"] == "month")["description"]
