"""The county-year generator: deterministic, the sizes asked for, a plausible mix, valid synthetic IDs."""
from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from services.referral.domain.identity import Sex, check_patient, parse_national_id
from simulator.capacity import demand, kind_of
from simulator.clinical import URGENCY_MIX
from simulator.scenario import SCALES, generate
from simulator.scenario_claims import claim_rows

YEAR = 2025


@pytest.fixture(scope="module")
def full():
    return generate("full", 7, YEAR)


def test_same_seed_same_year_other_seed_other_year():
    a, b, c = generate("small", 3, YEAR), generate("small", 3, YEAR), generate("small", 4, YEAR)
    assert a.upward == b.upward and a.staff == b.staff and a.budget == b.budget and a.orgs == b.orgs
    assert claim_rows(a, 5) == claim_rows(b, 5)
    assert a.upward != c.upward and claim_rows(a, 5) != claim_rows(c, 5)


def test_full_scale_has_the_county_of_the_issue(full):
    kinds = Counter(o.kind for o in full.orgs)
    assert kinds == {"county_hospital": 3, "township_centre": 20, "village_clinic": 200}
    townships = [o for o in full.orgs if o.kind == "township_centre"]
    assert sum(o.service_population for o in townships) == 300_000
    assert len({o.org_id for o in full.orgs}) == len(full.orgs)
    by_id = {o.org_id: o for o in full.orgs}
    for v in (o for o in full.orgs if o.kind == "village_clinic"):
        assert by_id[v.parent_org_id].kind == "township_centre"
    assert len(full.upward) == SCALES["full"].upward_referrals
    assert sum(full.claims_by_month) == 1_000_000
    # every unit that refers has a clerk, every township a manager
    roles = {(a.org_id, a.role) for a in full.accounts}
    assert all((o.org_id, "referral_clerk") in roles for o in full.orgs if o.kind != "county_hospital")
    assert all((o.org_id, "unit_manager") in roles for o in townships)


def test_urgency_mix_and_five_centres_within_tolerance(full):
    n = len(full.upward)
    counts = Counter(u.urgency for u in full.upward)
    for urgency, weight in URGENCY_MIX.items():
        assert abs(counts[urgency] / n - weight / sum(URGENCY_MIX.values())) < 0.02, (urgency, counts)
    emergencies = [u for u in full.upward if u.urgency == "emergency"]
    assert {u.emergency_category for u in emergencies} == {"chest_pain", "stroke", "trauma", "critical_maternal",
                                                            "critical_neonatal"}
    assert all(u.emergency_category is None for u in full.upward if u.urgency != "emergency")


def test_winter_has_more_referrals_than_summer(full):
    by_month = Counter(u.month for u in full.upward)
    winter = by_month[12] + by_month[1] + by_month[2]
    summer = by_month[5] + by_month[6] + by_month[7]
    assert 1.25 < winter / summer < 1.6
    respiratory = Counter(u.month for u in full.upward if u.specialty == "respiratory")
    assert respiratory[1] > 2 * respiratory[6]


def test_national_ids_are_valid_and_match_sex_and_birth_date(full):
    patients = [u.patient for u in full.upward[:2000]] + [o.patient for o in full.out_of_county]
    for p in patients:
        nid = parse_national_id(p["national_id"])
        check_patient(nid, Sex(p["sex"]), date.fromisoformat(p["date_of_birth"]), date(YEAR, 12, 31))
    for s in full.staff[:300]:
        parse_national_id(s["id_number"])
    maternal = [u for u in full.upward if u.emergency_category == "critical_maternal"]
    assert maternal and all(u.patient["sex"] == "female" for u in maternal)


def test_claims_are_integer_fen_in_the_fund_year_and_unique():
    cy = generate("small", 2, YEAR)
    rows = [r for m in range(1, 13) for r in claim_rows(cy, m)]
    assert len(rows) == SCALES["small"].claims == len({r[0] for r in rows})
    assert all(isinstance(r[3], int) and r[3] > 0 for r in rows)
    assert all(r[4].startswith(f"{YEAR}-") for r in rows)
    members = {o.org_id for o in cy.orgs}
    assert {r[2] for r in rows} <= members
    assert Counter(r[1] for r in rows)["out_of_area"] / len(rows) < 0.06


def test_budget_leaves_a_margin_over_the_expected_spending_and_is_integer_fen():
    cy = generate("small", 5, YEAR)
    b = cy.budget
    assert all(isinstance(b[k], int) for k in ("enrolled_population", "per_capita_fen", "out_of_area_reserve_fen"))
    total = b["enrolled_population"] * b["per_capita_fen"] + b["out_of_area_reserve_fen"]
    spending = (sum(r[3] for m in range(1, 13) for r in claim_rows(cy, m)) + sum(cy.enrolment.values()) * 1000 * 12
                + sum(o.fund_amount_fen for o in cy.out_of_county))
    assert 0.9 < spending / total < 1.0


def test_staff_fit_the_quota_rules_of_their_township(full):
    by_org: dict[str, list[dict]] = {}
    for s in full.staff:
        by_org.setdefault(s["home_org_id"], []).append(s)
    for o in (o for o in full.orgs if o.kind == "township_centre"):
        quota = o.service_population // 1000
        people = by_org[o.org_id]
        assert len(people) <= quota
        assert sum(p["title_level"] == "senior" for p in people) <= quota * 20 // 100
        assert sum(p["title_level"] == "intermediate" for p in people) <= quota * 42 // 100
        assert sum(p["qualification"] in ("administrative", "support") for p in people) <= quota - -(-quota * 9 // 10)


def test_the_places_published_follow_the_referrals_each_hospital_department_will_accept():
    cy = generate("small", 3, YEAR)
    need = demand(cy.upward)
    answered = [u for u in cy.upward if u.outcome not in ("cancelled", "rejected")]
    assert sum(need.values()) == len(answered) > 0
    redirected = next(u for u in answered if u.redirect_to)
    assert need[redirected.redirect_to, redirected.specialty, kind_of(redirected)] >= 1
    assert {kind for _, _, kind in need} <= {"outpatient", "bed"}
