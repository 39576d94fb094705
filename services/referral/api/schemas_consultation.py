"""Requests and answers of advice before referral (科对科)."""
from __future__ import annotations

from pydantic import Field

from platform_common.api_types import ResponseModel, UtcInstant
from platform_common.contracts import Specialty

from ..domain.consultation import ConsultationStatus, Outcome
from ..domain.rules import Urgency
from .schemas import AttachmentIn, Body, Moment, PatientIn, Text, Versioned
from .schemas_referrals import AttachmentOut, PatientOut


class ConsultationIn(Body):
    patient: PatientIn
    to_org_id: str = Field(min_length=1, max_length=64, description="the county hospital asked")
    specialty: Specialty = Field(description="the department asked")
    question: str = Text
    icd10: str = Field(min_length=3, max_length=20)
    diagnosis: str = Field(min_length=1, max_length=500)
    urgency: Urgency
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=50)
    pairing_override_reason: str | None = Field(default=None, max_length=2000, description=(
        "why a county hospital other than the unit's paired one is asked (required then)"))


class AnswerIn(Versioned):
    outcome: Outcome
    advice: str = Text
    remote_at: Moment | None = Field(default=None, description="the remote consultation's time "
                                                               "(remote_appointment only)")


class CancelIn(Versioned):
    reason: str = Text


class ConsultationStepOut(ResponseModel):
    action: str
    from_status: ConsultationStatus | None
    to_status: ConsultationStatus
    actor: str
    actor_org_id: str
    at: UtcInstant
    reason: str | None


class ConsultationOut(ResponseModel):
    consultation_id: str
    version: int
    status: ConsultationStatus
    from_org_id: str
    to_org_id: str
    specialty: Specialty
    urgency: Urgency
    question: str
    icd10: str
    diagnosis: str
    attachments: list[AttachmentOut]
    pairing_override_reason: str | None
    patient: PatientOut
    asked_at: UtcInstant
    answer_deadline: UtcInstant | None
    answer_overdue: bool
    answered_at: UtcInstant | None
    answer_minutes: int | None
    outcome: Outcome | None
    advice: str | None
    remote_at: UtcInstant | None
    referral_id: str | None = Field(description="the upward referral it became (refer_up)")
    allowed_actions: list[str]
    history: list[ConsultationStepOut]


class Consultations(ResponseModel):
    total: int
    page: int
    page_size: int
    items: list[ConsultationOut]


class OverdueConsultations(ResponseModel):
    items: list[ConsultationOut]
