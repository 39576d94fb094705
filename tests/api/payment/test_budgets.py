from tests.api.payment.conftest import CLERK, DACHANG, FINANCE, INSURANCE, create_budget
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
