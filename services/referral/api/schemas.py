"""Request bodies (pydantic v2). Unknown fields are refused so a typo is a 422, not silently lost."""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, ConfigDict, Field, model_validator

from platform_common.api_types import RequestBody
from platform_common.contracts import Specialty

from ..domain.identity import Sex
from ..domain.rules import EmergencyCategory, RejectReason, Urgency

Text = Field(min_length=1, max_length=2000)


def _in_utc(value: datetime) -> datetime:
    # 0001-01-01T00:00+08:00 is a valid ISO time that UTC cannot hold: refuse it here, not with a 500 later
    try:
        return value.astimezone(timezone.utc)
    except OverflowError:
        raise ValueError("time is out of range") from None


Moment = Annotated[AwareDatetime, AfterValidator(_in_utc)]


class Body(RequestBody):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Versioned(Body):
    # The version the clerk saw; a stale one gets 409 instead of overwriting a colleague's answer.
    version: int | None = Field(default=None, ge=1)


class PatientIn(Body):
    name: str = Field(min_length=1, max_length=100)
    sex: Sex
    date_of_birth: date
    national_id: str = Field(min_length=18, max_length=18)


class AttachmentIn(Body):
    """Metadata only; the file stays in the sending unit's PACS/EMR under `storage_ref`."""

    name: str = Field(min_length=1, max_length=200)
    content_type: str = Field(min_length=1, max_length=100)
    size_bytes: int = Field(ge=0, le=500_000_000)
    storage_ref: str | None = Field(default=None, max_length=500)
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")


class ClinicalIn(Body):
    patient: PatientIn
    icd10: str = Field(min_length=3, max_length=20)
    diagnosis: str = Field(min_length=1, max_length=500)
    reason: str = Text
    specialty: Specialty
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=50)


class UpwardIn(ClinicalIn):
    urgency: Urgency
    emergency_category: EmergencyCategory | None = None
    to_org_id: str = Field(min_length=1, max_length=64)
    slot_id: str | None = Field(default=None, max_length=36, description=(
        "a free outpatient or bed slot of the department (GET /capacity), held for the patient until the answer"))


class AcceptIn(Versioned):
    appointment_at: Moment | None = None
    bed_no: str | None = Field(default=None, max_length=40)
    # 优先接诊、优先检查 are the policy default for referred patients; admission only when booked.
    priority_reception: bool = True
    priority_examination: bool = True
    priority_admission: bool = False
    note: str | None = Field(default=None, max_length=2000)
    slot_id: str | None = Field(default=None, max_length=36, description=(
        "the department's slot to book; omitted: the slot chosen when referring, else the first free one of the "
        "appointment's day (where the department publishes capacity)"))


class RejectIn(Versioned):
    reason_code: RejectReason
    reason: str = Text


class RedirectIn(Versioned):
    to_org_id: str = Field(min_length=1, max_length=64)
    # another department (of the same or the other hospital); omitted: the department stays
    specialty: Specialty | None = None
    reason: str = Text


class ReasonIn(Versioned):
    reason: str = Text


class ArriveIn(Versioned):
    arrived_at: Moment | None = None


class CompleteIn(Versioned):
    discharge_summary: str = Field(min_length=1, max_length=10000)
    icd10: str | None = Field(default=None, min_length=3, max_length=20)
    service_date: date | None = None
    fund_amount_fen: int = Field(ge=0, le=10_000_000_000)
    recommend_downward: bool = False


class MedicationIn(Body):
    name: str = Field(min_length=1, max_length=200)
    dose: str = Field(min_length=1, max_length=100)
    frequency: str = Field(min_length=1, max_length=100)
    route: str | None = Field(default=None, max_length=50)
    days: int | None = Field(default=None, ge=1, le=366)


class PlanIn(Body):
    """诊疗方案: what the receiving unit is to continue."""

    medications: list[MedicationIn] = Field(default_factory=list, max_length=50)
    rehabilitation_plan: str | None = Field(default=None, max_length=5000)
    notes: str | None = Field(default=None, max_length=5000)

    @model_validator(mode="after")
    def _not_empty(self) -> "PlanIn":
        if not self.medications and not self.rehabilitation_plan:
            raise ValueError("a treatment plan lists medications or a rehabilitation plan")
        return self


class FollowUpIn(Body):
    due_date: date
    focus: str | None = Field(default=None, max_length=500)


class DownwardIn(ClinicalIn):
    to_org_id: str = Field(min_length=1, max_length=64)
    plan: PlanIn
    follow_ups: list[FollowUpIn] = Field(min_length=1, max_length=60)
    source_referral_id: str | None = Field(default=None, max_length=36)
    capability_override_reason: str | None = Field(default=None, max_length=2000)


class FollowUpRecordIn(Versioned):
    done_on: date
    findings: str = Text


class OutOfCountyIn(ClinicalIn):
    destination: str = Field(min_length=1, max_length=200)
    urgency: Urgency = Urgency.ROUTINE
    emergency_category: EmergencyCategory | None = None
    service_date: date
    fund_amount_fen: int = Field(ge=0, le=10_000_000_000)


class VisitVolumeIn(Versioned):
    visits: int = Field(ge=0, le=100_000_000)


class PublishIn(Body):
    period: str = Field(min_length=4, max_length=7)
    org_id: str | None = Field(default=None, max_length=64)
    consortium_id: str | None = Field(default=None, max_length=64)
