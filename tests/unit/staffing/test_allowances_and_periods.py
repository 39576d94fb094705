from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from services.staffing.domain.allowances import gp_allowance_fen, prorate_fen
from services.staffing.domain.model import Period, mask_id_number, month_period


def test_partial_month_rounds_half_up_to_the_fen():
    assert prorate_fen(30000, 21, 31) == 20323   # 20322.58
    assert prorate_fen(1, 1, 2) == 1             # exactly half rounds up
    assert gp_allowance_fen(40000, Period(date(2026, 2, 15)), month_period(2026, 2)) == (14, 20000)


@given(st.integers(min_value=0, max_value=10_000_000), st.integers(min_value=28, max_value=31), st.data())
def test_prorated_amount_is_within_half_a_fen_of_the_exact_share(amount, month_days, data):
    days = data.draw(st.integers(min_value=0, max_value=month_days))
    fen = prorate_fen(amount, days, month_days)
    assert abs(fen * month_days - amount * days) * 2 <= month_days
    assert (days == month_days) <= (fen == amount)
    assert 0 <= fen <= amount


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)), st.integers(0, 400),
       st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)), st.integers(0, 400))
def test_overlap_is_symmetric_and_agrees_with_shared_days(s1, n1, s2, n2):
    a, b = Period(s1, s1 + timedelta(days=n1)), Period(s2, s2 + timedelta(days=n2))
    assert a.overlaps(b) == b.overlaps(a) == (a.days_within(b) > 0)


@given(st.integers(2020, 2030), st.integers(1, 12))
def test_months_split_a_year_into_its_days(year, month):
    span = month_period(year, month)
    assert span.start.day == 1 and (span.end + timedelta(days=1)).day == 1


def test_identity_numbers_are_masked():
    assert mask_id_number("50023719800101123X") == "500*************3X"
    assert mask_id_number("12345") == "*****"
