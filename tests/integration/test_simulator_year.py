"""A tiny county year through the gateway: the end report's counts agree with what the services hold."""
from __future__ import annotations

import pytest

from simulator import simulate

pytestmark = pytest.mark.integration

YEAR = 2019  # a fund year no other test uses


def test_tiny_year_report_matches_the_services(stack):
    rep, text = simulate(stack.gateway_url, "tiny", 11, YEAR, workers=4, progress=False)
    assert rep["error_count"] == 0, rep["errors"]
    platform, claims, refs = rep["platform"], rep["claims"], rep["referrals"]
    # payment holds exactly the uploaded rows and the out-of-county claims of the fund year
    assert platform["claims"] == claims["inserted"] + refs["out_of_county"]
    assert platform["out_of_county_claims"] == refs["out_of_county"]
    # every completed referral with a fund share became a REF- claim through referral.events
    assert platform["referral_claims_found"] == platform["referral_claims_checked"] > 0
    # the statement adds up: claims of the year + capitation = actual spending; balance = budget - actual
    s = rep["settlement"]
    assert s["claims_fen"] == platform["claims_fen"]
    assert s["capitation_fen"] == platform["capitation_fen"] == rep["capitation_fen"]
    assert s["actual_fen"] == s["claims_fen"] + s["capitation_fen"]
    assert s["balance_fen"] == s["budget_fen"] - s["actual_fen"]
    # the referral service counts the year's out-of-county records by service date
    assert rep["indicators"]["out_of_county_count"] == refs["out_of_county"]
    assert refs["upward"] == 16 and sum(refs["by_outcome"].values()) == 16
    # the county desks published their places, and every acceptance booked one (预约), none refused as full
    accepted = sum(n for outcome, n in refs["by_outcome"].items() if outcome not in ("cancelled", "rejected"))
    assert refs["capacity_places"] > 0 and refs["booked_accepts"] == accepted > 0
    assert f"Settlement {YEAR}" in text
