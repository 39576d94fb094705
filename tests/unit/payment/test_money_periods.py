from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given, strategies as st

from platform_common.errors import InvalidInput
from services.payment.domain.budget import monthly_schedule, period_budget
from services.payment.domain.money import allocate, apply_bp
from services.payment.domain.periods import Period, book_month, earliest_close


def test_apply_bp_rounds_half_up_away_from_zero():
    assert apply_bp(8_000_000, 8000) == 6_400_000
    assert apply_bp(5, 5000) == 3        # 2.5 fen -> 3
    assert apply_bp(-5, 5000) == -3
    assert apply_bp(4, 5000) == 2
    assert apply_bp(1, 4999) == 0


@given(st.integers(-10**12, 10**12), st.lists(st.integers(0, 10**6), min_size=1, max_size=20))
def test_allocate_parts_add_up_and_stay_within_a_fen_of_the_exact_share(total, weights):
    if sum(weights) == 0:
        with pytest.raises(InvalidInput):
            allocate(total, weights)
        return
    parts = allocate(total, weights)
    assert sum(parts) == total
    for part, w in zip(parts, weights):
        exact = Fraction(total * w, sum(weights))
        assert abs(part - exact) < 1


def test_allocate_gives_the_left_over_fen_to_the_largest_remainders():
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert allocate(10, [1, 2]) == [3, 7]


def test_periods_parse_and_cover_their_months():
    q = Period.parse("2026-Q4")
    assert q.months == ["2026-10", "2026-11", "2026-12"]
    assert (q.start, q.end) == (date(2026, 10, 1), date(2026, 12, 31))
    assert Period.parse("2026").months[-1] == "2026-12"
    assert Period.parse("2026-02").end == date(2026, 2, 28)
    assert Period.parse("2026-Q1").overlaps(Period.parse("2026-03"))
    assert not Period.parse("2026-Q1").overlaps(Period.parse("2026-04"))
    for bad in ("2026-13", "2026-Q5", "26", "", "2026-1"):
        with pytest.raises(InvalidInput) as e:
            Period.parse(bad)
        assert e.value.field == "period"


def test_a_claim_for_a_closed_month_goes_to_the_next_open_month_flagged_late():
    assert book_month(date(2026, 3, 31), set()) == ("2026-03", False)
    assert book_month(date(2026, 3, 31), {"2026-03"}) == ("2026-04", True)
    assert book_month(date(2026, 12, 5), {"2026-12", "2027-01"}) == ("2027-02", True)


@given(st.integers(0, 10**13))
def test_monthly_schedule_adds_up_to_the_budget(total):
    schedule = monthly_schedule(total)
    assert sum(schedule) == total
    assert max(schedule) - min(schedule) <= 1
    assert sum(period_budget(total, Period.parse(f"2026-Q{q}")) for q in range(1, 5)) == total


def test_period_budget_of_a_worked_example():
    # 100,000,000 fen over 12 months: 8,333,334 for the first four months, 8,333,333 after.
    assert monthly_schedule(100_000_000)[:5] == [8_333_334] * 4 + [8_333_333]
    assert period_budget(100_000_000, Period.parse("2026-Q1")) == 25_000_002


@given(first_total=st.integers(0, 10**12), delta=st.integers(-10**11, 10**11),
       quarters=st.sets(st.integers(1, 4), max_size=3))
def test_settled_periods_keep_their_budget_and_the_year_adds_up_to_the_new_total(first_total, delta, quarters):
    """Settle some quarters under the first total, then change it: the settled months are
    untouched and the year still sums to the new total (the change falls on the open months)."""
    settled = [(3 * q - 2, 3 * q, period_budget(first_total, Period.parse(f"2026-Q{q}"))) for q in quarters]
    new_total = first_total + delta
    if new_total < sum(fen for *_, fen in settled):
        return  # refused by the service (the open months would go negative)
    schedule = monthly_schedule(new_total, settled)
    assert sum(schedule) == new_total
    before = monthly_schedule(first_total)
    for first, last, _ in settled:
        assert schedule[first - 1:last] == before[first - 1:last]
    open_months = [schedule[m - 1] for m in range(1, 13) if not any(f <= m <= l for f, l, _ in settled)]
    assert max(open_months) - min(open_months) <= 1


def test_without_an_adjustment_settling_does_not_move_the_schedule():
    settled = [(12, 12, 8_333_333), (1, 1, 8_333_334)]
    assert monthly_schedule(100_000_000, settled) == monthly_schedule(100_000_000)


def test_a_period_closes_from_the_grace_day_after_its_last_month():
    assert earliest_close(Period.parse("2026-11"), 5) == date(2026, 12, 5)
    assert earliest_close(Period.parse("2026-12"), 5) == date(2027, 1, 5)
    assert earliest_close(Period.parse("2026-Q3"), 5) == date(2026, 10, 5)
    assert earliest_close(Period.parse("2026"), 1) == date(2027, 1, 1)


@given(st.integers(2000, 2100), st.sampled_from(["", "-Q1", "-Q2", "-Q3", "-Q4"] + [f"-{m:02d}" for m in range(1, 13)]),
       st.integers(1, 28))
def test_a_quarter_or_a_year_closes_exactly_when_all_its_months_can(year, suffix, day):
    period = Period.parse(f"{year}{suffix}")
    earliest = earliest_close(period, day)
    assert earliest > period.end
    assert earliest == max(earliest_close(Period.parse(m), day) for m in period.months)
