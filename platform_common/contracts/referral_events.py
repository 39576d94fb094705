"""`referral.events` — produced by the referral service (双向转诊). Payment turns completed and out-of-county
referrals into claims and the published indicators into the performance score; staffing counts upward
referrals per township and specialty as demand for tidal dispatch.

No patient name or national ID is ever in an event: `patient_key` is a keyed hash (HMAC) of the national ID,
stable within the platform, for counting patients.
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .base import BasisPoints, Count, Day, EventPayload, Flag, Id, Instant, Month, NonNegativeFen
from .vocabulary import REFERRAL_TOPIC, CapacityKind, CapacitySource, ChronicCondition, ConsultationOutcome, \
    Direction, EmergencyCategory, ExamType, RejectReason, ReleaseReason, Specialty, Urgency



def icd10():  # noqa: ANN201 - a fresh Field per use
    return Field(min_length=3, max_length=10, description="ICD-10 diagnosis code, e.g. `I21.9`")


def minutes():  # noqa: ANN201
    return Field(description="minutes from routing to the receiver's answer (the response time indicator)")


class ReferralPayload(EventPayload):
    """The fields every referral event carries (the aggregate is the referral)."""

    topic = REFERRAL_TOPIC
    referral_id: Id = Field(description="the referral (also the event's aggregate id and Kafka key)")
    direction: Direction = Field(description="upward to a county hospital, downward to a primary unit, or out of "
                                             "the county (转外就医)")
    from_org_id: Id = Field(description="the sending unit")
    to_org_id: Id | None = Field(description="the receiving unit (after a redirect: the new one); null out of county")
    consortium_id: Id = Field(description="the consortium of both units")
    specialty: Specialty = Field(description="the department the patient is referred to")


class Received(ReferralPayload):
    """A referral inside the county always has a receiving unit."""

    direction: Literal["upward", "downward"] = Field(description="upward to a county hospital, downward to a "
                                                                 "primary unit")
    to_org_id: Id = Field(description="the receiving unit (after a redirect: the new one)")


class Upward(Received):
    direction: Literal["upward"] = Field(description="always `upward`")


class Downward(Received):
    direction: Literal["downward"] = Field(description="always `downward`")


class ReferralSubmitted(Upward):
    """A primary unit referred a patient up to a county hospital."""

    urgency: Urgency = Field(description="how fast the answer is needed")
    emergency_category: EmergencyCategory | None = Field(description="the emergency centre (五大中心) it goes to, "
                                                                     "for an emergency")
    icd10: str = icd10()
    patient_key: str = Field(min_length=16, max_length=128, description="keyed hash of the patient's national ID")
    chronic_condition: ChronicCondition | None = Field(description="两慢病: hypertension or diabetes by diagnosis")
    response_deadline: Instant | None = Field(description="when an urgent or emergency referral must be answered")
    consultation_id: Id | None = Field(default=None, description="the 科对科 consultation whose answer \"refer up\" "
                                                                 "created it; null when submitted directly (absent "
                                                                 "in older events)")


class ReferralAccepted(Upward):
    """The county hospital accepted an upward referral, with an appointment or a bed."""

    response_minutes: Count = minutes()
    appointment_at: Instant | None = Field(description="the appointment, if one was given (else a bed)")
    priority_reception: Flag = Field(description="优先接诊")
    priority_examination: Flag = Field(description="优先检查")
    priority_admission: Flag = Field(description="优先住院")


class ReferralRejected(Upward):
    """The county hospital refused an upward referral."""

    reason_code: RejectReason = Field(description="why, as a code")
    response_minutes: Count = minutes()


class ReferralRedirected(Upward):
    """The county hospital sent an upward referral on to another county hospital or department (to_org_id and
    specialty are the new ones)."""

    previous_to_org_id: Id = Field(description="the hospital that redirected it")
    previous_specialty: Specialty | None = Field(default=None, description="the department before, when the "
                                                                       "redirect changed it (absent in older events)")
    response_minutes: Count = minutes()


class ReferralCancelled(Upward):
    """The sending unit withdrew a referral before it was answered."""


class PatientArrived(Upward):
    """The patient of an accepted upward referral arrived at the county hospital."""

    arrived_at: Instant = Field(description="when the patient arrived")


class ReferralCompleted(Received):
    """An episode ended: an upward referral's discharge, or a downward referral's last follow-up (amount 0).
    Payment books a positive fund amount as claim `REF-<referral_id>` (member outpatient, to_org_id's)."""

    completed_at: Instant = Field(description="when it was completed")
    service_date: Day = Field(description="the consortium's local day of the service (the claim's date)")
    icd10: str = icd10()
    fund_amount_fen: NonNegativeFen = Field(description="insurance-fund share of the episode, in fen")
    recommend_downward: Flag = Field(description="the hospital recommends referring the patient back down")


class DownwardReferralIssued(Downward):
    """A county hospital referred a stable patient down to a primary unit with a plan and follow-ups."""

    icd10: str = icd10()
    chronic_condition: ChronicCondition | None = Field(description="两慢病: hypertension or diabetes by diagnosis")
    patient_key: str = Field(min_length=16, max_length=128, description="keyed hash of the patient's national ID")
    follow_up_count: Count = Field(description="scheduled follow-ups")


class DownwardReferralAccepted(Downward):
    """The primary unit accepted a downward referral."""


class DownwardReferralDeclined(Downward):
    """The primary unit declined a downward referral."""

    reason: str = Field(min_length=1, description="why, in the clerk's words")


class FollowUpRecorded(Downward):
    """A scheduled follow-up of a downward referral was done."""

    follow_up_id: Id = Field(description="the follow-up")
    due_date: Day = Field(description="when it was due")
    done_on: Day = Field(description="when it was done")
    on_time: Flag = Field(description="done within the grace days of its due date")


class OutOfCountyReferralRecorded(ReferralPayload):
    """A referral out of the county (转外就医) was recorded. Payment books a positive fund amount as claim
    `OOC-<referral_id>` (out-of-county referral, from_org_id's)."""

    direction: Literal["out_of_county"] = Field(description="always `out_of_county`")
    to_org_id: None = Field(default=None, description="always null: the destination is outside the consortium")
    destination: str = Field(min_length=1, description="the hospital outside the county")
    reason: str = Field(min_length=1, description="why the patient could not be treated in the county")
    service_date: Day = Field(description="the day of the service (the claim's date)")
    fund_amount_fen: NonNegativeFen = Field(description="insurance-fund share, in fen")


class ReferralResponseOverdue(Upward):
    """An urgent or emergency referral was not answered by its deadline (once per routing)."""

    urgency: Urgency = Field(description="how fast the answer was needed")
    emergency_category: EmergencyCategory | None = Field(default=None, description="the emergency centre, if any")
    deadline: Instant = Field(description="the deadline that passed")


class SpecialtyOutflow(BaseModel):
    """One row of the weak-specialty list: a specialty's referrals out of the county (转外) in one month."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    month: Month = Field(description="the local month")
    specialty: Specialty = Field(description="the department the patients were referred to")
    out_of_county_count: Count = Field(description="out-of-county referrals of the specialty served in the month")
    referrals_out_count: Count = Field(description="all referrals out in the month, every specialty: upward made + "
                                                   "out-of-county served (for one unit: those it sent)")
    out_of_county_rate_bp: BasisPoints = Field(description="转外率: out_of_county_count ÷ referrals_out_count")
    specialty_referrals_out_count: Count = Field(description="the specialty's own referrals out (upward + out of "
                                                             "county)")
    within_specialty_bp: BasisPoints = Field(description="out_of_county_count ÷ specialty_referrals_out_count: the "
                                                         "share of the specialty's referrals that left the county")


def _no_breakdown(data: dict[str, Any]) -> dict[str, Any]:
    """`out_of_county_by_specialty` is null: published before the breakdown existed"""
    return data | {"out_of_county_by_specialty": data.get("out_of_county_by_specialty")}


class ReferralIndicatorsPublished(EventPayload):
    """A period's referral indicators, for the consortium (org_id null) or one unit: each closed month
    automatically once the grace for late visit volumes has passed, and again on demand. A figure with no data
    is null. Payment keeps the latest consortium-wide publication per period for the performance score."""

    topic = REFERRAL_TOPIC
    consortium_id: Id = Field(description="the consortium")
    org_id: Id | None = Field(description="the unit, or null for the whole consortium")
    period: str = Field(pattern=r"^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$",
                        description="`2026-11`, `2026-Q4` or `2026`")
    period_start: Day = Field(description="first day of the period")
    period_end: Day = Field(description="last day of the period")
    county_domain_visit_rate_bp: BasisPoints | None = Field(description="县域内就诊率, basis points (target 9000)")
    upward_count: Count = Field(description="upward referrals made")
    downward_count: Count = Field(description="downward referrals made")
    out_of_county_count: Count = Field(description="out-of-county referrals recorded")
    acceptance_rate_bp: BasisPoints | None = Field(description="accepted / answered, basis points")
    median_response_minutes: Count | None = Field(description="median response time")
    p90_response_minutes: Count | None = Field(description="90th percentile response time")
    chronic_downward_share_bp: BasisPoints | None = Field(description="share of 两慢病 patients referred down, "
                                                                      "basis points")
    out_of_county_by_specialty: list[SpecialtyOutflow] | None = Field(
        description="the weak-specialty list: each month of the period, each specialty with referrals out of the "
                    "county, highest 转外率 first (`month`, `specialty`, `out_of_county_count`, "
                    "`referrals_out_count`, `out_of_county_rate_bp`, `specialty_referrals_out_count`, "
                    "`within_specialty_bp`); null only in version-1 events, published before it existed")
    in_county_visits: Count | None = Field(default=None, description=(
        "visits inside the county: episodes treated at a county hospital plus the visit volumes units reported "
        "(the rate's numerator); null in publications from before it was announced"))
    booked_accept_share_bp: BasisPoints | None = Field(
        default=None, description="upward acceptances that booked a published slot or bed ÷ all upward "
                                  "acceptances (预约); absent in events published before capacity existed")
    no_show_count: Count | None = Field(default=None, description="booked visits and beds of the period the "
                                                                  "patient missed; absent in older events")
    no_show_rate_bp: BasisPoints | None = Field(default=None, description="no-shows ÷ booked visits and beds of "
                                                                          "the period; absent in older events")
    consultation_count: Count | None = Field(default=None, description="consultations asked (科对科); absent in "
                                                                       "older events")
    median_answer_minutes: Count | None = Field(default=None, description="median consultation answer time")
    p90_answer_minutes: Count | None = Field(default=None, description="90th percentile consultation answer time")
    resolved_without_referral_bp: BasisPoints | None = Field(
        default=None, description="consultations answered without a referral ÷ answered (referrals avoided)")

    schema_version = 2
    upgrades = {1: _no_breakdown}


class CapacityPayload(EventPayload):
    """What every capacity event names: the county hospital's department and the kind of capacity."""

    topic = REFERRAL_TOPIC
    consortium_id: Id = Field(description="the consortium of the hospital")
    org_id: Id = Field(description="the county hospital")
    specialty: Specialty = Field(description="the department")
    kind: CapacityKind = Field(description="outpatient slots (门诊号源), beds kept for referrals, or exam slots")
    exam_type: ExamType | None = Field(description="the exam, for exam slots; else null")


class CapacityPublished(CapacityPayload):
    """A county department published or changed its bookable capacity over some days (one event per request:
    a list of slots, a weekly template applied, or a bulk edit)."""

    source: CapacitySource = Field(description="how: slots listed, a weekly template applied, or a bulk edit")
    date_from: Day = Field(description="first local day touched")
    date_to: Day = Field(description="last local day touched")
    slot_count: Count = Field(description="slots created or changed")
    places: Count = Field(description="their capacity after the change, summed")


class SlotBooking(CapacityPayload):
    booking_id: Id = Field(description="the booking (also the event's aggregate id)")
    referral_id: Id = Field(description="the upward referral holding it")
    slot_id: Id | None = Field(description="the slot; null only for an emergency taken in on a day its "
                                           "department published nothing for")
    day: Day = Field(description="the local day of the visit, admission or exam")
    band_start: str = Field(pattern=r"^\d{2}:\d{2}$", description="local start of the band (`00:00` for a bed)")
    band_end: str = Field(pattern=r"^\d{2}:\d{2}$", description="local end of the band (`24:00` for a bed)")


class SlotBooked(SlotBooking):
    """An upward referral booked a place: the slot the township chose when referring, its visit or bed on
    acceptance, or an exam with its own slot."""

    urgency: Urgency = Field(description="the referral's urgency")
    overflow: Flag = Field(description="booked beyond capacity: an emergency taken in on a full day")


class SlotReleased(SlotBooking):
    """A booked place was given back: the referral was cancelled, rejected or redirected, the patient did not
    come by the end of the slot plus the grace (no-show), the slot chosen when referring passed unanswered
    (expired) or the hospital accepted with another one (rebooked), or the hospital cancelled the exam."""

    reason: ReleaseReason = Field(description="why the place was released")


class ConsultationPayload(EventPayload):
    """What every consultation event names (advice before referral, 科对科): who asked which county department."""

    topic = REFERRAL_TOPIC
    consultation_id: Id = Field(description="the consultation (also the event's aggregate id)")
    consortium_id: Id = Field(description="the consortium")
    from_org_id: Id = Field(description="the asking township centre or village clinic")
    to_org_id: Id = Field(description="the county hospital asked")
    specialty: Specialty = Field(description="the department asked")
    urgency: Urgency = Field(description="how fast the answer is needed")


class ConsultationRequested(ConsultationPayload):
    """A township doctor asked a county department for advice about a patient."""

    icd10: str = icd10()
    patient_key: str = Field(min_length=16, max_length=128, description="keyed hash of the patient's national ID")
    answer_deadline: Instant | None = Field(description="when the answer is due (per urgency)")
    paired: Flag = Field(description="the department is at the unit's paired county hospital (else a reason was "
                                     "given)")


class ConsultationAnswered(ConsultationPayload):
    """The county specialist answered: manage locally with advice, refer up (the referral it became), or a
    remote consultation appointment."""

    outcome: ConsultationOutcome = Field(description="local_advice, refer_up or remote_appointment")
    answer_minutes: Count = Field(description="minutes from the question to the answer")
    referral_id: Id | None = Field(description="the upward referral it became (refer_up only)")
    remote_at: Instant | None = Field(description="the remote consultation's time (remote_appointment only)")


class ConsultationCancelled(ConsultationPayload):
    """The asking unit withdrew its question before the answer."""


class ConsultationOverdue(ConsultationPayload):
    """A consultation was not answered by its deadline (announced once)."""

    deadline: Instant = Field(description="the deadline that passed")


CONTRACTS = (
    ReferralSubmitted, ReferralAccepted, ReferralRejected, ReferralRedirected, ReferralCancelled, PatientArrived,
    ReferralCompleted, DownwardReferralIssued, DownwardReferralAccepted, DownwardReferralDeclined,
    FollowUpRecorded, OutOfCountyReferralRecorded, ReferralResponseOverdue, ReferralIndicatorsPublished,
    CapacityPublished, SlotBooked, SlotReleased, ConsultationRequested, ConsultationAnswered, ConsultationCancelled,
    ConsultationOverdue,
)
__all__ = [c.__name__ for c in CONTRACTS]
