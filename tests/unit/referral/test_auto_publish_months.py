"""Which months the automatic indicator publication considers due (pure month arithmetic)."""
from __future__ import annotations

from datetime import date

from hypothesis import given, strategies as st

from services.referral.domain.indicators import due_month, months_due, shift_month


def test_a_month_is_due_only_after_the_grace_period():
    assert due_month(date(2026, 11, 5), 5) == "2026-09"
    assert due_month(date(2026, 11, 6), 5) == "2026-10"
    assert due_month(date(2026, 11, 1), 0) == "2026-10"
    assert due_month(date(2026, 10, 31), 0) == "2026-09"
    assert due_month(date(2027, 1, 6), 5) == "2026-12"
    assert due_month(date(2027, 1, 5), 5) == "2026-11"


def test_months_start_at_the_first_month_with_data_and_skip_published_ones():
    assert months_due("2026-12", "2026-10", set(), 12) == ["2026-10", "2026-11", "2026-12"]
    assert months_due("2026-12", "2026-10", {"2026-11"}, 12) == ["2026-10", "2026-12"]
    assert months_due("2026-12", None, set(), 12) == []  # no referral data: nothing to publish
    assert months_due("2026-09", "2026-10", set(), 12) == []


def test_catch_up_is_bounded():
    assert months_due("2027-02", "2001-01", set(), 3) == ["2026-12", "2027-01", "2027-02"]
    assert len(months_due("2027-02", "2001-01", set(), 12)) == 12


@given(st.integers(min_value=1000 * 12, max_value=2999 * 12), st.integers(min_value=-40, max_value=40))
def test_shift_month_round_trips(index, n):
    label = f"{index // 12:04d}-{index % 12 + 1:02d}"
    assert shift_month(shift_month(label, n), -n) == label
    assert shift_month(label, 12)[:4] == f"{index // 12 + 1:04d}"
