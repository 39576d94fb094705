"""Village doctors' licence share and schedules; the pooled county quota's loans and reviews (pure)."""
from __future__ import annotations

import typing
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from platform_common.contracts import vocabulary as v
from platform_common.errors import InvalidInput
from services.staffing.domain.county_pool import (LoanSpan, LoanStatus, ReviewState, change_days, lent_on,
                                                  review_status)
from services.staffing.domain.model import EndReason, Period
from services.staffing.domain.village import (ScheduleKind, WeeklySchedule, check_weekdays, first_shared_day,
                                              licence_share)


def test_licence_share_against_the_45_percent_target():
    share = licence_share(["practising_physician", "assistant_physician", "village_doctor", "village_doctor",
                           "village_doctor"], 4500)
    assert (share.doctors, share.licensed, share.share_bp, share.meets_target, share.licensed_needed) == \
        (5, 2, 4000, False, 1)
    assert licence_share(["assistant_physician", "village_doctor"], 4500).meets_target
    empty = licence_share([], 4500)
    assert (empty.share_bp, empty.meets_target, empty.licensed_needed) == (None, False, 0)


@given(st.integers(0, 200), st.integers(0, 200), st.integers(0, 10000))
def test_the_target_is_met_exactly_when_the_exact_share_reaches_it(licensed, unlicensed, target):
    share = licence_share(["assistant_physician"] * licensed + ["village_doctor"] * unlicensed, target)
    doctors = licensed + unlicensed
    assert share.meets_target == (doctors > 0 and licensed * 10000 >= target * doctors)
    if doctors:
        more = licence_share(["assistant_physician"] * (licensed + share.licensed_needed)
                             + ["village_doctor"] * (unlicensed - share.licensed_needed), target)
        assert more.meets_target or share.licensed_needed > unlicensed


def test_weekdays_are_named_1_to_7():
    assert check_weekdays([1, 4, 4]) == frozenset({1, 4})
    for bad in ([], [0], [8]):
        with pytest.raises(InvalidInput):
            check_weekdays(bad)


WEEKDAYS = st.frozensets(st.integers(1, 7), min_size=1)


@given(WEEKDAYS, WEEKDAYS, st.integers(0, 60), st.integers(0, 20), st.integers(0, 60), st.integers(0, 20))
def test_two_schedules_meet_on_the_first_day_both_put_the_person_somewhere(wa, wb, sa, la, sb, lb):
    base = date(2026, 11, 2)
    a = WeeklySchedule("a", wa, Period(base + timedelta(days=sa), base + timedelta(days=sa + la)))
    b = WeeklySchedule("b", wb, Period(base + timedelta(days=sb), base + timedelta(days=sb + lb)))
    shared = sorted(set(a.days_in(a.period)) & set(b.days_in(b.period)))
    assert first_shared_day(a, b) == (shared[0] if shared else None)


def test_a_loan_moves_posts_for_its_period_only():
    loan = LoanSpan("luoping-thc", "dachang-thc", 2, Period(date(2026, 1, 1), date(2026, 6, 30)))
    assert lent_on("luoping-thc", [loan], date(2026, 3, 1)) == 2
    assert lent_on("dachang-thc", [loan], date(2026, 3, 1)) == -2
    assert lent_on("dachang-thc", [loan], date(2026, 7, 1)) == 0
    span = Period(date(2025, 12, 1), date(2026, 12, 31))
    assert change_days([loan], span) == [date(2025, 12, 1), date(2026, 1, 1), date(2026, 7, 1)]


def test_a_review_is_due_before_its_date_and_overdue_after():
    last = date(2021, 12, 1)
    assert review_status(last, date(2026, 8, 1), 5, 90).state is ReviewState.CURRENT
    due = review_status(last, date(2026, 9, 2), 5, 90)
    assert (due.due_on, due.state) == (date(2026, 12, 1), ReviewState.DUE)
    assert review_status(last, date(2026, 12, 2), 5, 90).state is ReviewState.OVERDUE
    assert review_status(last, date(2026, 12, 2), 3, 90).due_on == date(2024, 12, 1)
    assert review_status(None, date(2026, 12, 2), 5, 90).state is ReviewState.NEVER_REVIEWED


def test_the_contracts_name_the_same_village_and_loan_values_as_the_domain():
    assert set(typing.get_args(v.ScheduleKind)) == {k.value for k in ScheduleKind}
    assert set(typing.get_args(v.VillageEndReason)) == {EndReason.MOVED.value, EndReason.LEFT.value}
    assert set(typing.get_args(v.LoanDecision)) == {s.value for s in LoanStatus if s is not LoanStatus.REQUESTED}
