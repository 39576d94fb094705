from datetime import date
from decimal import Decimal

import pytest

from services.payment.domain.claims import ClaimKind, RowError, parse_claim_row
from services.payment.domain.performance import Indicators, fund_use_component, performance_score
from services.payment.domain.policy import ScoreWeights

UNITS = {"dachang-thc": "wushan"}
TODAY = date(2026, 11, 23)


def test_performance_score_of_a_worked_example():
    # spending within budget (100), county-domain rate 85% of a 90% target (94.44),
    # acceptance 80%, chronic downward share 24% of a 30% target (80)
    result = performance_score(100_000_000, 92_000_000, Indicators(8500, 8000, 2400), ScoreWeights())
    assert result.components == {"fund_use": Decimal("100.00"), "county_domain": Decimal("94.44"),
                                 "acceptance": Decimal("80.00"), "chronic_downward": Decimal("80.00")}
    # 0.4×100 + 0.4×94.444… + 0.1×80 + 0.1×80 = 93.78
    assert result.score == Decimal("93.78")


def test_overspend_costs_fund_use_points_pro_rata():
    assert fund_use_component(100, 100, 5) == Decimal(100)
    assert fund_use_component(100_000_000, 102_500_000, 5) == Decimal("87.5")
    assert fund_use_component(100_000_000, 130_000_000, 5) == Decimal(0)


def test_components_are_capped_at_100():
    result = performance_score(1, 0, Indicators(10000, 10000, 10000), ScoreWeights())
    assert result.score == Decimal("100.00")


def test_a_good_claim_row_parses():
    claim = parse_claim_row(["C1", "out_of_area", "dachang-thc", "1234", "2026-03-01"], UNITS, TODAY, 10**8)
    assert (claim.kind, claim.amount_fen, claim.service_date) == (ClaimKind.OUT_OF_AREA, 1234, date(2026, 3, 1))


@pytest.mark.parametrize("row, field", [
    (["C1", "member_outpatient", "dachang-thc", "12.50", "2026-03-01"], "amount_fen"),
    (["C1", "member_outpatient", "dachang-thc", "-5", "2026-03-01"], "amount_fen"),
    (["C1", "member_outpatient", "dachang-thc", "0", "2026-03-01"], "amount_fen"),
    (["C1", "member_outpatient", "dachang-thc", "999999999999", "2026-03-01"], "amount_fen"),
    (["C1", "inpatient", "dachang-thc", "5", "2026-03-01"], "kind"),
    (["C1", "member_outpatient", "elsewhere", "5", "2026-03-01"], "org_id"),
    (["C1", "member_outpatient", "dachang-thc", "5", "2026-02-30"], "service_date"),
    (["C1", "member_outpatient", "dachang-thc", "5", "2027-01-01"], "service_date"),
    (["", "member_outpatient", "dachang-thc", "5", "2026-03-01"], "claim_no"),
    (["C1", "member_outpatient", "dachang-thc"], "row"),
])
def test_a_bad_claim_row_names_the_field(row, field):
    with pytest.raises(RowError) as e:
        parse_claim_row(row, UNITS, TODAY, 10**8)
    assert e.value.field == field


def test_an_indicator_without_data_is_left_out_and_the_other_weights_scaled_up():
    result = performance_score(100, 100, Indicators(9000, None, None), ScoreWeights())
    assert result.components["acceptance"] is None
    assert result.score == Decimal("100.00")
    half = performance_score(100, 100, Indicators(4500, None, None), ScoreWeights())
    assert half.score == Decimal("75.00")   # (0.4×100 + 0.4×50) / 0.8
