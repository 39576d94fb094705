"""Referral rules that do not depend on storage: response clock, follow-ups, receiving capability."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from platform_common.errors import InvalidInput


class Urgency(StrEnum):
    ROUTINE = "routine"
    URGENT = "urgent"
    EMERGENCY = "emergency"


# Sorting by urgency means by how fast the answer is needed, not by the alphabet.
URGENCY_RANK = {Urgency.ROUTINE: 0, Urgency.URGENT: 1, Urgency.EMERGENCY: 2}


class EmergencyCategory(StrEnum):
    """五大中心: the five emergency centres of the county hospitals."""

    CHEST_PAIN = "chest_pain"
    STROKE = "stroke"
    TRAUMA = "trauma"
    CRITICAL_MATERNAL = "critical_maternal"
    CRITICAL_NEONATAL = "critical_neonatal"


class RejectReason(StrEnum):
    NO_BED = "no_bed"
    NO_CAPABILITY = "no_capability"
    INCOMPLETE_INFORMATION = "incomplete_information"
    NOT_INDICATED = "not_indicated"
    PATIENT_DECLINED = "patient_declined"
    OTHER = "other"


@dataclass(frozen=True)
class ResponseWindows:
    """Minutes the receiving hospital has to answer, per urgency; None means no clock."""

    routine: int | None
    urgent: int | None
    emergency: int | None

    def minutes_for(self, urgency: Urgency) -> int | None:
        return {Urgency.ROUTINE: self.routine, Urgency.URGENT: self.urgent, Urgency.EMERGENCY: self.emergency}[urgency]


def check_urgency(urgency: Urgency, category: EmergencyCategory | None) -> None:
    if urgency is Urgency.EMERGENCY and category is None:
        raise InvalidInput("an emergency referral names its five-centre category", field="emergency_category")
    if urgency is not Urgency.EMERGENCY and category is not None:
        raise InvalidInput("only emergency referrals carry a five-centre category", field="emergency_category")


def response_deadline(urgency: Urgency, routed_at: datetime, windows: ResponseWindows) -> datetime | None:
    """The clock starts when the referral reaches its current hospital (again after a redirect)."""
    minutes = windows.minutes_for(urgency)
    return None if minutes is None else routed_at + timedelta(minutes=minutes)


def response_minutes(routed_at: datetime, answered_at: datetime) -> int:
    """Whole minutes, rounded down; never negative (clock skew between clerks' requests)."""
    return max(0, int((answered_at - routed_at).total_seconds() // 60))


def is_overdue(deadline: datetime | None, now: datetime) -> bool:
    return deadline is not None and now > deadline


def check_follow_up_schedule(due_dates: list[date], issued_on: date, max_count: int) -> None:
    if not due_dates:
        raise InvalidInput("a treatment plan schedules at least one follow-up", field="follow_ups")
    if len(due_dates) > max_count:
        raise InvalidInput(f"at most {max_count} follow-ups per plan", field="follow_ups")
    if sorted(set(due_dates)) != due_dates:
        raise InvalidInput("follow-up dates must be distinct and in order", field="follow_ups")
    if due_dates[0] < issued_on:
        raise InvalidInput(f"a follow-up cannot be due before the referral is issued ({issued_on.isoformat()})",
                           field="follow_ups")


# Days since due, not due + grace: a follow-up due on 9999-12-31 must not overflow the calendar.
def follow_up_on_time(due: date, done_on: date, grace_days: int) -> bool:
    return (done_on - due).days <= grace_days


def follow_up_overdue(due: date, done_on: date | None, today: date, grace_days: int) -> bool:
    return done_on is None and (today - due).days > grace_days


def needs_receiving_capability(specialty: str, baseline: frozenset[str]) -> bool:
    """Every primary unit can follow up baseline specialties (general practice, chronic care...);
    anything else needs a specialist there now, e.g. a seconded county doctor (县管乡用)."""
    return specialty not in baseline
