"""Advice before referral (科对科, 远程会诊): a township doctor asks a county department about a patient, the county
specialist answers with one outcome — manage locally with advice, refer up, or a remote consultation appointment.

requested ─answer→ answered          (the county department asked)
requested ─cancel→ cancelled         (the asking unit, before the answer)
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from platform_common.errors import Conflict, InvalidInput

from .rules import Urgency


class ConsultationStatus(StrEnum):
    REQUESTED = "requested"
    ANSWERED = "answered"
    CANCELLED = "cancelled"


class ConsultationAction(StrEnum):
    ASK = "ask"
    ANSWER = "answer"
    CANCEL = "cancel"


class Outcome(StrEnum):
    LOCAL_ADVICE = "local_advice"              # manage locally, with the specialist's advice
    REFER_UP = "refer_up"                      # becomes an upward referral carrying the consultation
    REMOTE_APPOINTMENT = "remote_appointment"  # a remote consultation (远程会诊) at a set time


class Side(StrEnum):
    ASKER = "asker"
    COUNTY = "county"


S, A = ConsultationStatus, ConsultationAction
TRANSITIONS: dict[tuple[ConsultationStatus, ConsultationAction], tuple[ConsultationStatus, Side]] = {
    (S.REQUESTED, A.ANSWER): (S.ANSWERED, Side.COUNTY),
    (S.REQUESTED, A.CANCEL): (S.CANCELLED, Side.ASKER),
}


def next_status(current: ConsultationStatus, action: ConsultationAction) -> tuple[ConsultationStatus, Side]:
    found = TRANSITIONS.get((current, action))
    if found is None:
        raise Conflict(f"cannot {action.value} this consultation: it is {current.value}", current_status=current.value,
                       action=action.value,
                       allowed_actions=sorted(a.value for (s, a) in TRANSITIONS if s is current))
    return found


def allowed_actions(current: ConsultationStatus, side: Side | None) -> list[str]:
    return [a.value for (s, a), (_, who) in TRANSITIONS.items() if s is current and who is side]


@dataclass(frozen=True)
class AnswerWindows:
    """Minutes the county department has to answer, per urgency (None: no clock)."""

    routine: int | None
    urgent: int | None
    emergency: int | None

    def deadline(self, urgency: Urgency, asked_at: datetime) -> datetime | None:
        minutes = {Urgency.ROUTINE: self.routine, Urgency.URGENT: self.urgent,
                   Urgency.EMERGENCY: self.emergency}[urgency]
        return asked_at + timedelta(minutes=minutes) if minutes else None


def check_pairing(to_org_id: str, paired_org_id: str | None, reason: str | None) -> None:
    """A township asks its paired county hospital; another one only with a reason (kept on the record)."""
    if to_org_id != paired_org_id and not (reason and reason.strip()):
        raise InvalidInput(f"{to_org_id} is not the unit's paired county hospital ({paired_org_id}); give "
                           "pairing_override_reason to ask it", field="pairing_override_reason")


def check_answer(outcome: Outcome, advice: str, remote_at: datetime | None, now: datetime) -> None:
    if not advice.strip():
        raise InvalidInput("the answer gives the specialist's advice", field="advice")
    if outcome is Outcome.REMOTE_APPOINTMENT:
        if remote_at is None:
            raise InvalidInput("a remote consultation needs its time", field="remote_at")
        if remote_at < now:
            raise InvalidInput("the remote consultation cannot be in the past", field="remote_at")
    elif remote_at is not None:
        raise InvalidInput("only a remote consultation has a time", field="remote_at")


def answer_minutes(asked_at: datetime, answered_at: datetime) -> int:
    return max(0, int((answered_at - asked_at).total_seconds() // 60))


def resolved_without_referral(outcome: Outcome) -> bool:
    """Referrals avoided: advice to manage locally, or a remote consultation instead of the trip."""
    return outcome is not Outcome.REFER_UP
