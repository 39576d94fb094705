"""Out-of-county referrals (转外就医): recorded, not negotiated — the patient leaves the county's care."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from platform_common.auth import Principal
from platform_common.contracts import ReferralEvent
from platform_common.errors import InvalidInput

from ..adapters.tables import ReferralRow
from ..domain.codes import chronic_condition_for, normalise_icd10
from ..domain.lifecycle import Action, Direction, Status
from ..domain.rules import EmergencyCategory, Urgency, check_urgency
from ..settings import ReferralSettings
from .access import require_clerk
from .events import iso, publish
from .intake import patient_fields
from .transitions import audit_creation
from .unit_of_work import ReferralUnitOfWork


def record(uow: ReferralUnitOfWork, settings: ReferralSettings, principal: Principal, now: datetime, *,
           patient: dict[str, Any], icd10: str, diagnosis: str, reason: str, destination: str, specialty: str,
           urgency: str, emergency_category: str | None, service_date: date, fund_amount_fen: int,
           attachments: list[dict[str, Any]]) -> ReferralRow:
    require_clerk(principal)
    today = settings.local_date(now)
    if service_date > today:
        raise InvalidInput("service date cannot be in the future", field="service_date")
    level = Urgency(urgency)
    category = EmergencyCategory(emergency_category) if emergency_category else None
    check_urgency(level, category)
    if len(attachments) > settings.max_attachments:
        raise InvalidInput(f"at most {settings.max_attachments} attachments", field="attachments")
    code = normalise_icd10(icd10)
    row = ReferralRow(
        referral_id=str(uuid.uuid4()), direction=Direction.OUT_OF_COUNTY.value, status=Status.RECORDED.value,
        consortium_id=principal.consortium_id, from_org_id=principal.org_id, to_org_id=None,
        specialty=specialty, urgency=level.value, emergency_category=category.value if category else None,
        icd10=code, diagnosis=diagnosis, reason=reason,
        chronic_condition=(c.value if (c := chronic_condition_for(code)) else None), attachments=attachments,
        created_by=principal.username, created_at=now, destination=destination, service_date=service_date,
        fund_amount_fen=fund_amount_fen, **patient_fields(patient, settings, today),
    )
    uow.referrals.add(row)
    audit_creation(row, Action.RECORD, principal, now, reason)
    publish(uow, row, ReferralEvent.OUT_OF_COUNTY_RECORDED, principal.org_id, destination=destination,
            reason=reason, service_date=iso(service_date), fund_amount_fen=fund_amount_fen)
    uow.commit()
    return row
