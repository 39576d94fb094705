"""Upward referrals (上转): submitted by a township or village unit, answered by a county hospital."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from platform_common.auth import OrgKind, Principal
from platform_common.contracts import ReferralEvent
from platform_common.errors import Conflict, InvalidInput

from ..adapters.tables import ReferralRow
from ..domain.capacity import ReleaseReason
from ..domain.codes import chronic_condition_for, normalise_icd10
from ..domain.lifecycle import Action, Direction, Status
from ..domain.rules import (EmergencyCategory, RejectReason, ResponseWindows, Urgency, check_urgency,
                            response_deadline, response_minutes)
from ..settings import ReferralSettings
from . import booking
from .access import PRIMARY_KINDS, load_visible, member_org, require_clerk
from .events import iso, publish
from .intake import patient_fields
from .transitions import audit_creation, ensure_can, transition
from .unit_of_work import ReferralUnitOfWork


def windows(settings: ReferralSettings) -> ResponseWindows:
    return ResponseWindows(settings.routine_response_minutes, settings.urgent_response_minutes,
                           settings.emergency_response_minutes)


def submit(uow: ReferralUnitOfWork, settings: ReferralSettings, principal: Principal, now: datetime, *,
           patient: dict[str, Any], icd10: str, diagnosis: str, reason: str, urgency: str,
           emergency_category: str | None, to_org_id: str, specialty: str,
           attachments: list[dict[str, Any]], slot_id: str | None = None) -> ReferralRow:
    """`slot_id`: a free slot of the department the clerk chose from its published capacity, held for the
    patient until the hospital answers."""
    require_clerk(principal)
    if principal.org_kind not in PRIMARY_KINDS:
        raise InvalidInput("upward referrals are submitted by township centres and village clinics",
                           field="from_org_id")
    level = Urgency(urgency)
    category = EmergencyCategory(emergency_category) if emergency_category else None
    check_urgency(level, category)
    if len(attachments) > settings.max_attachments:
        raise InvalidInput(f"at most {settings.max_attachments} attachments", field="attachments")
    code = normalise_icd10(icd10)
    member_org(uow, to_org_id, "to_org_id", (OrgKind.COUNTY_HOSPITAL,), principal.consortium_id)
    row = ReferralRow(
        referral_id=str(uuid.uuid4()), direction=Direction.UPWARD.value, status=Status.SUBMITTED.value,
        consortium_id=principal.consortium_id, from_org_id=principal.org_id, to_org_id=to_org_id,
        specialty=specialty, urgency=level.value, emergency_category=category.value if category else None,
        icd10=code, diagnosis=diagnosis, reason=reason,
        chronic_condition=(c.value if (c := chronic_condition_for(code)) else None),
        attachments=attachments, created_by=principal.username, created_at=now, routed_at=now,
        response_deadline=response_deadline(level, now, windows(settings)),
        **patient_fields(patient, settings, settings.local_date(now)),
    )
    uow.referrals.add(row)
    audit_creation(row, Action.SUBMIT, principal, now, reason)
    if slot_id:
        slot = booking.visit_slot(uow, slot_id, to_org_id, specialty, "slot_id")
        booking.check_not_past(slot, settings, now, "slot_id")
        booking.book_slot(uow, settings, principal, now, row, slot, "slot_id")
    publish(uow, row, ReferralEvent.SUBMITTED, principal.org_id, urgency=row.urgency,
            emergency_category=row.emergency_category, icd10=row.icd10, patient_key=row.patient_key,
            chronic_condition=row.chronic_condition, response_deadline=iso(row.response_deadline))
    uow.commit()
    return row


def accept(uow: ReferralUnitOfWork, principal: Principal, now: datetime, referral_id: str, *,
           appointment_at: datetime | None, bed_no: str | None, priority_reception: bool,
           priority_examination: bool, priority_admission: bool, note: str | None,
           version: int | None, settings: ReferralSettings, slot_id: str | None = None) -> ReferralRow:
    """Where the department publishes capacity, an upward acceptance books a place: the slot named, else the
    one chosen when referring, else the first free one of the appointment's day (a bed: of the admission day).
    Without published capacity the free-text appointment or bed stays."""
    require_clerk(principal)
    row = load_visible(uow, principal, referral_id)
    if row.direction == Direction.DOWNWARD.value:
        return _accept_downward(uow, principal, now, row, note, version)
    ensure_can(row, Action.ACCEPT, principal, version)
    if appointment_at is None and not bed_no and not slot_id and booking.held_visit(uow, row.referral_id) is None:
        raise InvalidInput("accepting an upward referral gives an appointment time or a bed", field="appointment_at")
    if appointment_at is not None and appointment_at < row.created_at:
        raise InvalidInput("the appointment cannot be before the referral was made", field="appointment_at")
    booked = booking.book_on_accept(uow, settings, principal, now, row, slot_id, appointment_at, bed_no)
    if appointment_at is None and booked is not None:
        appointment_at = booking.appointment_of(booked, settings)
    minutes = _answer(row, now)
    transition(uow, row, Action.ACCEPT, principal, now, reason=note, response_minutes=minutes,
               expected_version=version)
    row.appointment_at, row.bed_no = appointment_at, bed_no
    row.priority_reception, row.priority_examination = priority_reception, priority_examination
    row.priority_admission = priority_admission
    publish(uow, row, ReferralEvent.ACCEPTED, principal.org_id, response_minutes=minutes,
            appointment_at=iso(appointment_at), priority_reception=priority_reception,
            priority_examination=priority_examination, priority_admission=priority_admission)
    uow.commit()
    return row


def _accept_downward(uow: ReferralUnitOfWork, principal: Principal, now: datetime, row: ReferralRow,
                     note: str | None, version: int | None) -> ReferralRow:
    transition(uow, row, Action.ACCEPT, principal, now, reason=note, expected_version=version)
    row.responded_at = now
    publish(uow, row, ReferralEvent.DOWNWARD_ACCEPTED, principal.org_id)
    uow.commit()
    return row


def _answer(row: ReferralRow, now: datetime) -> int:
    row.responded_at = now
    return response_minutes(row.routed_at, now)


def reject(uow: ReferralUnitOfWork, principal: Principal, now: datetime, referral_id: str, *,
           reason_code: str, reason: str, version: int | None) -> ReferralRow:
    require_clerk(principal)
    row = load_visible(uow, principal, referral_id)
    ensure_can(row, Action.REJECT, principal, version)
    code = RejectReason(reason_code)
    minutes = response_minutes(row.routed_at, now)
    transition(uow, row, Action.REJECT, principal, now, reason=f"{code.value}: {reason}",
               response_minutes=minutes, expected_version=version)
    row.responded_at, row.decision_code, row.decision_text = now, code.value, reason
    booking.release_all(uow, principal, now, row, ReleaseReason.REJECTED)
    publish(uow, row, ReferralEvent.REJECTED, principal.org_id, reason_code=code.value, response_minutes=minutes)
    uow.commit()
    return row


def redirect(uow: ReferralUnitOfWork, principal: Principal, now: datetime, referral_id: str, settings: ReferralSettings,
             *, to_org_id: str, reason: str, version: int | None, specialty: str | None = None) -> ReferralRow:
    """To another county hospital, or to another department of the same one (the specialty changes)."""
    require_clerk(principal)
    row = load_visible(uow, principal, referral_id)
    ensure_can(row, Action.REDIRECT, principal, version)
    previous, previous_specialty = row.to_org_id, row.specialty
    if to_org_id == previous and specialty in (None, previous_specialty):
        raise InvalidInput("redirect to a different hospital or department", field="to_org_id")
    member_org(uow, to_org_id, "to_org_id", (OrgKind.COUNTY_HOSPITAL,), row.consortium_id)
    minutes = response_minutes(row.routed_at, now)
    booking.release_all(uow, principal, now, row, ReleaseReason.REDIRECTED)  # held at the old department
    transition(uow, row, Action.REDIRECT, principal, now, reason=f"to {to_org_id}{_department(specialty, previous_specialty)}: {reason}",
               response_minutes=minutes, expected_version=version)
    # The new hospital (or department) gets its own full response window; another hospital loses access.
    row.to_org_id, row.routed_at, row.overdue_announced_at = to_org_id, now, None
    row.specialty = specialty or previous_specialty
    # written even if it was None when read: the clock may have stamped the old routing meanwhile
    # (its stamp does not move the version), and the new routing must get its own announcement
    uow.referrals.force_write(row, "overdue_announced_at")
    row.response_deadline = response_deadline(Urgency(row.urgency), now, windows(settings))
    row.decision_code, row.decision_text = "redirected", reason
    publish(uow, row, ReferralEvent.REDIRECTED, principal.org_id, previous_to_org_id=previous,
            previous_specialty=previous_specialty, response_minutes=minutes)
    uow.commit()
    return row


def _department(specialty: str | None, previous: str) -> str:
    return f" ({specialty})" if specialty and specialty != previous else ""


def cancel(uow: ReferralUnitOfWork, principal: Principal, now: datetime, referral_id: str, *,
           reason: str, version: int | None) -> ReferralRow:
    require_clerk(principal)
    row = load_visible(uow, principal, referral_id)
    transition(uow, row, Action.CANCEL, principal, now, reason=reason, expected_version=version)
    booking.release_all(uow, principal, now, row, ReleaseReason.CANCELLED)
    publish(uow, row, ReferralEvent.CANCELLED, principal.org_id)
    uow.commit()
    return row


def arrive(uow: ReferralUnitOfWork, principal: Principal, now: datetime, referral_id: str, *,
           arrived_at: datetime | None, version: int | None) -> ReferralRow:
    require_clerk(principal)
    row = load_visible(uow, principal, referral_id)
    ensure_can(row, Action.ARRIVE, principal, version)
    at = arrived_at if arrived_at else now
    if at > now:
        raise InvalidInput("arrival cannot be in the future", field="arrived_at")
    if at < row.created_at:
        raise InvalidInput("arrival cannot be before the referral was made", field="arrived_at")
    transition(uow, row, Action.ARRIVE, principal, now, expected_version=version)
    row.arrived_at = at
    publish(uow, row, ReferralEvent.PATIENT_ARRIVED, principal.org_id, arrived_at=iso(at))
    uow.commit()
    return row


def complete(uow: ReferralUnitOfWork, settings: ReferralSettings, principal: Principal, now: datetime,
             referral_id: str, *, discharge_summary: str, icd10: str | None, service_date: date | None,
             fund_amount_fen: int, recommend_downward: bool, version: int | None) -> ReferralRow:
    require_clerk(principal)
    row = load_visible(uow, principal, referral_id)
    if row.direction != Direction.UPWARD.value:
        raise Conflict("a downward referral completes when its last follow-up is recorded",
                       current_status=row.status)
    ensure_can(row, Action.COMPLETE, principal, version)
    final_code = normalise_icd10(icd10) if icd10 else row.icd10
    served = service_date or settings.local_date(now)
    if served > settings.local_date(now):
        raise InvalidInput("service date cannot be in the future", field="service_date")
    if row.arrived_at and served < settings.local_date(row.arrived_at):
        raise InvalidInput("service date cannot be before the patient arrived", field="service_date")
    transition(uow, row, Action.COMPLETE, principal, now, expected_version=version)
    row.completed_at, row.service_date, row.final_icd10 = now, served, final_code
    row.discharge_summary, row.fund_amount_fen, row.recommend_downward = discharge_summary, fund_amount_fen, recommend_downward
    publish(uow, row, ReferralEvent.COMPLETED, principal.org_id, completed_at=iso(now), service_date=iso(served),
            icd10=final_code, fund_amount_fen=fund_amount_fen, recommend_downward=recommend_downward)
    uow.commit()
    return row
