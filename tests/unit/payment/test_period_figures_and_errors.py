"""A period's figures from the claims summed by kind and unit (what closing and the preview read), and the
domain's refusals as the platform's error classes (the HTTP answer each one gets)."""
from hypothesis import given
from hypothesis import strategies as st

import pytest

from platform_common.errors import Conflict, InvalidInput
from services.payment.domain.budget import ScheduleError, SettledPeriod, monthly_schedule
from services.payment.domain.claims import ClaimKind, RowError, parse_amount, parse_claim_no
from services.payment.domain.periods import Period
from services.payment.domain.policy import PolicyError
from services.payment.domain.settlement import PeriodFigures, distribute

KINDS = [k.value for k in ClaimKind]
ORGS = ["dachang-thc", "luoping-thc", "peoples-hospital"]


def test_figures_sum_claims_by_kind_and_take_member_outpatient_claims_by_unit_as_weights():
    figures = PeriodFigures.of(budget_id="b", budget_fen=10_000, capitation_fen=500, advanced_fen=7_000, claims={
        ("member_outpatient", "dachang-thc"): 3_000, ("member_outpatient", "luoping-thc"): 1_000,
        ("out_of_area", "dachang-thc"): 200, ("out_of_county_referral", "luoping-thc"): 300})
    assert figures.by_kind == {"member_outpatient": 4_000, "out_of_area": 200, "out_of_county_referral": 300}
    assert list(figures.by_kind) == sorted(figures.by_kind)
    assert figures.member_amounts == {"dachang-thc": 3_000, "luoping-thc": 1_000}
    assert (figures.claims_fen, figures.actual_fen) == (4_500, 5_000)


@given(st.dictionaries(st.tuples(st.sampled_from(KINDS), st.sampled_from(ORGS)), st.integers(1, 10**12)),
       st.integers(0, 10**12))
def test_no_fen_is_lost_or_counted_twice_between_the_grouped_sums_and_the_figures(claims, capitation):
    figures = PeriodFigures.of(budget_id="b", budget_fen=0, claims=claims, capitation_fen=capitation, advanced_fen=0)
    assert figures.claims_fen == sum(claims.values()) == sum(figures.by_kind.values())
    assert figures.actual_fen == figures.claims_fen + capitation
    assert sum(figures.member_amounts.values()) == figures.by_kind.get("member_outpatient", 0)


def test_a_bad_claim_row_is_a_422_naming_its_field():
    with pytest.raises(InvalidInput) as e:
        parse_amount("12.5", 100)
    assert isinstance(e.value, RowError)
    assert (e.value.status_code, e.value.body()["error"]["field"]) == (422, "amount_fen")
    with pytest.raises(RowError) as e:
        parse_claim_no("")
    assert e.value.body() == {"error": {"code": "invalid", "message": "missing", "field": "claim_no"}}


def test_a_bad_period_is_a_422_naming_the_period():
    with pytest.raises(InvalidInput) as e:
        Period.parse("2026-13")
    assert e.value.body()["error"] == {"code": "invalid", "field": "period",
                                       "message": "period must look like 2026-11, 2026-Q4 or 2026"}


def test_a_policy_whose_numbers_disagree_is_a_422_naming_the_field():
    assert issubclass(PolicyError, InvalidInput)
    assert PolicyError("split_bp", "x").body()["error"]["field"] == "split_bp"


def test_a_schedule_the_settled_periods_cannot_hold_is_a_conflict():
    with pytest.raises(ScheduleError) as e:
        monthly_schedule(100, [SettledPeriod(1, 12, 90)])
    assert isinstance(e.value, Conflict) and e.value.status_code == 409
    with pytest.raises(Conflict):
        monthly_schedule(100, [SettledPeriod(1, 6, 200)])


def test_a_surplus_with_no_unit_to_receive_it_is_a_conflict():
    with pytest.raises(Conflict):
        distribute({"performance_pay": 10, "talent_training": 0, "specialty_building": 0}, {})
