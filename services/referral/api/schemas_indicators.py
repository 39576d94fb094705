"""Response models of capabilities, the diagnosis catalogue, visit volumes and indicators (pydantic v2)."""
from __future__ import annotations

from datetime import date

from pydantic import Field

from platform_common.api_types import BasisPoints, MonthCode, PeriodCode, ResponseModel
from platform_common.contracts import Specialty


class CapabilityOut(ResponseModel):
    """A secondment that lets a township unit receive a specialty beyond the baseline, until it ends."""

    org_id: str
    specialty: Specialty
    secondment_id: str = Field(description="the staffing service's posting that brings the capability")
    until: date | None


class Capabilities(ResponseModel):
    baseline_specialties: list[Specialty] = Field(description="what every primary unit receives")
    items: list[CapabilityOut]


class DiagnosisOut(ResponseModel):
    code: str = Field(description="ICD-10, with the national clinical extension where it has one")
    name: str


class Diagnoses(ResponseModel):
    items: list[DiagnosisOut]


class VisitVolumeOut(ResponseModel):
    org_id: str
    month: MonthCode
    visits: int
    version: int


class SpecialtyOutflowOut(ResponseModel):
    """A specialty's referrals out of the county (转外) in one month, against all referrals out that month."""

    month: MonthCode
    specialty: Specialty
    out_of_county_count: int
    referrals_out_count: int = Field(description="all referrals out in the month: upward made + out-of-county "
                                                 "served (for one unit: those it sent)")
    out_of_county_rate_bp: BasisPoints = Field(description="转外率: out_of_county_count ÷ referrals_out_count")
    specialty_referrals_out_count: int = Field(description="the specialty's own referrals out")
    within_specialty_bp: BasisPoints = Field(description="out_of_county_count ÷ specialty_referrals_out_count")


class ConsultationCountOut(ResponseModel):
    """Consultations one unit asked of one county department in the period (科对科)."""

    from_org_id: str
    to_org_id: str
    specialty: Specialty
    count: int


class IndicatorsOut(ResponseModel):
    """Referral indicators of a period, for the consortium or one unit; a rate is null without a base."""

    period: PeriodCode
    period_start: date
    period_end: date
    consortium_id: str
    org_id: str | None = Field(description="null: the whole consortium")
    county_domain_visit_rate_bp: BasisPoints | None = Field(description="县域内就诊率")
    county_domain_target_bp: BasisPoints
    county_domain_target_met: bool | None
    in_county_episodes: int
    reported_visits: int
    upward_count: int
    downward_count: int
    out_of_county_count: int
    acceptance_rate_bp: BasisPoints | None
    answers: int
    median_response_minutes: int | None
    p90_response_minutes: int | None
    chronic_patients: int
    chronic_downward_share_bp: BasisPoints | None
    out_of_county_by_specialty: list[SpecialtyOutflowOut] = Field(
        description="the weak-specialty list, month by month, highest 转外率 first")
    booked_accepts: int = Field(description="upward acceptances that booked a published slot or bed")
    booked_accept_share_bp: BasisPoints | None = Field(description="booked_accepts ÷ upward acceptances (预约)")
    no_show_count: int = Field(description="booked visits and beds on the period's days the patient missed")
    no_show_rate_bp: BasisPoints | None = Field(description="no-shows ÷ booked visits and beds on those days "
                                                            "(bookings released for another reason left out)")
    consultations: list[ConsultationCountOut] = Field(description="consultations asked, per unit and department")
    consultation_count: int
    consultation_answers: int = Field(description="consultations answered in the period")
    median_answer_minutes: int | None
    p90_answer_minutes: int | None
    resolved_without_referral_bp: BasisPoints | None = Field(
        description="answers that were not 'refer up' ÷ answers: the referrals the advice avoided")


class IndicatorsPublished(IndicatorsOut):
    event_id: str = Field(description="the ReferralIndicatorsPublished event that announced them")
