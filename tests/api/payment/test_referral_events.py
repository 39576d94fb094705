from datetime import datetime, timedelta, timezone

import pytest

from platform_common.contracts import ContractViolation
from tests.api.payment.conftest import DACHANG, FINANCE, INSURANCE, deliver
from tests.support.service_app import outbox_events


def completed(referral_id, amount, to_org="county-peoples-hospital"):
    return {"referral_id": referral_id, "direction": "upward", "from_org_id": "dachang-thc", "to_org_id": to_org,
            "consortium_id": "wushan", "specialty": "cardiology", "completed_at": "2026-05-02T08:00:00+00:00",
            "service_date": "2026-05-01", "icd10": "I20.9", "fund_amount_fen": amount, "recommend_downward": True}


def test_a_completed_referral_becomes_one_claim_however_often_it_is_announced(client):
    assert deliver(client, "ReferralCompleted", completed("r-1", 250_000), event_id="e-1") is True
    assert deliver(client, "ReferralCompleted", completed("r-1", 250_000), event_id="e-1") is False
    deliver(client, "ReferralCompleted", completed("r-1", 250_000), event_id="e-2")   # a second announcement
    claim = client.get("/claims/REF-r-1", headers=INSURANCE).json()
    assert (claim["kind"], claim["org_id"], claim["amount_fen"], claim["period"], claim["source"]) == (
        "member_outpatient", "county-peoples-hospital", 250_000, "2026-05", "referral_event")
    assert client.get("/claims", headers=FINANCE).json()["total"] == 1
    assert len(outbox_events(client, "ClaimRecorded")) == 1


def test_a_referral_without_fund_share_is_no_claim(client):
    deliver(client, "ReferralCompleted", completed("r-2", 0))
    assert client.get("/claims", headers=FINANCE).json()["total"] == 0


def test_an_out_of_county_referral_is_charged_to_the_referring_unit(client):
    deliver(client, "OutOfCountyReferralRecorded", {
        "referral_id": "r-3", "direction": "out_of_county", "from_org_id": "dachang-thc", "to_org_id": None,
        "consortium_id": "wushan", "specialty": "neurology", "destination": "重庆医科大学附属第一医院",
        "reason": "技术条件", "service_date": "2026-05-03", "fund_amount_fen": 800_000})
    claim = client.get("/claims/OOC-r-3", headers=DACHANG).json()
    assert (claim["kind"], claim["org_id"], claim["amount_fen"]) == ("out_of_county_referral", "dachang-thc", 800_000)
    balances = client.get("/ledger/balances", headers=FINANCE, params={"consortium_id": "wushan"}).json()
    assert {a["account"]: a["balance_fen"] for a in balances["accounts"]}["external:wushan"] == 800_000


def test_the_latest_indicators_win_even_when_they_arrive_first(client):
    now = datetime(2026, 7, 1, tzinfo=timezone.utc)
    payload = indicators(county_domain_visit_rate_bp=9100)
    deliver(client, "ReferralIndicatorsPublished", payload, occurred_at=now)
    deliver(client, "ReferralIndicatorsPublished", payload | {"county_domain_visit_rate_bp": 7000},
            occurred_at=now - timedelta(hours=1))
    deliver(client, "ReferralIndicatorsPublished", payload | {"org_id": "dachang-thc",
                                                             "county_domain_visit_rate_bp": 1})
    got = client.get("/indicators", headers=FINANCE, params={"consortium_id": "wushan", "period": "2026-06"}).json()
    assert got["indicators"]["county_domain_visit_rate_bp"] == 9100
    deliver(client, "ReferralIndicatorsPublished", payload | {"county_domain_visit_rate_bp": 9300},
            occurred_at=now + timedelta(hours=1))
    got = client.get("/indicators", headers=FINANCE, params={"consortium_id": "wushan", "period": "2026-06"}).json()
    assert got["indicators"]["county_domain_visit_rate_bp"] == 9300


def indicators(**figures):
    return {"consortium_id": "wushan", "org_id": None, "period": "2026-06", "period_start": "2026-06-01",
            "period_end": "2026-06-30", "county_domain_visit_rate_bp": 9100, "upward_count": 40, "downward_count": 12,
            "out_of_county_count": 2, "acceptance_rate_bp": 9000, "median_response_minutes": 35,
            "p90_response_minutes": 200, "chronic_downward_share_bp": 3000, "out_of_county_by_specialty": []} | figures


def test_a_completed_referral_whose_amount_field_was_renamed_is_refused_not_booked_as_zero(client):
    """Before the contracts, `fund_amount_fen` read as `.get(...) or 0`: a renamed field made the claim silently
    not booked. Now the payload does not match its contract: nothing is applied, not even the inbox row."""
    renamed = completed("r-9", 250_000)
    renamed["fund_amount"] = renamed.pop("fund_amount_fen")
    with pytest.raises(ContractViolation) as refused:
        deliver(client, "ReferralCompleted", renamed, event_id="e-9")
    assert refused.value.errors == [{"field": "fund_amount_fen", "reason": "Field required", "type": "missing"}]
    assert client.get("/claims", headers=FINANCE).json()["total"] == 0
    assert deliver(client, "ReferralCompleted", completed("r-9", 250_000), event_id="e-9") is True


@pytest.mark.parametrize("bad", [{"fund_amount_fen": "250000"}, {"fund_amount_fen": 2500.5},
                                 {"fund_amount_fen": -1}, {"service_date": "2026-02-30"}, {"to_org_id": None},
                                 {"specialty": "astrology"}])
def test_a_mistyped_referral_field_is_refused(client, bad):
    with pytest.raises(ContractViolation) as refused:
        deliver(client, "ReferralCompleted", completed("r-10", 250_000) | bad)
    assert [e["field"] for e in refused.value.errors] == list(bad)
    assert client.get("/claims", headers=FINANCE).json()["total"] == 0


def test_indicators_out_of_range_are_refused_and_unknown_fields_ignored(client):
    with pytest.raises(ContractViolation):
        deliver(client, "ReferralIndicatorsPublished", indicators(acceptance_rate_bp=10_001))
    assert deliver(client, "ReferralIndicatorsPublished", indicators(a_field_added_later=1)) is True


def test_indicators_published_before_the_specialty_breakdown_still_count(client):
    """Version 1 had no out-of-county breakdown by specialty; stored v1 events are upgraded, not dead-lettered."""
    v1 = {k: v for k, v in indicators(period="2026-05", period_start="2026-05-01", period_end="2026-05-31",
                                      county_domain_visit_rate_bp=8800).items()
          if k != "out_of_county_by_specialty"}
    with pytest.raises(ContractViolation):
        deliver(client, "ReferralIndicatorsPublished", v1)  # as version 2 the breakdown is required
    assert deliver(client, "ReferralIndicatorsPublished", v1, version=1) is True
    got = client.get("/indicators", headers=FINANCE, params={"consortium_id": "wushan", "period": "2026-05"}).json()
    assert got["indicators"]["county_domain_visit_rate_bp"] == 8800
