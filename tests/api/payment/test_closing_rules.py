"""When a period may be closed, what a repeated close answers, and a period without claims (issue 13, items 1-2).

The clock is the consortium's (Asia/Shanghai): the tests freeze it, never read the real time.
"""
from sqlalchemy import text

from tests.api.payment.conftest import FINANCE, INSURANCE, claim, create_budget, settle
from tests.support.service_app import outbox_events


def _count(client, table):
    with client.runtime.engine.connect() as conn:
        return conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar()


def test_a_future_or_running_month_cannot_be_closed_and_nothing_is_paid(client, set_clock):
    set_clock("2026-11-27T10:00:00+08:00")
    create_budget(client)
    claim(client, "F-1", 1_000, day="2026-11-20")
    for period, earliest in (("2026-12", "2027-01-05"), ("2026-11", "2026-12-05")):
        r = settle(client, period, score="88", reason="test")
        assert r.status_code == 409, r.text
        err = r.json()["error"]
        assert (err["field"], err["details"]["earliest_close_date"]) == ("period", earliest)
        assert err["details"]["today"] == "2026-11-27" and earliest in err["message"]
    assert _count(client, "settlements") == _count(client, "distributions") == 0
    assert _count(client, "journal_entries") == 1                 # the claim's own entry, no settlement
    assert outbox_events(client, "SettlementClosed") == []


def test_the_grace_runs_to_the_5th_of_the_next_month_in_the_consortiums_zone(client, set_clock):
    create_budget(client)
    claim(client, "G-1", 1_000, day="2026-10-20", headers=FINANCE)
    set_clock("2026-11-04T23:59:00+08:00")
    assert settle(client, "2026-10", score="90").status_code == 409
    set_clock("2026-11-05T00:30:00+08:00")                        # still 4 November in UTC
    r = settle(client, "2026-10", score="90")
    assert r.status_code == 201, r.text
    preview = client.get("/performance", headers=FINANCE, params={"consortium_id": "wushan", "period": "2026-12"})
    assert preview.json()["closable_from"] == "2027-01-05"


def test_a_quarter_or_a_year_closes_only_when_all_its_months_can(client, set_clock):
    create_budget(client)
    claim(client, "Q-1", 1_000, day="2026-07-20")
    set_clock("2026-10-04T12:00:00+08:00")                        # July and August could close, September not
    r = settle(client, "2026-Q3", score="90")
    assert r.status_code == 409 and r.json()["error"]["details"]["earliest_close_date"] == "2026-10-05"
    set_clock("2026-12-20T12:00:00+08:00")
    assert settle(client, "2026", score="90").json()["error"]["details"]["earliest_close_date"] == "2027-01-05"
    assert settle(client, "2026-Q3", score="90").status_code == 201


def test_the_grace_is_a_setting(make_client, set_clock):
    set_clock("2026-12-01T09:00:00+08:00")
    with make_client(close_from_day=1) as client:
        create_budget(client)
        claim(client, "S-1", 1_000, day="2026-11-02")
        assert settle(client, "2026-11", score="90").status_code == 201


def test_closing_again_with_other_inputs_is_409_naming_what_was_stored(client, set_clock):
    set_clock("2026-11-27T10:00:00+08:00")
    create_budget(client)
    claim(client, "R-1", 1_000, day="2026-10-03")
    first = settle(client, "2026-10", score="100", reason="年度考核")
    assert first.status_code == 201
    same = settle(client, "2026-10", score="100.00", reason="年度考核")
    assert same.status_code == 200 and same.json()["settlement_id"] == first.json()["settlement_id"]
    for score, reason in (("88", "年度考核"), ("100", "复核"), (None, None)):
        r = settle(client, "2026-10", score=score, reason=reason)
        assert r.status_code == 409, (score, reason, r.text)
        details = r.json()["error"]["details"]
        assert (details["performance_score"], details["score_source"], details["score_reason"]) == (
            "100", "assessed", "年度考核")
        assert details["closed_at"] == first.json()["closed_at"] and details["closed_at"].endswith("Z")
        assert details["settlement_id"] == first.json()["settlement_id"]
    assert len(outbox_events(client, "SettlementClosed")) == 1


def test_a_period_without_claims_is_said_so_and_never_shared_out_equally(client, set_clock):
    set_clock("2026-11-27T10:00:00+08:00")
    create_budget(client)
    r = settle(client, "2026-09", score="88", reason="test")
    # 8,333,333 fen of "surplus" and nothing to weigh it by under claims_amount: refused, not split 27 ways
    assert r.status_code == 409, r.text
    err = r.json()["error"]
    assert err["details"]["distribution_basis"] == "claims_amount" and err["details"]["retained_fen"] > 0
    assert _count(client, "settlements") == _count(client, "journal_entries") == 0

    r = client.post("/policies", headers=INSURANCE, json={
        "fund_year": 2026, "effective_from": "2026-09-01", "reason": "按签约人数分配", "distribution_basis":
        "enrolled_residents"})
    assert r.status_code == 201, r.text
    for org, residents in (("dachang-thc", 3_000), ("luoping-thc", 1_000)):
        assert client.put(f"/enrolments/{org}", headers=INSURANCE, json={
            "effective_month": "2026-01", "enrolled": residents}).status_code in (200, 201)
    s = settle(client, "2026-09", score="88", reason="test").json()
    assert s["no_claims"] is True and s["claims_fen"] == 0
    assert s["notes"] == ["no claims were recorded in 2026-09: the spending is capitation only"]
    weights = {d["org_id"]: (d["basis"], d["weight"]) for d in s["distributions"]}
    assert weights == {"dachang-thc": ("enrolled_residents", 3_000), "luoping-thc": ("enrolled_residents", 1_000)}
    csv_text = client.get(f"/settlements/{s['settlement_id']}/statement.csv", headers=FINANCE).text
    assert "no claims were recorded in 2026-09" in csv_text

    claim(client, "N-1", 5_000, day="2026-08-03")
    assert settle(client, "2026-08", score="88", reason="test").json()["no_claims"] is False
