"""Response shapes: the national ID only ever masked, the patient_key never. Days and instants stay `date` and
`datetime`: the routes' response models (schemas_referrals.py) check them and write them in the one form."""
from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from ..adapters.queries_referrals import ReferralRecord
from ..adapters.repository_referrals import DueFollowUp
from ..adapters.tables import FollowUpRow, ReferralRow
from ..adapters.queries_capacity import BandCapacity, CapacityGrid
from ..adapters.tables_capacity import BookingRow, SlotRow
from ..adapters.tables_consultation import ConsultationRow
from ..domain.consultation import ConsultationStatus, Side
from ..domain.consultation import allowed_actions as consultation_actions
from ..domain.lifecycle import AWAITING_RESPONSE, Direction, Party, Status, allowed_actions
from ..domain.rules import is_overdue
from ..service_layer.indicators import IndicatorFigures, PublishedFigures
from .schemas_indicators import IndicatorsOut, IndicatorsPublished
from ..service_layer.capacity import Published


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


def booking(b: BookingRow) -> dict[str, Any]:
    return {"booking_id": b.booking_id, "slot_id": b.slot_id, "kind": b.kind, "exam_type": b.exam_type or None,
            "specialty": b.specialty, "day": b.day, "band_start": b.band_start, "band_end": b.band_end,
            "status": b.status, "overflow": b.overflow, "booked_at": b.booked_at, "released_at": b.released_at,
            "release_reason": b.release_reason}


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
        "capability_override_reason": row.capability_override_reason, "consultation_id": row.consultation_id,
        "follow_ups": [follow_up(f) for f in row.follow_ups],
        "history": [{"action": t.action, "from_status": t.from_status, "to_status": t.to_status,
                     "actor": t.actor, "actor_org_id": t.actor_org_id, "at": t.at, "reason": t.reason,
                     "response_minutes": t.response_minutes} for t in row.transitions],
        "bookings": [booking(b) for b in row.bookings],
    }


def slot(s: SlotRow) -> dict[str, Any]:
    return {"slot_id": s.slot_id, "org_id": s.org_id, "specialty": s.specialty, "kind": s.kind,
            "exam_type": s.exam_type or None, "day": s.day, "band_start": s.band_start, "band_end": s.band_end,
            "places": s.capacity, "booked": s.booked, "free": max(0, s.capacity - s.booked), "overflow": s.overflow}


def band(b: BandCapacity) -> dict[str, Any]:
    return {"slot_id": b.slot_id, "org_id": b.org_id, "specialty": b.specialty, "kind": b.kind,
            "exam_type": b.exam_type or None, "day": b.day, "band_start": b.band_start, "band_end": b.band_end,
            "places": b.places, "booked": b.booked, "free": b.free, "overflow": b.overflow}


def capacity_grid(g: CapacityGrid) -> dict[str, Any]:
    return {"days": g.days, "items": [{"org_id": x.org_id, "specialty": x.specialty, "kind": x.kind,
                                       "exam_type": x.exam_type or None, "slots": x.slots, "places": x.places,
                                       "booked": x.booked, "free": x.free, "overflow": x.overflow}
                                      for x in g.lines]}


def published(p: Published) -> dict[str, Any]:
    return {"source": p.source, "date_from": p.date_from, "date_to": p.date_to, "slot_count": len(p.slots),
            "places": p.places, "slots": [slot(s) for s in p.slots]}


def consultation(c: ConsultationRow, now: datetime, viewer_org_id: str) -> dict[str, Any]:
    side = Side.COUNTY if viewer_org_id == c.to_org_id else Side.ASKER if viewer_org_id == c.from_org_id else None
    return {
        "consultation_id": c.consultation_id, "version": c.version, "status": c.status, "from_org_id": c.from_org_id,
        "to_org_id": c.to_org_id, "specialty": c.specialty, "urgency": c.urgency, "question": c.question,
        "icd10": c.icd10, "diagnosis": c.diagnosis, "attachments": c.attachments or [],
        "pairing_override_reason": c.pairing_override_reason,
        "patient": {"name": c.patient_name, "sex": c.patient_sex, "date_of_birth": c.patient_birth_date,
                    "national_id_masked": c.patient_id_masked},
        "asked_at": c.asked_at, "answer_deadline": c.answer_deadline,
        "answer_overdue": c.status == ConsultationStatus.REQUESTED.value and is_overdue(c.answer_deadline, now),
        "answered_at": c.answered_at, "answer_minutes": c.answer_minutes, "outcome": c.outcome, "advice": c.advice,
        "remote_at": c.remote_at, "referral_id": c.referral_id,
        "allowed_actions": consultation_actions(ConsultationStatus(c.status), side),
        "history": [{"action": t.action, "from_status": t.from_status, "to_status": t.to_status, "actor": t.actor,
                     "actor_org_id": t.actor_org_id, "at": t.at, "reason": t.reason} for t in c.history],
    }
