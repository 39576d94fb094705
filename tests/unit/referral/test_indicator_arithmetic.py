from datetime import date

import pytest
from hypothesis import given, strategies as st

from platform_common.errors import InvalidInput
from services.referral.domain.indicators import (IndicatorCounts, county_domain_visit_rate_bp, nearest_rank,
                                                 parse_period, rate_bp)


@pytest.mark.parametrize("label,start,end", [
    ("2026-11", date(2026, 11, 1), date(2026, 11, 30)), ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31)), ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
    ("2026", date(2026, 1, 1), date(2026, 12, 31)),
])
def test_periods(label, start, end):
    p = parse_period(label)
    assert (p.start, p.end) == (start, end)


def test_period_months():
    assert parse_period("2026-Q4").months() == ["2026-10", "2026-11", "2026-12"]


@pytest.mark.parametrize("bad", ["2026-13", "2026-Q5", "26", "2026-1", "Nov 2026", "２０２６-10", "２０２６"])
def test_bad_period(bad):
    with pytest.raises(InvalidInput) as e:
        parse_period(bad)
    assert e.value.field == "period"


def test_rate_bp_rounds_half_up():
    assert rate_bp(1, 3) == 3333
    assert rate_bp(2, 3) == 6667
    assert rate_bp(1, 8) == 1250
    assert rate_bp(1, 20000) == 1  # 0.5 bp rounds up
    assert rate_bp(0, 0) is None


@given(st.integers(0, 10**6), st.integers(1, 10**6))
def test_rate_bp_is_bounded_and_exact_to_half_a_bp(num, extra):
    den = num + extra
    bp = rate_bp(num, den)
    assert 0 <= bp <= 10000
    assert abs(bp * den - num * 10000) * 2 <= den


@given(st.lists(st.integers(0, 10000), min_size=1, max_size=200), st.integers(1, 100))
def test_nearest_rank_percentile_covers_at_least_p_percent(values, p):
    values = sorted(values)
    rank = nearest_rank(len(values), p)
    chosen = values[rank - 1]
    assert sum(v <= chosen for v in values) * 100 >= p * len(values)
    assert 1 <= rank <= len(values)


def test_nearest_rank_examples():
    assert nearest_rank(0, 50) is None
    assert nearest_rank(4, 50) == 2
    assert nearest_rank(10, 90) == 9
    assert nearest_rank(1, 90) == 1


def _counts(**kw):
    base = dict(completed_upward=0, reported_visits=0, out_of_county=0, upward=0, downward=0, decisions=0,
                acceptances=0, chronic_patients=0, chronic_patients_down=0)
    return IndicatorCounts(**(base | kw))


def test_county_domain_rate():
    assert county_domain_visit_rate_bp(_counts(completed_upward=9, out_of_county=1)) == 9000
    assert county_domain_visit_rate_bp(_counts(completed_upward=18, reported_visits=1782, out_of_county=200)) == 9000
    assert county_domain_visit_rate_bp(_counts()) is None
