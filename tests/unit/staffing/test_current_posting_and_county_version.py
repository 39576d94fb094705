"""Two rules that moved into the domain: where a person is on a day, and a county policy version built from the
values it inherits."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from platform_common.errors import InvalidInput
from services.staffing.domain.model import current_posting
from services.staffing.domain.quota import CountyPolicy, CountyPolicyChange, county_version


@dataclass
class P:
    kind: str
    status: str
    start_date: date
    end_date: date | None = None
    ended_on: date | None = None


HOME = P("establishment", "active", date(2020, 1, 1))
AWAY = P("secondment", "arrived", date(2026, 3, 1), date(2026, 5, 31))


def test_a_person_is_at_their_posting_while_it_runs_and_home_outside_it():
    postings = [HOME, AWAY]
    assert current_posting(postings, date(2026, 3, 1)) is AWAY
    assert current_posting(postings, date(2026, 5, 31)) is AWAY
    assert current_posting(postings, date(2026, 2, 28)) is HOME
    assert current_posting(postings, date(2026, 6, 1)) is HOME


def test_an_early_end_brings_the_person_home_the_next_day():
    ended = P("secondment", "ended", date(2026, 3, 1), date(2026, 5, 31), ended_on=date(2026, 4, 10))
    assert current_posting([HOME, ended], date(2026, 4, 10)) is ended
    assert current_posting([HOME, ended], date(2026, 4, 11)) is HOME


def test_an_ended_establishment_is_nowhere_and_a_transfer_is_the_new_one():
    old = P("establishment", "ended", date(2020, 1, 1), date(2025, 12, 31), date(2025, 12, 31))
    new = P("establishment", "active", date(2026, 1, 1))
    assert current_posting([old, new], date(2026, 2, 1)) is new
    assert current_posting([old], date(2026, 2, 1)) is None


RULES = dict(township_targeted_bp=1000, public_health_min=1, seniority_service_years=20, retirement_window_years=5,
             village_licence_target_bp=4500, quota_review_years=5)
BEFORE = CountyPolicy(Decimal("1.2"), 8000, 1800, 2000, 4200, **RULES)


def test_a_version_keeps_what_it_does_not_change():
    v = county_version(BEFORE, CountyPolicyChange(senior_cap_bp=1900), date(2027, 1, 1))
    assert v == CountyPolicy(Decimal("1.2"), 8000, 1900, 2000, 4200, date(2027, 1, 1), **RULES)


def test_a_version_is_checked_whole_naming_the_field():
    with pytest.raises(InvalidInput) as lower:
        county_version(BEFORE, CountyPolicyChange(senior_cap_bp=2100), date(2027, 1, 1))
    assert lower.value.field == "township_senior_cap_bp"
    with pytest.raises(InvalidInput) as over:
        county_version(BEFORE, CountyPolicyChange(intermediate_cap_bp=8100), date(2027, 1, 1))
    assert over.value.field == "intermediate_cap_bp"
