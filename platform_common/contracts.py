"""The contract between services: topic names, event types, shared vocabularies.

Payload shapes are documented in README.md's event catalogue; this module holds the names
so that producer and consumer cannot drift apart by a typo.
"""
from __future__ import annotations

from enum import StrEnum

REGISTRY_TOPIC = "registry.events"
REFERRAL_TOPIC = "referral.events"
PAYMENT_TOPIC = "payment.events"
STAFFING_TOPIC = "staffing.events"


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


class PaymentEvent(StrEnum):
    BUDGET_ALLOCATED = "BudgetAllocated"
    BUDGET_ADJUSTED = "BudgetAdjusted"
    CLAIM_RECORDED = "ClaimRecorded"
    CLAIMS_IMPORTED = "ClaimsImported"  # one per bulk upload
    CAPITATION_PAID = "CapitationPaid"
    SETTLEMENT_CLOSED = "SettlementClosed"
    SURPLUS_DISTRIBUTED = "SurplusDistributed"


class StaffingEvent(StrEnum):
    SECONDMENT_REQUESTED = "SecondmentRequested"
    SECONDMENT_APPROVED = "SecondmentApproved"
    SECONDMENT_REJECTED = "SecondmentRejected"
    STAFF_DISPATCHED = "StaffDispatched"
    STAFF_ARRIVED = "StaffArrived"
    SECONDMENT_EXTENDED = "SecondmentExtended"
    SECONDMENT_ENDED = "SecondmentEnded"
    QUOTA_VIOLATION_DETECTED = "QuotaViolationDetected"


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
