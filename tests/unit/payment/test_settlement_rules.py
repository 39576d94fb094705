"""Settlement rules: the worked examples of docs/payment.md and a reference computation."""
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings, strategies as st

from services.payment.domain.policy import PURPOSES, FundPolicy, PolicyError
from services.payment.domain.settlement import distribute, settle
from services.payment.settings import PaymentSettings

DEFAULT = PaymentSettings().default_policy()


def test_worked_example_surplus_with_score_88():
    out = settle(100_000_000, 92_000_000, Decimal("88"), DEFAULT)
    assert out.balance_fen == 8_000_000
    assert out.retention_ratio_bp == 8000          # band 80 ≤ score < 90
    assert out.retained_fen == 6_400_000
    assert out.returned_to_fund_fen == 1_600_000
    assert out.split == {"performance_pay": 3_840_000, "talent_training": 1_280_000,
                         "specialty_building": 1_280_000}
    assert (out.fund_share_fen, out.consortium_share_fen) == (0, 0)


def test_worked_example_distribution_by_claims_volume():
    out = settle(100_000_000, 92_000_000, Decimal("88"), DEFAULT)
    # member-outpatient claims of the period: 60% people's hospital, 25% dachang, 15% luoping
    rows = distribute(out.split, {"county-peoples-hospital": 60, "dachang-thc": 25, "luoping-thc": 15})
    got = {(o, p): a for o, p, a in rows}
    assert got[("county-peoples-hospital", "performance_pay")] == 2_304_000
    assert got[("dachang-thc", "performance_pay")] == 960_000
    assert got[("luoping-thc", "specialty_building")] == 192_000
    assert sum(a for *_, a in rows) == 6_400_000


def test_overspend_inside_the_tolerance_band_is_shared_half_and_half():
    out = settle(100_000_000, 105_000_000, Decimal("88"), DEFAULT)
    assert out.balance_fen == -5_000_000
    assert out.tolerance_fen == 10_000_000
    assert (out.fund_share_fen, out.consortium_share_fen) == (2_500_000, 2_500_000)
    assert out.retained_fen == 0


def test_overspend_beyond_the_band_is_borne_by_the_consortium():
    out = settle(100_000_000, 115_000_000, Decimal("95"), DEFAULT)
    # 10,000,000 inside the band: the fund pays half; the 5,000,000 beyond it falls on the consortium
    assert (out.fund_share_fen, out.consortium_share_fen) == (5_000_000, 10_000_000)


@pytest.mark.parametrize("score, ratio", [("100", 10000), ("90", 10000), ("89.99", 8000), ("80", 8000),
                                          ("79.5", 6000), ("60", 4000), ("59.99", 0), ("0", 0)])
def test_retention_ratio_follows_the_score_bands(score, ratio):
    assert DEFAULT.retention_ratio_bp(Decimal(score)) == ratio


def test_a_policy_with_inconsistent_numbers_is_refused_naming_the_field():
    base = DEFAULT.to_dict()
    with pytest.raises(PolicyError) as e:
        FundPolicy.from_dict(base | {"split_bp": {"performance_pay": 5000, "talent_training": 2000,
                                                  "specialty_building": 2000}})
    assert e.value.field == "split_bp"
    with pytest.raises(PolicyError) as e:
        FundPolicy.from_dict(base | {"retention_bands": [[90, 5000], [80, 8000]]})
    assert e.value.field == "retention_bands"
    with pytest.raises(PolicyError) as e:
        FundPolicy.from_dict(base | {"overspend_tolerance_bp": 10001})
    assert e.value.field == "overspend_tolerance_bp"


# -- an independent reference computation, in exact fractions -------------------------------
def half_up(x: Fraction) -> int:
    sign = -1 if x < 0 else 1
    return sign * int(abs(x) + Fraction(1, 2))


def reference(budget, actual, score, bands, tolerance_bp, fund_bp):
    if actual <= budget:
        ratio = max([r for s, r in bands if score >= s], default=0)
        retained = half_up(Fraction((budget - actual) * ratio, 10000))
        return {"retained": retained, "returned": budget - actual - retained, "fund": 0, "consortium": 0}
    over = actual - budget
    band = half_up(Fraction(budget * tolerance_bp, 10000))
    fund = half_up(Fraction(min(over, band) * fund_bp, 10000))
    return {"retained": 0, "returned": 0, "fund": fund, "consortium": over - fund}


bands_strategy = st.lists(st.tuples(st.integers(0, 100), st.integers(0, 10000)), min_size=1, max_size=5,
                          unique_by=lambda b: b[0]).map(
    lambda bs: tuple(zip(sorted((s for s, _ in bs), reverse=True), sorted((r for _, r in bs), reverse=True))))
split_strategy = st.tuples(st.integers(0, 10000), st.integers(0, 10000)).filter(lambda t: sum(t) <= 10000)


@settings(max_examples=300)
@given(budget=st.integers(0, 10**12), actual=st.integers(0, 2 * 10**12),
       score=st.decimals(0, 100, places=2), bands=bands_strategy, tolerance=st.integers(0, 10000),
       fund_bp=st.integers(0, 10000), split=split_strategy)
def test_settlement_agrees_with_the_reference_computation(budget, actual, score, bands, tolerance, fund_bp, split):
    policy = FundPolicy.from_dict(DEFAULT.to_dict() | {
        "retention_bands": bands, "overspend_tolerance_bp": tolerance, "fund_share_within_tolerance_bp": fund_bp,
        "split_bp": {"performance_pay": split[0], "talent_training": split[1],
                     "specialty_building": 10000 - split[0] - split[1]}})
    out = settle(budget, actual, score, policy)
    ref = reference(budget, actual, score, bands, tolerance, fund_bp)
    assert (out.retained_fen, out.returned_to_fund_fen, out.fund_share_fen, out.consortium_share_fen) == (
        ref["retained"], ref["returned"], ref["fund"], ref["consortium"])
    assert out.balance_fen == budget - actual
    assert sum(out.split.values()) == out.retained_fen
    # what the fund finally pays for the period, seen from both sides
    assert budget - out.returned_to_fund_fen + out.fund_share_fen == \
        actual + out.retained_fen - out.consortium_share_fen


@given(st.dictionaries(st.sampled_from(PURPOSES), st.integers(0, 10**10)),
       st.dictionaries(st.text("abcdefgh", min_size=1, max_size=4), st.integers(0, 10**6), min_size=1))
def test_distribution_pays_out_each_purpose_exactly(split, weights):
    if not any(weights.values()):
        return
    rows = distribute(split, weights)
    for purpose in PURPOSES:
        assert sum(a for _, p, a in rows if p == purpose) == split.get(purpose, 0)
    assert all(weights[o] > 0 and a > 0 for o, _, a in rows)
