"""Settlement through the API, with the worked example of docs/payment.md."""
import csv
import io

from tests.api.payment.conftest import (DACHANG, FINANCE, INSURANCE, LUOPING, claim, create_budget, deliver,
                                        ledger_sums_to_zero, settle, upload)
from tests.support.service_app import outbox_events

HEADER = "claim_no,kind,org_id,amount_fen,service_date\n"


def spend_92_million(client):
    """92,000,000 fen in 2026: member outpatient 60/25/15 between three units, plus out-of-area care."""
    rows = [("Y-1", "member_outpatient", "county-peoples-hospital", 48_000_000, "2026-02-10"),
            ("Y-2", "member_outpatient", "dachang-thc", 20_000_000, "2026-05-10"),
            ("Y-3", "member_outpatient", "luoping-thc", 12_000_000, "2026-08-10"),
            ("Y-4", "out_of_area", "dachang-thc", 7_000_000, "2026-09-10"),
            ("Y-5", "out_of_county_referral", "luoping-thc", 5_000_000, "2026-10-10")]
    body = upload(client, HEADER + "".join(",".join(map(str, r)) + "\n" for r in rows)).json()
    assert body["inserted"] == 5


def test_worked_example_year_settlement_with_score_88(client, set_clock):
    set_clock("2027-01-05T09:00:00+08:00")                        # 2026 can be closed from 5 January
    budget = create_budget(client, total_people=100_000, per_capita=900, reserve=10_000_000)
    for month in range(1, 13):
        client.post(f"/budgets/{budget['budget_id']}/advances/{month}/pay", headers=INSURANCE)
    spend_92_million(client)
    r = settle(client, "2026", score="88")
    assert r.status_code == 201, r.text
    s = r.json()
    assert (s["budget_fen"], s["actual_fen"], s["balance_fen"]) == (100_000_000, 92_000_000, 8_000_000)
    assert (s["performance_score"], s["score_source"], s["retention_ratio_bp"]) == ("88", "assessed", 8000)
    assert (s["retained_fen"], s["returned_to_fund_fen"]) == (6_400_000, 1_600_000)
    assert s["split"] == {"performance_pay": 3_840_000, "talent_training": 1_280_000,
                          "specialty_building": 1_280_000}
    assert s["by_kind"] == {"member_outpatient": 80_000_000, "out_of_area": 7_000_000,
                            "out_of_county_referral": 5_000_000}
    dist = {(d["org_id"], d["purpose"]): d["amount_fen"] for d in s["distributions"]}
    assert dist[("county-peoples-hospital", "performance_pay")] == 2_304_000
    assert dist[("dachang-thc", "talent_training")] == 320_000
    assert dist[("luoping-thc", "specialty_building")] == 192_000
    assert sum(dist.values()) == 6_400_000

    balances = client.get("/ledger/balances", headers=FINANCE, params={"consortium_id": "wushan"}).json()
    by_account = {a["account"]: a["balance_fen"] for a in balances["accounts"]}
    assert by_account["consortium:wushan"] == 0            # retained surplus all handed to the units
    assert by_account["fund:wushan"] == -98_400_000        # budget less the 1,600,000 returned
    assert by_account["unit:dachang-thc"] == 20_000_000 + 1_600_000
    assert balances["total_fen"] == 0
    ledger_sums_to_zero(client)

    [closed] = outbox_events(client, "SettlementClosed")
    assert closed["payload"]["retained_fen"] == 6_400_000 and closed["payload"]["performance_score"] == "88"
    assert len(outbox_events(client, "SurplusDistributed")) == 9


def test_closing_is_idempotent_and_a_closed_period_keeps_its_figures(client):
    create_budget(client, total_people=100_000, per_capita=900, reserve=10_000_000)
    claim(client, "A-1", 1_000_000, day="2026-03-05")
    first = settle(client, "2026-03", score="95").json()
    again = settle(client, "2026-03", score="95")
    assert again.status_code == 200 and again.json()["settlement_id"] == first["settlement_id"]
    other = settle(client, "2026-03", score="10")                # other inputs: refused, not silently ignored
    assert other.status_code == 409 and other.json()["error"]["details"]["performance_score"] == "95"
    late = claim(client, "A-2", 500, day="2026-03-20").json()
    assert (late["period"], late["late"]) == ("2026-04", True)
    assert client.get(f"/settlements/{first['settlement_id']}", headers=FINANCE).json()["actual_fen"] == 1_000_000
    overlap = settle(client, "2026-Q1", score="95")
    assert overlap.status_code == 409
    assert overlap.json()["error"]["details"] == {"state": "closed", "settled_period": "2026-03"}
    assert len(outbox_events(client, "SettlementClosed")) == 1


def test_overspend_inside_and_beyond_the_band(client):
    create_budget(client, total_people=120_000, per_capita=1000, reserve=0)   # 10,000,000 a month
    claim(client, "O-1", 10_500_000, day="2026-01-15")
    claim(client, "O-2", 11_500_000, day="2026-02-15")
    jan = settle(client, "2026-01", score="95").json()
    assert (jan["balance_fen"], jan["fund_share_fen"], jan["consortium_share_fen"]) == (-500_000, 250_000, 250_000)
    feb = settle(client, "2026-02", score="95").json()
    # band: 10% of 10,000,000; the fund pays half of the first 1,000,000, the consortium all the rest
    assert (feb["tolerance_fen"], feb["fund_share_fen"], feb["consortium_share_fen"]) == (
        1_000_000, 500_000, 1_000_000)
    assert feb["distributions"] == []
    balances = client.get("/ledger/balances", headers=FINANCE, params={"consortium_id": "wushan"}).json()
    assert {a["account"]: a["balance_fen"] for a in balances["accounts"]}["consortium:wushan"] == -1_250_000


def test_score_from_referral_indicators_when_no_assessed_score_is_given(client):
    create_budget(client, total_people=120_000, per_capita=1000, reserve=0)
    claim(client, "S-1", 9_000_000, day="2026-06-15")
    r = settle(client, "2026-06")
    assert r.status_code == 422 and r.json()["error"]["field"] == "performance_score"
    deliver(client, "ReferralIndicatorsPublished", {
        "consortium_id": "wushan", "period": "2026-06", "period_start": "2026-06-01", "period_end": "2026-06-30",
        "county_domain_visit_rate_bp": 8500, "acceptance_rate_bp": 8000, "chronic_downward_share_bp": 2400,
        "upward_count": 10, "downward_count": 4, "out_of_county_count": 1, "median_response_minutes": 30,
        "p90_response_minutes": 90, "org_id": None, "out_of_county_by_specialty": []})
    preview = client.get("/performance", headers=FINANCE, params={"consortium_id": "wushan", "period": "2026-06"})
    assert preview.json()["performance_score"] == "93.78"
    s = settle(client, "2026-06").json()
    assert (s["performance_score"], s["score_source"], s["retention_ratio_bp"]) == ("93.78", "computed", 10000)
    assert s["score_detail"]["county_domain"] == "94.44"
    assert s["retained_fen"] == 1_000_000


def test_statement_csv_download(client):
    create_budget(client)
    claim(client, "C-1", 1_000, org="dachang-thc", day="2026-03-05")
    s = settle(client, "2026-03", score="88").json()
    r = client.get(f"/settlements/{s['settlement_id']}/statement.csv", headers=FINANCE)
    assert r.status_code == 200
    assert r.headers["content-disposition"] == 'attachment; filename="settlement-wushan-2026-03.csv"'
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0] == ["item", "value", "yuan"]
    items = {row[0]: row[1:] for row in rows if len(row) in (2, 3)}
    assert items["budget_fen"] == [str(s["budget_fen"]), f"{s['budget_fen'] / 100:.2f}"]   # 8,333,334 fen
    assert items["budget_fen"][1] == "83333.34" and items["retained_fen"][0] == str(s["retained_fen"])
    assert items["closed_at"] == [s["closed_at"]] and s["closed_at"].endswith("Z")
    pay = s["split"]["performance_pay"]
    assert ["dachang-thc", "大昌镇中心卫生院", "performance_pay", "claims_amount", "1000", str(pay),
            f"{pay // 100}.{pay % 100:02d}"] in rows
    assert s["distributions"][0]["org_name"] == "大昌镇中心卫生院"


def test_who_may_settle_and_read(client):
    create_budget(client)
    claim(client, "C-1", 1_000, org="dachang-thc", day="2026-03-05")
    claim(client, "C-2", 3_000, org="luoping-thc", day="2026-03-05")
    assert client.post("/settlements", headers=FINANCE, json={"consortium_id": "wushan", "period": "2026-03",
                                                              "performance_score": "90", "score_reason": "x"}
                       ).status_code == 403
    s = settle(client, "2026-03", score="90").json()
    assert client.get(f"/settlements/{s['settlement_id']}", headers=DACHANG).status_code == 403
    mine = client.get("/distributions", headers=DACHANG).json()
    assert {d["org_id"] for d in mine} == {"dachang-thc"}
    luoping = sum(d["amount_fen"] for d in client.get("/distributions", headers=LUOPING).json())
    assert abs(luoping - 3 * sum(d["amount_fen"] for d in mine)) <= 3   # by claims volume, 1:3, to the fen
    assert settle(client, "2026-13", score="90").json()["error"]["fields"][0]["field"] == "body.period"
    assert settle(client, "2025-01", score="90").json()["error"]["field"] == "period"   # no 2025 budget
    r = client.post("/settlements", headers=INSURANCE, json={"consortium_id": "wushan", "period": "2026-04",
                                                             "performance_score": "90"})
    assert r.json()["error"]["field"] == "score_reason"


def test_a_settled_month_takes_no_advance_and_a_late_referral_claim_moves_on(client):
    budget = create_budget(client)
    claim(client, "M-1", 1_000, day="2026-05-05")
    settle(client, "2026-05", score="90")
    r = client.post(f"/budgets/{budget['budget_id']}/advances/5/pay", headers=INSURANCE)
    assert r.status_code == 409 and r.json()["error"]["details"]["state"] == "closed"
    deliver(client, "ReferralCompleted", {
        "referral_id": "late-1", "direction": "upward", "from_org_id": "dachang-thc",
        "to_org_id": "county-tcm-hospital", "consortium_id": "wushan", "specialty": "tcm",
        "completed_at": "2026-05-30T10:00:00+00:00", "service_date": "2026-05-30", "icd10": "M54.5",
        "fund_amount_fen": 42_000, "recommend_downward": False})
    late = client.get("/claims/REF-late-1", headers=FINANCE).json()
    assert (late["period"], late["late"]) == ("2026-06", True)
