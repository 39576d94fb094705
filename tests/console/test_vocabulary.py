"""Every code the services define has a Chinese name on the console (a new status cannot appear in English)."""
from __future__ import annotations

import pytest

from console import labels as L
from platform_common.auth import OrgKind, Role
from platform_common.contracts import Specialty
from services.referral.domain.codes import ChronicCondition
from services.referral.domain.lifecycle import Action, Direction, Status
from services.referral.domain.rules import EmergencyCategory, RejectReason, Urgency

VOCABULARIES = [(Status, L.STATUSES), (Status, L.STATUS_TONES), (Direction, L.DIRECTIONS), (Action, L.ACTIONS),
                (Urgency, L.URGENCIES), (EmergencyCategory, L.EMERGENCY_CATEGORIES), (RejectReason, L.REJECT_REASONS),
                (Specialty, L.SPECIALTIES), (Role, L.ROLES), (OrgKind, L.ORG_KINDS), (ChronicCondition, L.CHRONIC)]


@pytest.mark.parametrize("enum, names", VOCABULARIES, ids=lambda x: getattr(x, "__name__", ""))
def test_each_code_has_exactly_one_chinese_name(enum, names):
    assert set(names) == {e.value for e in enum}
