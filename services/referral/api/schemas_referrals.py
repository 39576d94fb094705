"""Response models of the referral workflow (pydantic v2): what a desk sees of a referral.

The national ID only ever masked, the patient_key never. Instants are UTC with `Z`, days are local dates.
"""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from platform_common.api_types import Fen, ResponseModel, UtcInstant
from platform_common.contracts import Specialty

from ..domain.capacity import BookingStatus, CapacityKind, ExamType, ReleaseReason
from ..domain.codes import ChronicCondition
from ..domain.identity import Sex
from ..domain.lifecycle import Action, Direction, Status
from ..domain.rules import EmergencyCategory, RejectReason, Urgency


class PatientOut(ResponseModel):
    name: str
    sex: Sex
    date_of_birth: date
    national_id_masked: str = Field(description="e.g. 500237********1234; the full number is never stored")


class ReferralSummary(ResponseModel):
    referral_id: str
    version: int = Field(description="send it back with the next step: a stale one is 409")
    direction: Direction
    status: Status
    urgency: Urgency
    emergency_category: EmergencyCategory | None
    from_org_id: str
    to_org_id: str | None = Field(description="the hospital or unit it waits at; none out of county")
    specialty: Specialty
    icd10: str
    diagnosis: str
    chronic_condition: ChronicCondition | None
    patient: PatientOut
    created_at: UtcInstant
    response_deadline: UtcInstant | None = Field(description="urgent and emergency referrals only")
    response_overdue: bool
    appointment_at: UtcInstant | None
    destination: str | None = Field(description="the hospital outside the county (out-of-county records)")


class WorklistItem(ReferralSummary):
    box: Literal["incoming", "outgoing"] = Field(description="incoming: it waits at the caller's unit")


class Worklist(ResponseModel):
    total: int
    page: int
    page_size: int
    items: list[WorklistItem]


class OverdueReferrals(ResponseModel):
    items: list[ReferralSummary]


class AttachmentOut(ResponseModel):
    """Metadata only; the file stays in the sending unit's PACS/EMR under `storage_ref`."""

    name: str
    content_type: str
    size_bytes: int
    storage_ref: str | None
    sha256: str | None


class PriorityOut(ResponseModel):
    """优先接诊、优先检查、优先住院 granted by the receiving hospital."""

    reception: bool
    examination: bool
    admission: bool


class DecisionOut(ResponseModel):
    code: RejectReason | Literal["redirected"] | None = Field(description="why it was rejected, or redirected")
    text: str | None


class MedicationOut(ResponseModel):
    name: str
    dose: str
    frequency: str
    route: str | None
    days: int | None


class PlanOut(ResponseModel):
    """诊疗方案 of a downward referral: what the receiving unit is to continue."""

    medications: list[MedicationOut]
    rehabilitation_plan: str | None
    notes: str | None


class FollowUpOut(ResponseModel):
    follow_up_id: str
    due_date: date
    focus: str | None
    done_on: date | None
    on_time: bool | None = Field(description="recorded within the grace days after the due date")
    findings: str | None
    recorded_by: str | None


class TransitionOut(ResponseModel):
    """One step of the audit trail: who changed the state, when and why."""

    action: Action
    from_status: Status | None
    to_status: Status
    actor: str
    actor_org_id: str
    at: UtcInstant
    reason: str | None
    response_minutes: int | None = Field(description="on answers: minutes since it reached this hospital")


class BookingOut(ResponseModel):
    """A place the referral holds or held: its visit, bed or an exam, on a published slot."""

    booking_id: str
    slot_id: str | None = Field(description="null only for an emergency taken in on a day with nothing published")
    kind: CapacityKind
    exam_type: ExamType | None
    specialty: Specialty
    day: date
    band_start: str = Field(description="local HH:MM (00:00 for a bed)")
    band_end: str = Field(description="local HH:MM (24:00 for a bed)")
    status: BookingStatus
    overflow: bool = Field(description="booked beyond capacity (an emergency on a full day)")
    booked_at: UtcInstant
    released_at: UtcInstant | None
    release_reason: ReleaseReason | None


class ReferralDetail(ReferralSummary):
    allowed_actions: list[Action] = Field(description="the steps the caller's unit may take now, in work order")
    reason: str
    attachments: list[AttachmentOut]
    responded_at: UtcInstant | None
    bed_no: str | None
    priority: PriorityOut
    decision: DecisionOut
    arrived_at: UtcInstant | None
    completed_at: UtcInstant | None
    service_date: date | None
    final_icd10: str | None
    discharge_summary: str | None
    fund_amount_fen: Fen | None = Field(description="the insurance fund's share of the episode")
    recommend_downward: bool
    plan: PlanOut | None
    source_referral_id: str | None
    capability_override_reason: str | None
    consultation_id: str | None = Field(description="the 科对科 consultation whose answer \"refer up\" created "
                                                    "it; null for a referral submitted directly")
    follow_ups: list[FollowUpOut]
    history: list[TransitionOut]
    bookings: list[BookingOut] = Field(description="places booked for the patient (where the department "
                                                   "publishes capacity), released ones included")


class Redirected(ResponseModel):
    """The redirecting hospital no longer sees the patient: the routing only."""

    referral_id: str
    status: Status
    to_org_id: str
    specialty: Specialty = Field(description="the department it now waits at")
    version: int


class OverdueFollowUp(FollowUpOut):
    referral_id: str
    to_org_id: str
    from_org_id: str
    patient_name: str
    patient_id_masked: str


class OverdueFollowUps(ResponseModel):
    items: list[OverdueFollowUp]
