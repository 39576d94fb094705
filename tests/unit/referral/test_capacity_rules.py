"""Capacity rules as pure functions: bands, days, overlaps, weekly templates, which slot a booking takes."""
from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given, strategies as st

from platform_common.errors import InvalidInput
from services.referral.domain.capacity import (CapacityKind, FreeSlot, SlotSpec, WeekRow, band, check_days,
                                               check_no_overlap, choose, expand_week, overflow_slot)


def test_bands():
    assert band(CapacityKind.OUTPATIENT, time(8), time(12), "f") == ("08:00", "12:00")
    assert band(CapacityKind.BED, None, None, "f") == ("00:00", "24:00")
    for kind, start, end in ((CapacityKind.OUTPATIENT, time(12), time(8)), (CapacityKind.EXAM, time(8), None),
                             (CapacityKind.BED, time(8), time(9))):
        with pytest.raises(InvalidInput) as e:
            band(kind, start, end, "slots.0.start")
        assert e.value.field == "slots.0.start"


def test_days_from_today_to_the_horizon():
    today = date(2026, 12, 1)
    check_days([today, date(2026, 12, 31)], today, 30, "f")
    for bad in (date(2026, 11, 30), date(2027, 1, 1)):
        with pytest.raises(InvalidInput):
            check_days([bad], today, 30, "f")


def test_overlapping_bands_of_one_day_are_refused_adjacent_ones_are_not():
    d = date(2026, 12, 2)
    check_no_overlap([SlotSpec(d, "08:00", "12:00", 1), SlotSpec(d, "12:00", "14:00", 1),
                      SlotSpec(date(2026, 12, 3), "09:00", "13:00", 1)], "f")
    for second in (SlotSpec(d, "11:00", "13:00", 1), SlotSpec(d, "08:00", "12:00", 2), SlotSpec(d, "07:00", "09:00", 1)):
        with pytest.raises(InvalidInput):
            check_no_overlap([SlotSpec(d, "08:00", "12:00", 1), second], "f")


def test_a_weekly_template_over_a_fortnight():
    rows = [WeekRow(1, "08:00", "12:00", 3), WeekRow(3, "14:00", "17:00", 1)]
    specs = expand_week(rows, date(2026, 11, 30), date(2026, 12, 13))  # Monday to Sunday two weeks later
    assert [(s.day.isoformat(), s.start, s.count) for s in specs] == [
        ("2026-11-30", "08:00", 3), ("2026-12-02", "14:00", 1), ("2026-12-07", "08:00", 3), ("2026-12-09", "14:00", 1)]
    with pytest.raises(InvalidInput) as e:
        expand_week(rows, date(2026, 12, 2), date(2026, 12, 1))
    assert e.value.field == "date_to"


BANDS = [("08:00", "10:00"), ("10:00", "12:00"), ("14:00", "17:00")]
slots = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 4)), min_size=3, max_size=3).map(
    lambda caps: [FreeSlot(f"s{i}", "cardiology", b[0], b[1], cap, min(booked, cap + 1))
                  for i, (b, (cap, booked)) in enumerate(zip(BANDS, caps))])


@given(slots, st.sampled_from([None, "09:00", "11:30", "15:00", "18:00"]))
def test_a_booking_takes_a_free_place_preferring_its_own_band(day, at):
    chosen = choose(day, at)
    if all(s.free == 0 for s in day):
        assert chosen is None
        return
    assert chosen is not None and chosen.free > 0
    own = next((s for s in day if at and s.start <= at < s.end), None)
    if own is not None and own.free > 0:
        assert chosen is own
    else:  # the first band of the day with room
        assert chosen is next(s for s in day if s.free > 0)


@given(slots, st.sampled_from([None, "09:00", "15:00"]))
def test_an_emergency_on_a_full_day_goes_into_its_own_band_or_the_first(day, at):
    target = overflow_slot(day, at)
    assert target is (next((s for s in day if at and s.start <= at < s.end), None) or day[0])
    assert overflow_slot([], at) is None
