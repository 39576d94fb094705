"""Downward referrals (下转): a county hospital sends a stable patient down with a treatment plan."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from platform_common.auth import OrgKind, Principal
from platform_common.contracts import ReferralEvent
from platform_common.errors import Conflict, InvalidInput, NotFound

from ..adapters.repository_referrals import DueFollowUp
from ..adapters.tables import FollowUpRow, ReferralRow
from ..domain.codes import chronic_condition_for, normalise_icd10
from ..domain.lifecycle import Action, Direction, Status
from ..domain.rules import (Urgency, check_follow_up_schedule, follow_up_on_time, follow_up_overdue,
                            needs_receiving_capability)
from ..settings import ReferralSettings
from .access import PRIMARY_KINDS, load_visible, member_org, require_clerk
from .events import iso, publish
from .intake import patient_fields
from .transitions import audit_creation, ensure_can, transition
from .unit_of_work import ReferralUnitOfWork


def issue(uow: ReferralUnitOfWork, settings: ReferralSettings, principal: Principal, now: datetime, *,
          patient: dict[str, Any], icd10: str, diagnosis: str, reason: str, to_org_id: str, specialty: str,
          plan: dict[str, Any], follow_ups: list[dict[str, Any]], source_referral_id: str | None,
          capability_override_reason: str | None, attachments: list[dict[str, Any]]) -> ReferralRow:
    require_clerk(principal)
    if principal.org_kind is not OrgKind.COUNTY_HOSPITAL:
        raise InvalidInput("downward referrals are issued by county hospitals", field="from_org_id")
    today = settings.local_date(now)
    code = normalise_icd10(icd10)
    member_org(uow, to_org_id, "to_org_id", PRIMARY_KINDS, principal.consortium_id)
    check_follow_up_schedule([f["due_date"] for f in follow_ups], today, settings.max_follow_ups)
    if len(attachments) > settings.max_attachments:
        raise InvalidInput(f"at most {settings.max_attachments} attachments", field="attachments")
    fields = patient_fields(patient, settings, today)
    if source_referral_id:
        _check_source(uow, principal, source_referral_id, fields["patient_key"])
    _check_capability(uow, settings, to_org_id, specialty, today, capability_override_reason)
    row = ReferralRow(
        referral_id=str(uuid.uuid4()), direction=Direction.DOWNWARD.value, status=Status.ISSUED.value,
        consortium_id=principal.consortium_id, from_org_id=principal.org_id, to_org_id=to_org_id,
        specialty=specialty, urgency=Urgency.ROUTINE.value, icd10=code, diagnosis=diagnosis, reason=reason,
        chronic_condition=(c.value if (c := chronic_condition_for(code)) else None), attachments=attachments,
        created_by=principal.username, created_at=now, routed_at=now, plan=plan,
        source_referral_id=source_referral_id, capability_override_reason=capability_override_reason,
        **fields,
    )
    row.follow_ups = [FollowUpRow(follow_up_id=str(uuid.uuid4()), due_date=f["due_date"], focus=f.get("focus"))
                      for f in follow_ups]
    uow.referrals.add(row)
    audit_creation(row, Action.ISSUE, principal, now, reason)
    publish(uow, row, ReferralEvent.DOWNWARD_ISSUED, principal.org_id, icd10=code,
            chronic_condition=row.chronic_condition, patient_key=row.patient_key, follow_up_count=len(follow_ups))
    uow.commit()
    return row


def _check_source(uow: ReferralUnitOfWork, principal: Principal, source_id: str, key: str) -> None:
    source = uow.referrals.get(source_id)
    if source is None or source.to_org_id != principal.org_id or source.direction != Direction.UPWARD.value:
        raise InvalidInput("source referral is not an upward referral this hospital received",
                           field="source_referral_id")
    if source.patient_key != key:
        raise InvalidInput("source referral is for another patient", field="source_referral_id")


def _check_capability(uow: ReferralUnitOfWork, settings: ReferralSettings, to_org_id: str, specialty: str,
                      today: date, override: str | None) -> None:
    """Refused unless the unit can receive the specialty today; an explicit, audited override is the way
    round a stale staffing feed (the reason is kept on the referral and shown to both units)."""
    baseline = frozenset(s.value for s in settings.baseline_specialties)
    if not needs_receiving_capability(specialty, baseline) or uow.capabilities.can_receive(to_org_id, specialty, today):
        return
    if override and override.strip():
        return
    raise Conflict(f"{to_org_id} cannot currently receive {specialty} patients (no specialist posted there)",
                   field="specialty", to_org_id=to_org_id, specialty=specialty, rule="receiving_capability")


def decline(uow: ReferralUnitOfWork, principal: Principal, now: datetime, referral_id: str, *,
            reason: str, version: int | None) -> ReferralRow:
    require_clerk(principal)
    row = load_visible(uow, principal, referral_id)
    transition(uow, row, Action.DECLINE, principal, now, reason=reason, expected_version=version)
    row.responded_at, row.decision_text = now, reason
    publish(uow, row, ReferralEvent.DOWNWARD_DECLINED, principal.org_id, reason=reason)
    uow.commit()
    return row


def record_follow_up(uow: ReferralUnitOfWork, settings: ReferralSettings, principal: Principal, now: datetime,
                     referral_id: str, follow_up_id: str, *, done_on: date, findings: str,
                     version: int | None) -> ReferralRow:
    require_clerk(principal)
    row = load_visible(uow, principal, referral_id)
    follow_up = next((f for f in row.follow_ups if f.follow_up_id == follow_up_id), None)
    if follow_up is None:
        raise NotFound(f"follow-up {follow_up_id} not found on referral {referral_id}")
    ensure_can(row, Action.FOLLOW_UP, principal, version)
    if follow_up.done_on is not None:
        raise Conflict("this follow-up is already recorded", current_status=row.status,
                       done_on=follow_up.done_on.isoformat())
    if done_on > settings.local_date(now):
        raise InvalidInput("a follow-up cannot be recorded before it happens", field="done_on")
    if done_on < settings.local_date(row.created_at):
        raise InvalidInput("follow-up date is before the referral was issued", field="done_on")
    transition(uow, row, Action.FOLLOW_UP, principal, now, reason=f"follow-up due {follow_up.due_date}",
               expected_version=version)
    follow_up.done_on, follow_up.findings, follow_up.recorded_by = done_on, findings, principal.username
    follow_up.on_time = follow_up_on_time(follow_up.due_date, done_on, settings.follow_up_grace_days)
    publish(uow, row, ReferralEvent.FOLLOW_UP_RECORDED, principal.org_id, follow_up_id=follow_up_id,
            due_date=iso(follow_up.due_date), done_on=iso(done_on), on_time=follow_up.on_time)
    if all(f.done_on is not None for f in row.follow_ups):
        transition(uow, row, Action.COMPLETE, principal, now, reason="last scheduled follow-up recorded")
        row.completed_at, row.service_date, row.final_icd10 = now, done_on, row.icd10
        row.fund_amount_fen, row.recommend_downward = 0, False
        publish(uow, row, ReferralEvent.COMPLETED, principal.org_id, completed_at=iso(now),
                service_date=iso(done_on), icd10=row.icd10, fund_amount_fen=0, recommend_downward=False)
    uow.commit()
    return row


def overdue_follow_ups(uow: ReferralUnitOfWork, settings: ReferralSettings, principal: Principal,
                       now: datetime) -> list[DueFollowUp]:
    require_clerk(principal)
    today = settings.local_date(now)
    rows = uow.referrals.follow_ups_due_before(principal.org_id, today, Status.ACCEPTED.value)
    return [d for d in rows
            if follow_up_overdue(d.follow_up.due_date, d.follow_up.done_on, today, settings.follow_up_grace_days)]
