"""Advice before referral (科对科): a township unit asks its paired county department, the specialist answers.

Who: the asking unit (a township centre or village clinic) and the county hospital asked see the consultation;
nobody else. An answer "refer up" creates the upward referral from the asking unit, with the consultation's
patient, diagnosis, question and answer, waiting at the same hospital and department.
"""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Callable

from platform_common.auth import OrgKind, Principal
from platform_common.contracts import REFERRAL_TOPIC, ReferralEvent
from platform_common.errors import Conflict, Forbidden, InvalidInput, NotFound

from ..adapters.tables import ReferralRow
from ..adapters.tables_consultation import ConsultationRow, ConsultationTransitionRow
from ..domain.codes import chronic_condition_for, normalise_icd10
from ..domain.consultation import (AnswerWindows, ConsultationAction, ConsultationStatus, Outcome, Side,
                                   answer_minutes, check_answer, check_pairing, next_status)
from ..domain.lifecycle import Action, Direction, Status
from ..domain.rules import Urgency, response_deadline
from ..settings import ReferralSettings
from .access import PRIMARY_KINDS, member_org, require_clerk
from .events import iso, publish
from .intake import patient_fields
from .transitions import audit_creation
from .unit_of_work import ReferralUnitOfWork
from .upward import windows

AGGREGATE = "consultation"


def _windows(settings: ReferralSettings) -> AnswerWindows:
    return AnswerWindows(settings.consultation_routine_minutes, settings.consultation_urgent_minutes,
                         settings.consultation_emergency_minutes)


def paired_hospital(uow: ReferralUnitOfWork, org_id: str) -> str | None:
    """A township's paired county hospital is its parent; a village clinic's is its township's."""
    org = uow.orgs.get(uow.session, org_id)
    while org is not None and org.kind is not OrgKind.COUNTY_HOSPITAL:
        org = uow.orgs.get(uow.session, org.parent_org_id) if org.parent_org_id else None
    return org.org_id if org else None


def ask(uow: ReferralUnitOfWork, settings: ReferralSettings, principal: Principal, now: datetime, *,
        patient: dict[str, Any], to_org_id: str, specialty: str, question: str, icd10: str, diagnosis: str,
        urgency: str,
        attachments: list[dict[str, Any]], pairing_override_reason: str | None) -> ConsultationRow:
    require_clerk(principal)
    if principal.org_kind not in PRIMARY_KINDS:
        raise Forbidden("township centres and village clinics ask county departments for advice")
    if len(attachments) > settings.max_attachments:
        raise InvalidInput(f"at most {settings.max_attachments} attachments", field="attachments")
    member_org(uow, to_org_id, "to_org_id", (OrgKind.COUNTY_HOSPITAL,), principal.consortium_id)
    paired = paired_hospital(uow, principal.org_id)
    check_pairing(to_org_id, paired, pairing_override_reason)
    level = Urgency(urgency)
    row = ConsultationRow(
        consultation_id=str(uuid.uuid4()), status=ConsultationStatus.REQUESTED.value,
        consortium_id=principal.consortium_id, from_org_id=principal.org_id, to_org_id=to_org_id, specialty=specialty,
        urgency=level.value, question=question, icd10=normalise_icd10(icd10), diagnosis=diagnosis,
        attachments=attachments,
        pairing_override_reason=None if to_org_id == paired else pairing_override_reason,
        asked_by=principal.username, asked_at=now, answer_deadline=_windows(settings).deadline(level, now),
        updated_at=now, **patient_fields(patient, settings, settings.local_date(now)))
    uow.consultations.add(row)
    row.history = [_audit(row, ConsultationAction.ASK, None, principal, now, question)]
    _announce(uow, row, ReferralEvent.CONSULTATION_REQUESTED, icd10=row.icd10, patient_key=row.patient_key,
              answer_deadline=iso(row.answer_deadline), paired=to_org_id == paired)
    uow.commit()
    return row


def answer(uow: ReferralUnitOfWork, settings: ReferralSettings, principal: Principal, now: datetime,
           consultation_id: str, *, outcome: Outcome, advice: str, remote_at: datetime | None,
           version: int | None) -> ConsultationRow:
    require_clerk(principal)
    row = load_visible(uow, principal, consultation_id)
    _step(row, ConsultationAction.ANSWER, principal, version)
    check_answer(outcome, advice, remote_at, now)
    minutes = answer_minutes(row.asked_at, now)
    _move(row, ConsultationAction.ANSWER, principal, now, f"{outcome.value}: {advice}")
    row.answered_by, row.answered_at, row.answer_minutes = principal.username, now, minutes
    row.outcome, row.advice, row.remote_at = outcome.value, advice, remote_at
    if outcome is Outcome.REFER_UP:
        row.referral_id = _refer_up(uow, settings, principal, now, row).referral_id
    _announce(uow, row, ReferralEvent.CONSULTATION_ANSWERED, outcome=outcome.value, answer_minutes=minutes,
              referral_id=row.referral_id, remote_at=iso(remote_at))
    uow.commit()
    return row


def cancel(uow: ReferralUnitOfWork, principal: Principal, now: datetime, consultation_id: str, *, reason: str,
           version: int | None) -> ConsultationRow:
    require_clerk(principal)
    row = load_visible(uow, principal, consultation_id)
    _step(row, ConsultationAction.CANCEL, principal, version)
    _move(row, ConsultationAction.CANCEL, principal, now, reason)
    _announce(uow, row, ReferralEvent.CONSULTATION_CANCELLED)
    uow.commit()
    return row


def _refer_up(uow: ReferralUnitOfWork, settings: ReferralSettings, principal: Principal, now: datetime,
              c: ConsultationRow) -> ReferralRow:
    """The upward referral the answer turns the consultation into: from the asking unit, to the department that
    answered, with the patient as the consultation has them, the question and the answer as its reason; the link
    to the consultation is its `consultation_id`, not text in the reason the county desk reads."""
    level = Urgency(c.urgency)
    reason = f"{c.question}\n会诊意见：{c.advice}"
    row = ReferralRow(
        referral_id=str(uuid.uuid4()), direction=Direction.UPWARD.value, status=Status.SUBMITTED.value,
        consortium_id=c.consortium_id, from_org_id=c.from_org_id, to_org_id=c.to_org_id, specialty=c.specialty,
        urgency=level.value, emergency_category=None, icd10=c.icd10, diagnosis=c.diagnosis, reason=reason,
        chronic_condition=(x.value if (x := chronic_condition_for(c.icd10)) else None),
        attachments=list(c.attachments or []), created_by=principal.username, created_at=now, routed_at=now,
        response_deadline=response_deadline(level, now, windows(settings)),
        patient_name=c.patient_name, patient_sex=c.patient_sex, patient_birth_date=c.patient_birth_date,
        patient_id_masked=c.patient_id_masked, patient_key=c.patient_key, consultation_id=c.consultation_id)
    uow.referrals.add(row)
    audit_creation(row, Action.SUBMIT, principal, now, f"from consultation {c.consultation_id}")
    publish(uow, row, ReferralEvent.SUBMITTED, c.from_org_id, urgency=row.urgency, emergency_category=None,
            icd10=row.icd10, patient_key=row.patient_key, chronic_condition=row.chronic_condition,
            response_deadline=iso(row.response_deadline), consultation_id=c.consultation_id)
    return row


def load_visible(uow: ReferralUnitOfWork, principal: Principal, consultation_id: str) -> ConsultationRow:
    row = uow.consultations.get(consultation_id)
    if row is None or principal.org_id not in (row.from_org_id, row.to_org_id):
        raise NotFound(f"consultation {consultation_id} not found")
    return row


def side_of(row: ConsultationRow, org_id: str) -> Side | None:
    return Side.COUNTY if org_id == row.to_org_id else Side.ASKER if org_id == row.from_org_id else None


def _step(row: ConsultationRow, action: ConsultationAction, principal: Principal, version: int | None) -> None:
    if version is not None and version != row.version:
        raise Conflict("the consultation was changed by someone else; reload and try again",
                       current_status=row.status, current_version=row.version)
    _, side = next_status(ConsultationStatus(row.status), action)
    if side_of(row, principal.org_id) is not side:
        raise Forbidden(f"only the {'county department asked' if side is Side.COUNTY else 'asking unit'} may "
                        f"{action.value} the consultation")


def _move(row: ConsultationRow, action: ConsultationAction, principal: Principal, now: datetime,
          reason: str | None) -> None:
    current = ConsultationStatus(row.status)
    new, _ = next_status(current, action)
    row.status, row.updated_at = new.value, now
    row.history.append(_audit(row, action, current, principal, now, reason))


def _audit(row: ConsultationRow, action: ConsultationAction, current: ConsultationStatus | None,
           principal: Principal, now: datetime, reason: str | None) -> ConsultationTransitionRow:
    return ConsultationTransitionRow(action=action.value, from_status=current.value if current else None,
                                     to_status=row.status, actor=principal.username, actor_org_id=principal.org_id,
                                     at=now, reason=reason)


def _announce(uow: ReferralUnitOfWork, row: ConsultationRow, event_type: str, **extra: Any) -> None:
    payload = {"consultation_id": row.consultation_id, "consortium_id": row.consortium_id,
               "from_org_id": row.from_org_id, "to_org_id": row.to_org_id, "specialty": row.specialty,
               "urgency": row.urgency} | extra
    uow.record(REFERRAL_TOPIC, event_type, AGGREGATE, row.consultation_id, payload, org_id=row.to_org_id)


def announce_overdue(uow: ReferralUnitOfWork, now: datetime) -> list[str]:
    """One ConsultationOverdue per unanswered consultation past its deadline (a job of the clock thread)."""
    waiting = ConsultationStatus.REQUESTED.value
    announced = []
    for row in uow.consultations.past_deadline(now, waiting, unannounced_only=True):
        if uow.consultations.mark_overdue_announced(row.consultation_id, now, waiting):
            _announce(uow, row, ReferralEvent.CONSULTATION_OVERDUE, deadline=iso(row.answer_deadline))
            announced.append(row.consultation_id)
    uow.commit()
    return announced


def overdue(uow: ReferralUnitOfWork, principal: Principal, now: datetime) -> list[ConsultationRow]:
    require_clerk(principal)
    return uow.consultations.past_deadline(now, ConsultationStatus.REQUESTED.value, principal.org_id)


def worklist(uow: ReferralUnitOfWork, settings: ReferralSettings, principal: Principal, *, box: str,
             statuses: list[str], page: int, page_size: int | None) -> tuple[int, list[ConsultationRow], int, int]:
    require_clerk(principal)
    size = min(page_size or settings.page_size_default, settings.page_size_max)
    total, rows = uow.consultations.of_unit(principal.org_id, box, tuple(statuses), (page - 1) * size, size)
    return total, rows, page, size


def get(uow: ReferralUnitOfWork, principal: Principal, consultation_id: str) -> ConsultationRow:
    require_clerk(principal)
    return load_visible(uow, principal, consultation_id)


class OverdueConsultations:
    """The clock thread's job announcing consultations past their answer deadline."""

    def __init__(self, uow_factory: Callable[[], ReferralUnitOfWork]) -> None:
        self.uow_factory = uow_factory

    def __call__(self, now: datetime) -> list[str]:
        with self.uow_factory() as uow:
            return announce_overdue(uow, now)
