"""Advice before referral (科对科) as pure rules: the state machine, the clock, pairing, the answer."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from platform_common.errors import Conflict, InvalidInput
from services.referral.domain.consultation import (AnswerWindows, ConsultationAction, ConsultationStatus, Outcome,
                                                   Side, allowed_actions, answer_minutes, check_answer,
                                                   check_pairing, next_status, resolved_without_referral)
from services.referral.domain.rules import Urgency

T0 = datetime(2026, 12, 1, tzinfo=timezone.utc)


def test_the_county_answers_the_asker_cancels_and_nothing_follows_either():
    assert next_status(ConsultationStatus.REQUESTED, ConsultationAction.ANSWER) == (ConsultationStatus.ANSWERED,
                                                                                    Side.COUNTY)
    assert allowed_actions(ConsultationStatus.REQUESTED, Side.ASKER) == ["cancel"]
    assert allowed_actions(ConsultationStatus.ANSWERED, Side.COUNTY) == []
    for done in (ConsultationStatus.ANSWERED, ConsultationStatus.CANCELLED):
        with pytest.raises(Conflict):
            next_status(done, ConsultationAction.ANSWER)


def test_the_clock_per_urgency():
    w = AnswerWindows(routine=None, urgent=240, emergency=30)
    assert w.deadline(Urgency.EMERGENCY, T0) == T0 + timedelta(minutes=30)
    assert w.deadline(Urgency.ROUTINE, T0) is None
    assert answer_minutes(T0, T0 + timedelta(minutes=90, seconds=59)) == 90


def test_pairing_and_answers():
    check_pairing("county-peoples-hospital", "county-peoples-hospital", None)
    check_pairing("county-tcm-hospital", "county-peoples-hospital", "中医会诊")
    with pytest.raises(InvalidInput) as e:
        check_pairing("county-tcm-hospital", "county-peoples-hospital", "  ")
    assert e.value.field == "pairing_override_reason"
    check_answer(Outcome.REMOTE_APPOINTMENT, "远程", T0 + timedelta(days=1), T0)
    for outcome, remote_at, field in ((Outcome.REMOTE_APPOINTMENT, None, "remote_at"),
                                      (Outcome.REMOTE_APPOINTMENT, T0 - timedelta(hours=1), "remote_at"),
                                      (Outcome.LOCAL_ADVICE, T0, "remote_at")):
        with pytest.raises(InvalidInput) as e:
            check_answer(outcome, "x", remote_at, T0)
        assert e.value.field == field
    assert [resolved_without_referral(o) for o in Outcome] == [True, False, True]
