"""Response shapes: the national ID only ever masked, the patient_key never. Days and instants stay `date` and
`datetime`: the routes' response models (schemas_referrals.py) check them and write them in the one form."""
from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from ..adapters.queries_referrals import ReferralRecord
from ..adapters.repository_referrals import DueFollowUp
from ..adapters.tables import FollowUpRow, ReferralRow
from ..domain.lifecycle import AWAITING_RESPONSE, Direction, Party, Status, allowed_actions
from ..domain.rules import is_overdue
from ..service_layer.indicators import IndicatorFigures, PublishedFigures
from .schemas_indicators import IndicatorsOut, IndicatorsPublished


def summary(row: ReferralRow | ReferralRecord, now: datetime) -> dict[str, Any]:
    return {
        "referral_id": row.referral_id, "version": row.version, "direction": row.direction,
        "status": row.status, "urgency": row.urgency, "emergency_category": row.emergency_category,
        "from_org_id": row.from_org_id, "to_org_id": row.to_org_id, "specialty": row.specialty,
        "icd10": row.icd10, "diagnosis": row.diagnosis, "chronic_condition": row.chronic_condition,
        "patient": {"name": row.patient_name, "sex": row.patient_sex,
                    "date_of_birth": row.patient_birth_date, "national_id_masked": row.patient_id_masked},
        "created_at": row.created_at, "response_deadline": row.response_deadline,
        "response_overdue": row.status in AWAITING_RESPONSE and is_overdue(row.response_deadline, now),
        "appointment_at": row.appointment_at, "destination": row.destination,
    }


def overdue_follow_up(d: DueFollowUp) -> dict[str, Any]:
    r = d.referral
    return follow_up(d.follow_up) | {"referral_id": r.referral_id, "to_org_id": r.to_org_id,
                                     "from_org_id": r.from_org_id, "patient_name": r.patient_name,
                                     "patient_id_masked": r.patient_id_masked}


def indicators_out(f: IndicatorFigures) -> IndicatorsOut:
    return IndicatorsOut(**asdict(f))


def published_out(p: PublishedFigures) -> IndicatorsPublished:
    return IndicatorsPublished(**asdict(p.figures), event_id=p.event_id)


def follow_up(f: FollowUpRow) -> dict[str, Any]:
    return {"follow_up_id": f.follow_up_id, "due_date": f.due_date, "focus": f.focus,
            "done_on": f.done_on, "on_time": f.on_time, "findings": f.findings, "recorded_by": f.recorded_by}


def detail(row: ReferralRow | ReferralRecord, now: datetime, viewer_org_id: str | None = None) -> dict[str, Any]:
    """`allowed_actions`: the steps the viewer's unit may take now (sender or current receiver)."""
    party = Party.RECEIVER if viewer_org_id == row.to_org_id else \
        Party.SENDER if viewer_org_id == row.from_org_id else None
    return summary(row, now) | {
        "allowed_actions": allowed_actions(Direction(row.direction), Status(row.status), party),
        "reason": row.reason, "attachments": row.attachments or [],
        "responded_at": row.responded_at, "bed_no": row.bed_no,
        "priority": {"reception": row.priority_reception, "examination": row.priority_examination,
                     "admission": row.priority_admission},
        "decision": {"code": row.decision_code, "text": row.decision_text},
        "arrived_at": row.arrived_at, "completed_at": row.completed_at,
        "service_date": row.service_date, "final_icd10": row.final_icd10,
        "discharge_summary": row.discharge_summary, "fund_amount_fen": row.fund_amount_fen,
        "recommend_downward": row.recommend_downward, "plan": row.plan,
        "source_referral_id": row.source_referral_id,
        "capability_override_reason": row.capability_override_reason,
        "follow_ups": [follow_up(f) for f in row.follow_ups],
        "history": [{"action": t.action, "from_status": t.from_status, "to_status": t.to_status,
                     "actor": t.actor, "actor_org_id": t.actor_org_id, "at": t.at, "reason": t.reason,
                     "response_minutes": t.response_minutes} for t in row.transitions],
    }
