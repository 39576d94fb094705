"""Appraisal of member units and coverage against the target as pure rules."""
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from platform_common.errors import InvalidInput
from services.payment.domain.appraisal import (Catalogue, Direction, Indicator, ScoringRule, Source, appraise,
                                               county_domain_visit_rate_bp, default_catalogue, distribute_by_score,
                                               primary_fund_share_bp)
from services.payment.domain.coverage import Population, coverage_line, needed_for, ratio_bp
from services.payment.domain.policy import PURPOSES


def test_each_result_shows_value_target_and_points():
    a = appraise("dachang-thc", default_catalogue(), {
        "county_domain_visit_rate": 8100, "primary_fund_share": 4000, "key_group_coverage": 6570,
        "fund_use": 9200, "chronic_downward_share": None, "acceptance_rate": 9000, "median_response_minutes": 60})
    by = {r.code: r for r in a.results}
    assert by["county_domain_visit_rate"].points == Decimal("90.00")
    assert by["key_group_coverage"].points == Decimal("90.00") and by["key_group_coverage"].target == 7300
    assert by["fund_use"].points == Decimal("100.00")
    assert by["median_response_minutes"].points == Decimal("50.00")
    assert by["chronic_downward_share"].points is None
    # chronic left out, its 1000 bp shared by the others: (2500×90 + 2000×100 + 1500×90 + 1000×100 + 1000×100
    # + 1000×50) / 9000
    assert a.score == Decimal("90.00")


def test_nothing_assessed_is_no_score():
    assert appraise(None, default_catalogue(), {}).score is None


def test_threshold_and_lower_is_better_rules():
    ind = Indicator("x", "x", Source.CLAIMS, Direction.LOWER, 30, 10000, ScoringRule.THRESHOLD)
    assert ind.points(30) == 100 and ind.points(31) == 0
    prop = Indicator("y", "y", Source.CLAIMS, Direction.LOWER, 30, 10000)
    assert prop.points(0) == 100 and prop.points(15) == 100 and prop.points(60) == 50


def test_catalogue_weights_must_add_up():
    with pytest.raises(InvalidInput):
        Catalogue(default_catalogue().indicators[:2]).validate()


scores = st.dictionaries(st.sampled_from(["a-thc", "b-thc", "c-vc", "d-hosp"]),
                         st.one_of(st.none(), st.decimals(0, 100, places=2)), min_size=1)


@given(st.lists(st.integers(0, 10**9), min_size=3, max_size=3), scores)
def test_distribution_by_score_conserves_each_purpose(amounts, by_org):
    split = dict(zip(PURPOSES, amounts))
    if not any(s for s in by_org.values()):
        if any(amounts):
            with pytest.raises(InvalidInput):
                distribute_by_score(split, by_org)
        return
    rows = distribute_by_score(split, by_org)
    for purpose in PURPOSES:
        assert sum(a for _, p, a in rows if p == purpose) == split[purpose]
    assert all(by_org[o] for o, _, _ in rows)  # an unscored or zero-scored unit gets nothing


def test_higher_score_gets_more():
    rows = distribute_by_score({"performance_pay": 1_000_000, "talent_training": 0, "specialty_building": 0},
                               {"a-thc": Decimal("90"), "b-thc": Decimal("60")})
    assert dict((o, a) for o, _, a in rows) == {"a-thc": 600_000, "b-thc": 400_000}


@given(st.integers(0, 10**7), st.integers(1, 10**7), st.integers(1, 10_000))
def test_coverage_and_shortfall_agree(contracted, people, target):
    line = coverage_line("a-thc", "elderly", contracted, Population(people, "census"), target)
    assert line.coverage_bp == ratio_bp(contracted, people)
    assert line.meets_target == (line.shortfall == 0)
    assert ratio_bp(contracted + line.shortfall, people) >= target
    need = needed_for(target, people)
    assert ratio_bp(need, people) >= target and (need == 0 or ratio_bp(need - 1, people) < target)


def test_coverage_without_a_population_is_unknown_not_zero():
    line = coverage_line("a-thc", "pregnant", 12, None, 7300)
    assert (line.coverage_bp, line.meets_target, line.population) == (None, None, None)


def test_fund_share_and_county_rate():
    assert primary_fund_share_bp(3_000_000, 1_000_000, 10_000_000) == 4000
    assert primary_fund_share_bp(0, 0, 0) is None
    # 900 visits in the county, 60 referred out of county, 40 out-of-area claims: 900 / 1000
    assert county_domain_visit_rate_bp(900, 60, 40) == 9000
