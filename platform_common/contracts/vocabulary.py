"""The shared vocabularies of the contracts: topic and event type names, and the value sets fields take.

The value sets repeat the services' domain enums on purpose: this is the boundary other systems read, and a
unit test keeps each set equal to its domain enum, so neither can drift alone.
"""
from __future__ import annotations

from enum import StrEnum
from typing import Literal

REGISTRY_TOPIC = "registry.events"
REFERRAL_TOPIC = "referral.events"
PAYMENT_TOPIC = "payment.events"
STAFFING_TOPIC = "staffing.events"


def dead_letter_topic(topic: str) -> str:
    """Where a consumer parks the messages of `topic` it cannot apply."""
    return topic + ".dlq"


class RegistryEvent(StrEnum):
    ORGANISATION_REGISTERED = "OrganisationRegistered"


class ReferralEvent(StrEnum):
    SUBMITTED = "ReferralSubmitted"
    ACCEPTED = "ReferralAccepted"
    REJECTED = "ReferralRejected"
    REDIRECTED = "ReferralRedirected"
    CANCELLED = "ReferralCancelled"
    PATIENT_ARRIVED = "PatientArrived"
    COMPLETED = "ReferralCompleted"
    DOWNWARD_ISSUED = "DownwardReferralIssued"
    DOWNWARD_ACCEPTED = "DownwardReferralAccepted"
    DOWNWARD_DECLINED = "DownwardReferralDeclined"
    FOLLOW_UP_RECORDED = "FollowUpRecorded"
    OUT_OF_COUNTY_RECORDED = "OutOfCountyReferralRecorded"
    RESPONSE_OVERDUE = "ReferralResponseOverdue"
    INDICATORS_PUBLISHED = "ReferralIndicatorsPublished"
    CAPACITY_PUBLISHED = "CapacityPublished"
    SLOT_BOOKED = "SlotBooked"
    SLOT_RELEASED = "SlotReleased"
    CONSULTATION_REQUESTED = "ConsultationRequested"
    CONSULTATION_ANSWERED = "ConsultationAnswered"
    CONSULTATION_CANCELLED = "ConsultationCancelled"
    CONSULTATION_OVERDUE = "ConsultationOverdue"


class PaymentEvent(StrEnum):
    BUDGET_ALLOCATED = "BudgetAllocated"
    BUDGET_ADJUSTED = "BudgetAdjusted"
    CLAIM_RECORDED = "ClaimRecorded"
    CLAIMS_IMPORTED = "ClaimsImported"  # one per bulk upload
    CAPITATION_PAID = "CapitationPaid"
    SETTLEMENT_CLOSED = "SettlementClosed"
    SURPLUS_DISTRIBUTED = "SurplusDistributed"
    CONTRACTS_IMPORTED = "ContractsImported"  # one per roster upload
    CONTRACT_RECORDED = "ContractRecorded"
    CONTRACT_ENDED = "ContractEnded"
    CONTRACT_END_CHANGED = "ContractEndChanged"  # a roster re-upload ended a contract early or extended it
    CAPITATION_RUN_COMPLETED = "CapitationRunCompleted"


class StaffingEvent(StrEnum):
    SECONDMENT_REQUESTED = "SecondmentRequested"
    SECONDMENT_APPROVED = "SecondmentApproved"
    SECONDMENT_REJECTED = "SecondmentRejected"
    SECONDMENT_CANCELLED = "SecondmentCancelled"
    STAFF_DISPATCHED = "StaffDispatched"
    STAFF_ARRIVED = "StaffArrived"
    SECONDMENT_EXTENDED = "SecondmentExtended"
    SECONDMENT_ENDED = "SecondmentEnded"
    QUOTA_VIOLATION_DETECTED = "QuotaViolationDetected"
    VILLAGE_DOCTOR_POSTED = "VillageDoctorPosted"
    VILLAGE_POSTING_ENDED = "VillagePostingEnded"
    VILLAGE_DOCTOR_QUALIFIED = "VillageDoctorQualified"
    VILLAGE_SCHEDULE_CHANGED = "VillageScheduleChanged"
    QUOTA_LOAN_REQUESTED = "QuotaLoanRequested"
    QUOTA_LOAN_DECIDED = "QuotaLoanDecided"
    QUOTA_REVIEWED = "QuotaReviewed"


class Specialty(StrEnum):
    """One vocabulary for referral departments and staff specialties."""

    GENERAL_PRACTICE = "general_practice"
    INTERNAL_MEDICINE = "internal_medicine"
    CARDIOLOGY = "cardiology"
    NEUROLOGY = "neurology"
    RESPIRATORY = "respiratory"
    ENDOCRINOLOGY = "endocrinology"
    GENERAL_SURGERY = "general_surgery"
    ORTHOPAEDICS = "orthopaedics"
    OBSTETRICS = "obstetrics"
    GYNAECOLOGY = "gynaecology"
    PAEDIATRICS = "paediatrics"
    EMERGENCY = "emergency"
    REHABILITATION = "rehabilitation"
    TCM = "tcm"
    ANAESTHESIOLOGY = "anaesthesiology"
    RADIOLOGY = "radiology"
    LABORATORY = "laboratory"
    NURSING = "nursing"
    PHARMACY = "pharmacy"
    PUBLIC_HEALTH = "public_health"  # 公共卫生 (a public-health physician's practice category)


Direction = Literal["upward", "downward", "out_of_county"]
Urgency = Literal["routine", "urgent", "emergency"]
EmergencyCategory = Literal["chest_pain", "stroke", "trauma", "critical_maternal", "critical_neonatal"]
ChronicCondition = Literal["hypertension", "diabetes"]
RejectReason = Literal["no_bed", "no_capability", "incomplete_information", "not_indicated", "patient_declined",
                       "other"]
CapacityKind = Literal["outpatient", "bed", "exam"]
ExamType = Literal["ct", "mri", "ultrasound", "endoscopy", "ecg"]
ReleaseReason = Literal["cancelled", "rejected", "redirected", "no_show", "expired", "rebooked", "exam_cancelled"]
ConsultationOutcome = Literal["local_advice", "refer_up", "remote_appointment"]
CapacitySource = Literal["slots", "weekly_template", "bulk_edit"]
TitleLevel = Literal["junior", "intermediate", "senior"]
Qualification = Literal["practising_physician", "assistant_physician", "nurse", "pharmacist", "technician",
                        "administrative", "support", "village_doctor"]
TemporaryPostingKind = Literal["secondment", "rotation_down", "rotation_up"]
EndReason = Literal["completed", "early_end"]
QuotaRule = Literal["quota_exceeded", "professional_share", "senior_cap", "intermediate_cap", "targeted_cap",
                    "targeted_post_senior", "public_health_physician"]
VillageEndReason = Literal["moved", "left"]
ScheduleKind = Literal["tour", "station"]
LoanDecision = Literal["approved", "rejected", "cancelled", "returned"]
ClaimKind = Literal["member_outpatient", "out_of_county_referral", "out_of_area"]
SurplusPurpose = Literal["performance_pay", "talent_training", "specialty_building"]
KeyGroup = Literal["elderly", "hypertension", "diabetes", "pregnant", "children", "disabled", "severe_mental",
                   "tuberculosis", "poverty_relief", "family_planning"]
