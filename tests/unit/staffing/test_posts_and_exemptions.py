"""The title caps on the professional-technical posts, targeted posts and the seniority exemptions (pure)."""
from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from services.staffing.domain.quota import Establishment, QuotaPolicy, QuotaRule, new_violations, report
from services.staffing.domain.seniority import (Exemption, SeniorityRules, Spell, TitleGained, exemption_on,
                                                service_days, years_in_days)

DACHANG = QuotaPolicy(quota=38, professional_min_bp=9000, senior_cap_bp=2000, intermediate_cap_bp=4200,
                      targeted_bp=1000)
RULES = SeniorityRules(service_years=20, retirement_window_years=5, retirement_age_years=60)


def test_the_38000_person_township_caps_are_shares_of_its_35_professional_posts():
    r = report(DACHANG, Establishment(filled=38, professional=35, senior=7, intermediate=14))
    assert (r.quota, r.professional_posts, r.professional_min) == (38, 35, 35)
    # 20% of 35 = 7 seniors; 42% of 35 = 14.7 -> 14 intermediates (15 when taken on the quota of 38)
    assert (r.senior_cap, r.intermediate_cap, r.targeted_posts) == (7, 14, 3)
    assert r.violations == []
    worse = report(DACHANG, Establishment(filled=38, professional=35, senior=7, intermediate=15))
    assert [v.rule for v in worse.violations] == [QuotaRule.INTERMEDIATE_CAP]
    assert "of 35 professional-technical posts = 14" in worse.violations[0].detail


def test_a_unit_row_may_set_more_professional_posts_than_the_minimum():
    policy = QuotaPolicy(38, 9000, 2000, 4200, professional_posts=38)
    r = report(policy, Establishment(filled=38, professional=37, senior=7, intermediate=15))
    assert (r.professional_posts, r.senior_cap, r.intermediate_cap) == (38, 7, 15)
    assert [v.rule for v in r.violations] == [QuotaRule.PROFESSIONAL_SHARE]  # no post left for the administrator


def test_targeted_seniors_sit_outside_the_senior_cap_up_to_their_own_share():
    full = Establishment(filled=30, professional=30, senior=7, intermediate=10)
    with_targeted = full.plus(professional=True, title="senior", targeted=True)
    assert new_violations(DACHANG, full, with_targeted) == []
    three = with_targeted.plus(professional=True, title="senior", targeted=True).plus(
        professional=True, title="senior", targeted=True)
    assert report(DACHANG, three).violations == []
    fourth = three.plus(professional=True, title="senior", targeted=True)
    assert [v.rule for v in new_violations(DACHANG, three, fourth)] == [QuotaRule.TARGETED_CAP]
    untargeted = full.plus(professional=True, title="senior")
    assert [v.rule for v in new_violations(DACHANG, full, untargeted)] == [QuotaRule.SENIOR_CAP]


def test_an_exempt_senior_is_not_counted_in_the_cap():
    full = Establishment(filled=30, professional=30, senior=7, intermediate=10)
    assert new_violations(DACHANG, full, full.plus(professional=True, title="senior", exempt=True)) == []
    assert full.plus(professional=True, title="senior", exempt=True).senior_counted == 7


def township(start: date, end: date | None = None, kind: str = "establishment") -> Spell:
    return Spell(kind, "township_centre", start, end)


def test_a_20_year_township_doctor_promoted_is_appointed_beyond_the_cap_with_the_reason():
    spells = [township(date(2005, 3, 1))]
    promoted = [TitleGained("senior", date(2026, 6, 1))]
    found = exemption_on(date(2026, 11, 27), title="senior", professional=True, spells=spells, gained=promoted,
                         date_of_birth=date(1980, 1, 1), retirement_age_years=None, rules=RULES)
    assert found.exemption is Exemption.TOWNSHIP_SERVICE_PROMOTION
    assert "gained on 2026-06-01" in found.reason and "beyond the senior cap" in found.reason
    # the years are counted when the title was gained, not on the report's day
    early = [TitleGained("senior", date(2024, 6, 1))]
    assert exemption_on(date(2026, 11, 27), title="senior", professional=True, spells=spells, gained=early,
                        date_of_birth=None, retirement_age_years=None, rules=RULES) is None


def test_years_away_at_the_county_do_not_count_as_township_work():
    spells = [township(date(2005, 3, 1)),
              Spell("rotation_up", "county_hospital", date(2010, 1, 1), date(2011, 12, 31))]
    on = date(2026, 6, 1)
    assert service_days(spells, {"township_centre"}, on) == (on - date(2005, 3, 1)).days - 730
    gained = [TitleGained("senior", on)]
    assert exemption_on(on, title="senior", professional=True, spells=spells, gained=gained, date_of_birth=None,
                        retirement_age_years=None, rules=RULES) is None


def test_near_retirement_after_20_years_at_township_centres_is_not_counted_until_retirement():
    spells = [township(date(2000, 1, 1))]
    born = date(1968, 5, 10)  # retires at 60 on 2028-05-10; the window opens 2023-05-10
    kw = dict(title="intermediate", professional=True, spells=spells, gained=[], date_of_birth=born,
              retirement_age_years=None, rules=RULES)
    assert exemption_on(date(2023, 5, 9), **kw) is None
    found = exemption_on(date(2023, 5, 10), **kw)
    assert found.exemption is Exemption.NEAR_RETIREMENT and "2028-05-10" in found.reason
    assert exemption_on(date(2028, 5, 10), **kw) is None
    # a person's own statutory age (55) moves the window
    assert exemption_on(date(2021, 1, 1), **{**kw, "retirement_age_years": 55}).exemption is Exemption.NEAR_RETIREMENT


def test_juniors_and_non_professionals_have_no_exemption():
    spells = [township(date(1990, 1, 1))]
    for title, professional in (("junior", True), ("senior", False)):
        assert exemption_on(date(2026, 1, 1), title=title, professional=professional, spells=spells, gained=[],
                            date_of_birth=date(1966, 6, 1), retirement_age_years=None, rules=RULES) is None


def test_twenty_years_are_7305_days():
    assert years_in_days(20) == 7305 and years_in_days(5) == 1826


SPELL_KINDS = st.sampled_from(["establishment", "secondment", "rotation_up", "village"])
UNIT_KINDS = st.sampled_from(["township_centre", "county_hospital", "village_clinic"])


@st.composite
def spells(draw):
    out = []
    for _ in range(draw(st.integers(0, 5))):
        start = date(2000, 1, 1) + timedelta(days=draw(st.integers(0, 3000)))
        length = draw(st.one_of(st.none(), st.integers(0, 1500)))
        out.append(Spell(draw(SPELL_KINDS), draw(UNIT_KINDS), start,
                         None if length is None else start + timedelta(days=length)))
    return out


@given(spells(), st.integers(0, 5000))
def test_service_days_agree_with_counting_each_day(history, offset):
    before = date(2000, 1, 1) + timedelta(days=offset)
    expected = 0
    day = date(2000, 1, 1)
    while day < before:
        covering = [s for s in history if s.start <= day and (s.end is None or s.end >= day)]
        away = [s for s in covering if s.posting_kind != "establishment"]
        where = away or covering
        expected += bool(where) and where[0].unit_kind == "township_centre"
        day += timedelta(days=1)
    assert service_days(history, {"township_centre"}, before) == expected
