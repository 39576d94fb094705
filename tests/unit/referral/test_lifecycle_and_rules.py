from datetime import date, datetime, timedelta, timezone

import pytest

from platform_common.errors import Conflict, InvalidInput
from services.referral.domain.lifecycle import TRANSITIONS, Action, Direction, Party, Status, next_status
from services.referral.domain.rules import (EmergencyCategory, ResponseWindows, Urgency, check_follow_up_schedule,
                                            check_urgency, follow_up_on_time, follow_up_overdue, is_overdue,
                                            needs_receiving_capability, response_deadline, response_minutes)

U, D = Direction.UPWARD, Direction.DOWNWARD


@pytest.mark.parametrize("direction,status,action,expected,party", [
    (U, Status.SUBMITTED, Action.ACCEPT, Status.ACCEPTED, Party.RECEIVER),
    (U, Status.REDIRECTED, Action.ACCEPT, Status.ACCEPTED, Party.RECEIVER),
    (U, Status.SUBMITTED, Action.REJECT, Status.REJECTED, Party.RECEIVER),
    (U, Status.SUBMITTED, Action.REDIRECT, Status.REDIRECTED, Party.RECEIVER),
    (U, Status.REDIRECTED, Action.REDIRECT, Status.REDIRECTED, Party.RECEIVER),
    (U, Status.SUBMITTED, Action.CANCEL, Status.CANCELLED, Party.SENDER),
    (U, Status.REDIRECTED, Action.CANCEL, Status.CANCELLED, Party.SENDER),
    (U, Status.ACCEPTED, Action.ARRIVE, Status.ARRIVED, Party.RECEIVER),
    (U, Status.ARRIVED, Action.COMPLETE, Status.COMPLETED, Party.RECEIVER),
    (D, Status.ISSUED, Action.ACCEPT, Status.ACCEPTED, Party.RECEIVER),
    (D, Status.ISSUED, Action.DECLINE, Status.DECLINED, Party.RECEIVER),
    (D, Status.ACCEPTED, Action.FOLLOW_UP, Status.ACCEPTED, Party.RECEIVER),
    (D, Status.ACCEPTED, Action.COMPLETE, Status.COMPLETED, Party.RECEIVER),
])
def test_legal_transitions(direction, status, action, expected, party):
    assert next_status(direction, status, action) == (expected, party)


def test_every_other_combination_is_a_409_naming_the_current_state():
    refused = 0
    for direction in Direction:
        for status in Status:
            for action in Action:
                if (direction, status, action) in TRANSITIONS:
                    continue
                with pytest.raises(Conflict) as e:
                    next_status(direction, status, action)
                assert e.value.details["current_status"] == status.value
                refused += 1
    assert refused > 300
    # terminal states offer nothing
    for terminal in (Status.REJECTED, Status.CANCELLED, Status.COMPLETED, Status.DECLINED, Status.RECORDED):
        with pytest.raises(Conflict) as e:
            next_status(U, terminal, Action.CANCEL)
        assert e.value.details["allowed_actions"] == []


def test_cancel_after_acceptance_is_refused():
    with pytest.raises(Conflict) as e:
        next_status(U, Status.ACCEPTED, Action.CANCEL)
    assert e.value.details["allowed_actions"] == ["arrive"]


def test_emergency_needs_a_five_centre_category_and_only_emergencies_have_one():
    check_urgency(Urgency.EMERGENCY, EmergencyCategory.STROKE)
    check_urgency(Urgency.ROUTINE, None)
    with pytest.raises(InvalidInput):
        check_urgency(Urgency.EMERGENCY, None)
    with pytest.raises(InvalidInput):
        check_urgency(Urgency.URGENT, EmergencyCategory.TRAUMA)


def test_response_clock_per_urgency():
    windows = ResponseWindows(routine=None, urgent=240, emergency=30)
    t0 = datetime(2026, 11, 1, 8, 0, tzinfo=timezone.utc)
    assert response_deadline(Urgency.EMERGENCY, t0, windows) == t0 + timedelta(minutes=30)
    assert response_deadline(Urgency.URGENT, t0, windows) == t0 + timedelta(hours=4)
    assert response_deadline(Urgency.ROUTINE, t0, windows) is None
    assert not is_overdue(t0 + timedelta(minutes=30), t0 + timedelta(minutes=30))
    assert is_overdue(t0 + timedelta(minutes=30), t0 + timedelta(minutes=30, seconds=1))
    assert not is_overdue(None, t0 + timedelta(days=300))


def test_response_minutes_round_down_and_never_negative():
    t0 = datetime(2026, 11, 1, 8, 0, tzinfo=timezone.utc)
    assert response_minutes(t0, t0 + timedelta(minutes=12, seconds=59)) == 12
    assert response_minutes(t0, t0 - timedelta(minutes=1)) == 0


def test_follow_up_schedule():
    today = date(2026, 11, 1)
    check_follow_up_schedule([date(2026, 11, 1), date(2026, 12, 1)], today, 24)
    for dates, message in [([], "at least one"), ([date(2026, 12, 1), date(2026, 11, 15)], "in order"),
                           ([date(2026, 12, 1), date(2026, 12, 1)], "distinct"), ([date(2026, 10, 31)], "before"),
                           ([today + timedelta(days=i) for i in range(3)], "at most 2")]:
        with pytest.raises(InvalidInput, match=message):
            check_follow_up_schedule(dates, today, 2)


def test_follow_up_grace():
    due = date(2026, 11, 10)
    assert follow_up_on_time(due, date(2026, 11, 17), 7)
    assert not follow_up_on_time(due, date(2026, 11, 18), 7)
    assert not follow_up_overdue(due, None, date(2026, 11, 17), 7)
    assert follow_up_overdue(due, None, date(2026, 11, 18), 7)
    assert not follow_up_overdue(due, date(2026, 11, 20), date(2026, 12, 1), 7)
    # the calendar's last day is a legal due date: no overflow, just on time and not overdue
    assert follow_up_on_time(date.max, date(2026, 11, 18), 7)
    assert not follow_up_overdue(date.max, None, date(2026, 11, 18), 7)


def test_receiving_capability_needed_outside_the_baseline():
    baseline = frozenset({"general_practice", "internal_medicine"})
    assert not needs_receiving_capability("general_practice", baseline)
    assert needs_receiving_capability("cardiology", baseline)
