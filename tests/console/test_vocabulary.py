"""Every code the services define has a Chinese name on the console (a new status cannot appear in English)."""
from __future__ import annotations

from typing import get_args

import pytest

from console import labels as L
from platform_common.auth import OrgKind, Role
from platform_common.contracts import Specialty
from services.referral.domain.capacity import BookingStatus, CapacityKind, ExamType, ReleaseReason
from services.referral.domain.codes import ChronicCondition
from services.referral.domain.consultation import ConsultationStatus, Outcome
from services.referral.domain.lifecycle import Action, Direction, Status
from services.referral.domain.rules import EmergencyCategory, RejectReason, Urgency
from services.payment.api.schemas_roster import CensusGroup
from services.payment.domain.claims import ClaimKind
from services.payment.domain.roster import ROSTER_COLUMNS, KeyGroup
from services.payment.domain.policy import PURPOSES
from services.payment.service_layer.reconciliation import CATEGORIES
from services.staffing.domain.model import EndReason, PostingKind, PostingStatus, Qualification, TitleLevel
from services.staffing.domain.quota import QuotaRule
from services.staffing.domain.secondment import RequestStatus
from services.staffing.domain.seniority import Exemption

VOCABULARIES = [(Status, L.STATUSES), (Status, L.STATUS_TONES), (Direction, L.DIRECTIONS), (Action, L.ACTIONS),
                (Urgency, L.URGENCIES), (EmergencyCategory, L.EMERGENCY_CATEGORIES), (RejectReason, L.REJECT_REASONS),
                (Specialty, L.SPECIALTIES), (Role, L.ROLES), (OrgKind, L.ORG_KINDS), (ChronicCondition, L.CHRONIC),
                (ClaimKind, L.CLAIM_KINDS), (Qualification, L.QUALIFICATIONS), (TitleLevel, L.TITLE_LEVELS),
                (PostingKind, L.POSTING_KINDS), (PostingStatus, L.POSTING_STATUSES), (RequestStatus, L.REQUEST_STATUSES),
                (RequestStatus, L.REQUEST_TONES), (QuotaRule, L.QUOTA_RULES), (Exemption, L.EXEMPTIONS),
                (CapacityKind, L.CAPACITY_KINDS), (ExamType, L.EXAM_TYPES), (ConsultationStatus, L.CONSULTATION_STATUSES),
                (ConsultationStatus, L.CONSULTATION_TONES), (Outcome, L.OUTCOMES),
                (BookingStatus, L.BOOKING_STATUSES), (BookingStatus, L.BOOKING_TONES), (ReleaseReason, L.RELEASE_REASONS)]


def test_the_payment_and_staffing_word_lists_are_named_too():
    assert set(L.PURPOSES) == set(PURPOSES) and set(L.RECON_CATEGORIES) == set(CATEGORIES)
    assert set(L.COVERAGE_GROUPS) == set(get_args(CensusGroup)) and set(L.KEY_GROUPS) == {g.value for g in KeyGroup}
    assert set(L.ROSTER_FIELDS) >= set(ROSTER_COLUMNS) and set(L.CONTRACT_SOURCES) == {"upload", "api", "transfer"}
    assert {e.value for e in EndReason} | {"transferred"} == set(L.END_REASONS)


@pytest.mark.parametrize("enum, names", VOCABULARIES, ids=lambda x: getattr(x, "__name__", ""))
def test_each_code_has_exactly_one_chinese_name(enum, names):
    assert set(names) == {e.value for e in enum}
