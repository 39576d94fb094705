from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from services.staffing.domain.quota import (Establishment, QuotaPolicy, QuotaRule, new_violations, report,
                                            township_quota)

TOWNSHIP = QuotaPolicy(quota=38, professional_min_bp=9000, senior_cap_bp=2000, intermediate_cap_bp=4200)


def test_a_township_of_38000_people_gets_38_posts_with_its_caps():
    assert township_quota(38_000, Decimal("1")) == 38
    r = report(TOWNSHIP, Establishment(filled=38, professional=35, senior=7, intermediate=14))
    # the caps are shares of the 35 professional-technical posts, not of the quota of 38
    assert (r.professional_min, r.professional_posts, r.senior_cap, r.intermediate_cap, r.vacant) == (35, 35, 7, 14, 0)
    assert r.violations == []


def test_county_hospital_senior_cap_is_18_percent_of_its_professional_posts():
    county = QuotaPolicy(quota=400, professional_min_bp=9000, senior_cap_bp=1800, intermediate_cap_bp=4200)
    # 360 professional-technical posts: 64 seniors (18%), 151 intermediates (42%); 72 and 168 on the quota
    assert report(county, Establishment(400, 400, 64, 151)).violations == []
    assert [v.rule for v in report(county, Establishment(400, 400, 65, 151)).violations] == [QuotaRule.SENIOR_CAP]


def test_each_rule_is_named_when_broken():
    r = report(TOWNSHIP, Establishment(filled=39, professional=35, senior=8, intermediate=16))
    assert [v.rule for v in r.violations] == [QuotaRule.QUOTA_EXCEEDED, QuotaRule.PROFESSIONAL_SHARE,
                                               QuotaRule.SENIOR_CAP, QuotaRule.INTERMEDIATE_CAP]


def test_a_change_that_does_not_worsen_a_broken_rule_is_allowed():
    over_senior = Establishment(filled=20, professional=20, senior=9, intermediate=5)
    assert new_violations(TOWNSHIP, over_senior, over_senior.plus(professional=True, title="junior")) == []
    worse = new_violations(TOWNSHIP, over_senior, over_senior.plus(professional=True, title="senior"))
    assert [v.rule for v in worse] == [QuotaRule.SENIOR_CAP]


@given(st.integers(min_value=0, max_value=2_000_000), st.decimals(min_value=Decimal("0.1"), max_value=Decimal("5"),
                                                               places=2))
def test_quota_never_exceeds_the_population_share(population, per_mille):
    q = township_quota(population, per_mille)
    assert q * 1000 <= population * per_mille < (q + 1) * 1000


@given(st.integers(min_value=0, max_value=500), st.integers(min_value=0, max_value=10000),
       st.integers(min_value=0, max_value=600))
def test_a_senior_cap_is_broken_exactly_when_seniors_exceed_the_floor_of_the_share(quota, cap_bp, seniors):
    policy = QuotaPolicy(quota, 9000, cap_bp, 10000)
    posts = -(-quota * 9000 // 10000)  # the professional-technical posts, the caps' base
    broken = any(v.rule is QuotaRule.SENIOR_CAP
                 for v in report(policy, Establishment(seniors, seniors, seniors, 0)).violations)
    assert broken == (seniors * 10000 > posts * cap_bp and seniors > posts * cap_bp // 10000)
