"""The county year as data: pure and deterministic (same scale, seed and year → equal plans).

Everything random comes from `random.Random` seeded by text (`"<seed>:<part>"`), which Python hashes
with SHA-512, so the plan does not depend on PYTHONHASHSEED or on the order parts are generated.
Claims are generated month by month on demand (`claim_rows`) so a million rows never sit in memory.
"""
from __future__ import annotations

import calendar
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from gateway.demo import CONSORTIUM_ID

from . import clinical as c
from . import staff
from .county import HOSPITALS, Account, Org, accounts, build_county
from .identity import person


@dataclass(frozen=True)
class Scale:
    name: str
    new_townships: int
    villages: int
    residents: int
    upward_referrals: int
    claims: int
    hospital_staff: tuple[int, int, int]
    township_fill_pct: int
    secondments: int


SCALES = {
    # tiny: the integration test; small: `make run`'s demo activity; full: the issue's county year.
    "tiny": Scale("tiny", 1, 4, 200_000, 16, 400, (6, 4, 3), 10, 2),
    "small": Scale("small", 3, 16, 215_000, 60, 5_000, (20, 12, 8), 30, 4),
    "full": Scale("full", 15, 200, 300_000, 6_000, 1_000_000, (120, 80, 60), 85, 30),
}


@dataclass(frozen=True)
class Upward:
    no: int
    month: int
    service_date: date
    from_org: str
    to_org: str
    specialty: str
    urgency: str
    emergency_category: str | None
    icd10: str
    diagnosis: str
    chronic: str | None
    patient: dict
    outcome: str  # completed | rejected | redirected (then completed) | cancelled | accepted (not yet arrived)
    reject_code: str | None = None
    redirect_to: str | None = None
    fund_amount_fen: int = 0
    recommend_downward: bool = False


@dataclass(frozen=True)
class Downward:
    source_no: int
    from_org: str
    to_org: str
    specialty: str
    icd10: str
    diagnosis: str
    chronic: str | None
    patient: dict
    follow_ups: int  # the first is due on the day of issue and recorded then; the rest lie ahead
    outcome: str  # accepted | declined
    override: bool  # a specialty the unit cannot receive: issued with a recorded override


@dataclass(frozen=True)
class OutOfCounty:
    from_org: str
    destination: str
    specialty: str
    icd10: str
    diagnosis: str
    patient: dict
    service_date: date
    fund_amount_fen: int


@dataclass(frozen=True)
class Secondment:
    org_id: str
    specialty: str
    title_level: str
    headcount: int
    start_offset_days: int  # from the day the simulation runs: the platform refuses backdated postings
    days: int
    approve: bool


@dataclass
class CountyYear:
    scale: Scale
    seed: int
    year: int
    orgs: list[Org]
    accounts: list[Account]
    enrolment: dict[str, int]             # primary unit -> contracted residents (签约人数)
    staff: list[dict]                     # bodies for POST /staff/bulk
    upward: list[Upward]
    downward: list[Downward]
    out_of_county: list[OutOfCounty]
    secondments: list[Secondment]
    claims_by_month: list[int]            # rows of each monthly claim file
    budget: dict = field(default_factory=dict)
    adjustment_fen: int = 0

    @property
    def consortium_id(self) -> str:
        return CONSORTIUM_ID

    def org(self, org_id: str) -> Org:
        return next(o for o in self.orgs if o.org_id == org_id)


def _rng(seed: int, part: str) -> random.Random:
    return random.Random(f"{seed}:{part}")


def _pick(rng: random.Random, mix: dict[str, int]) -> str:
    return rng.choices(list(mix), list(mix.values()))[0]


def _day_in(rng: random.Random, year: int, month: int) -> date:
    return date(year, month, rng.randint(1, calendar.monthrange(year, month)[1]))


def generate(scale: str | Scale, seed: int, year: int) -> CountyYear:
    sc = SCALES[scale] if isinstance(scale, str) else scale
    orgs = build_county(_rng(seed, "county"), sc.new_townships, sc.villages, sc.residents)
    accts = accounts(orgs)
    primary = [o for o in orgs if o.kind in ("township_centre", "village_clinic")]
    rng = _rng(seed, "enrolment")
    enrolment = {}
    for o in primary:
        if o.kind == "village_clinic":
            enrolment[o.org_id] = o.service_population * rng.randint(45, 70) // 100
        else:
            own = o.service_population - sum(v.service_population for v in primary if v.parent_org_id == o.org_id)
            enrolment[o.org_id] = max(0, own) * rng.randint(35, 55) // 100
    cy = CountyYear(sc, seed, year, orgs, accts, enrolment, staff.pool(sc, seed, year, orgs), [], [], [], [],
                    _claims_by_month(sc))
    _referrals(cy)
    cy.secondments = _secondments(sc, seed, orgs)
    _budget(cy)
    return cy


# -- referrals ------------------------------------------------------------------------------------
def _referrals(cy: CountyYear) -> None:
    rng = _rng(cy.seed, "referrals")
    senders = [o for o in cy.orgs if o.kind in ("township_centre", "village_clinic")]
    weights = [o.service_population or 1 for o in senders]
    by_id = {o.org_id: o for o in cy.orgs}
    month_counts = _spread(cy.scale.upward_referrals, c.MONTH_WEIGHTS)
    no = 0
    for month, count in enumerate(month_counts, start=1):
        season = "winter" if month in c.WINTER else "summer"
        for _ in range(count):
            no += 1
            sender = rng.choices(senders, weights)[0]
            township = sender if sender.kind == "township_centre" else by_id[sender.parent_org_id]
            urgency = _pick(rng, c.URGENCY_MIX)
            category = None
            if urgency == "emergency":
                category = _pick(rng, c.EMERGENCY_MIX)
                icd10, diagnosis, specialty = c.EMERGENCY[category]
                chronic = None
            else:
                cond = rng.choices(c.CONDITIONS, [x[4] if season == "winter" else x[5] for x in c.CONDITIONS])[0]
                icd10, diagnosis, specialty, chronic = cond[:4]
            to_org = "county-mch-hospital" if specialty in c.MCH_SPECIALTIES else township.parent_org_id
            day = _day_in(rng, cy.year, month)
            patient = person(rng, day, 0 if specialty == "paediatrics" else 18, 3 if specialty == "paediatrics" else 90)
            if category == "critical_maternal" or specialty == "obstetrics":
                patient = _female(rng, day)
            roll = rng.random()
            if urgency == "emergency":
                outcome = "completed" if roll < 0.97 else "redirected"
            else:
                outcome = ("completed" if roll < 0.84 else "rejected" if roll < 0.90 else
                           "redirected" if roll < 0.95 else "cancelled" if roll < 0.98 else "accepted")
            redirect_to = rng.choice([h for h in HOSPITALS if h != to_org]) if outcome == "redirected" else None
            fund = 0
            if outcome in ("completed", "redirected"):
                low, high = (100_000, 1_200_000) if urgency == "emergency" else (20_000, 400_000)
                fund = rng.randint(low, high) if rng.random() < 0.95 else 0
            recommend = outcome in ("completed", "redirected") and (chronic is not None or specialty in (
                "neurology", "orthopaedics", "rehabilitation")) and rng.random() < 0.45
            up = Upward(no, month, day, sender.org_id, to_org, specialty, urgency, category, icd10, diagnosis,
                        chronic, patient, outcome, rng.choice(c.REJECT_CODES) if outcome == "rejected" else None,
                        redirect_to, fund, recommend)
            cy.upward.append(up)
            if recommend:
                cy.downward.append(_downward(rng, up, redirect_to or to_org))
            if rng.random() < 0.06:
                cy.out_of_county.append(OutOfCounty(
                    township.org_id, rng.choice(c.OUT_OF_COUNTY_DESTINATIONS), specialty, icd10, diagnosis,
                    person(rng, day, 18, 85), _day_in(rng, cy.year, month), rng.randint(200_000, 3_000_000)))


def _downward(rng: random.Random, up: Upward, hospital: str) -> Downward:
    # 两慢病 go down to general practice / internal medicine; rehabilitation needs a seconded specialist.
    specialty = "rehabilitation" if up.specialty in ("neurology", "orthopaedics", "rehabilitation") else \
        rng.choice(["general_practice", "internal_medicine"])
    return Downward(up.no, hospital, up.from_org, specialty, up.icd10, up.diagnosis, up.chronic, up.patient,
                    rng.randint(1, 4), "accepted" if rng.random() < 0.92 else "declined",
                    override=specialty == "rehabilitation")


def _female(rng: random.Random, day: date) -> dict:
    while True:
        p = person(rng, day, 20, 42)
        if p["sex"] == "female":
            return p


def _spread(total: int, weights: list[int]) -> list[int]:
    """Largest remainder: integer counts in proportion to `weights`, summing to `total`."""
    raw = [total * w for w in weights]
    counts = [r // sum(weights) for r in raw]
    order = sorted(range(len(weights)), key=lambda i: (-(raw[i] % sum(weights)), i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


# -- secondments --------------------------------------------------------------------------------
def _secondments(sc: Scale, seed: int, orgs: list[Org]) -> list[Secondment]:
    rng = _rng(seed, "secondments")
    townships = [o for o in orgs if o.kind == "township_centre"]
    out = []
    for i in range(sc.secondments):
        org = townships[i % len(townships)]
        out.append(Secondment(org.org_id, rng.choice(c.SECONDMENT_SPECIALTIES), rng.choice(["junior", "intermediate"]),
                              1, 0 if i % 3 == 0 else rng.randint(7, 60), rng.choice([90, 120, 180]),
                              approve=rng.random() < 0.8))
    return out


# -- claims and the budget -------------------------------------------------------------------------
def _claims_by_month(sc: Scale) -> list[int]:
    # Outpatient visits are less seasonal than referrals: flatten the referral curve by half.
    return _spread(sc.claims, [100 + (w - 100) // 2 for w in c.MONTH_WEIGHTS])


def _claim_targets(cy: CountyYear) -> tuple[list[str], list[int], list[tuple[int, int]]]:
    """Units that file outpatient claims, their weights and claim amount ranges (fen)."""
    ids, weights, ranges = [], [], []
    for o in cy.orgs:
        if o.kind == "county_hospital":
            ids.append(o.org_id)
            weights.append({"county-peoples-hospital": 18, "county-tcm-hospital": 10}.get(o.org_id, 7) * 10_000)
            ranges.append((8_000, 60_000))
        else:
            ids.append(o.org_id)
            weights.append(o.service_population * (3 if o.kind == "township_centre" else 1) // 2)
            ranges.append((2_500, 16_000) if o.kind == "township_centre" else (1_000, 6_000))
    return ids, weights, ranges


def claim_rows(cy: CountyYear, month: int) -> list[tuple[str, str, str, int, str]]:
    """The insurance office's claim file of one month: (claim_no, kind, org_id, amount_fen, service_date)."""
    rng = _rng(cy.seed, f"claims:{month}")
    ids, weights, ranges = _claim_targets(cy)
    n = cy.claims_by_month[month - 1]
    days = calendar.monthrange(cy.year, month)[1]
    dates = [f"{cy.year}-{month:02d}-{d:02d}" for d in range(1, days + 1)]
    picks = rng.choices(range(len(ids)), weights, k=n)
    rows = []
    townships = [o.org_id for o in cy.orgs if o.kind == "township_centre"]
    for i, k in enumerate(picks):
        low, high = ranges[k]
        if rng.random() < 0.03:  # 异地就医: a resident treated outside the province, charged to their township
            rows.append((f"OA{cy.year}{month:02d}-{i:07d}", "out_of_area", rng.choice(townships),
                         rng.randint(30_000, 400_000), rng.choice(dates)))
        else:
            rows.append((f"MC{cy.year}{month:02d}-{i:07d}", "member_outpatient", ids[k], rng.randint(low, high),
                         rng.choice(dates)))
    return rows


def claims_total_fen(cy: CountyYear) -> int:
    return sum(r[3] for m in range(1, 13) for r in claim_rows(cy, m))


def capitation_total_fen(cy: CountyYear, fen_per_resident_month: int = 1000) -> int:
    return sum(cy.enrolment.values()) * fen_per_resident_month * 12


def _budget(cy: CountyYear) -> None:
    """Negotiated budget: the expected spending plus a margin of 2–8% (so the year usually ends in a surplus),
    5% of it held as the out-of-area reserve; a mid-year adjustment of ±1%."""
    rng = _rng(cy.seed, "budget")
    expected = (_expected_claims(cy) + capitation_total_fen(cy) + sum(u.fund_amount_fen for u in cy.upward)
                + sum(o.fund_amount_fen for o in cy.out_of_county))
    target = expected * rng.randint(10200, 10800) // 10000
    insured = cy.scale.residents * 96 // 100
    reserve = target * 5 // 100 // 100 * 100
    per_capita = -(-(target - reserve) // insured)
    cy.budget = {"consortium_id": CONSORTIUM_ID, "fund_year": cy.year, "enrolled_population": insured,
                 "per_capita_fen": per_capita, "out_of_area_reserve_fen": reserve,
                 "note": "按参保人数和上年门诊费用谈判确定"}
    cy.adjustment_fen = (insured * per_capita + reserve) * rng.choice([-1, 1]) // 100 // 100 * 100


def _expected_claims(cy: CountyYear) -> int:
    """Mean claim amounts × counts, without generating the rows (what the office would estimate)."""
    ids, weights, ranges = _claim_targets(cy)
    mean = sum(w * (lo + hi) // 2 for w, (lo, hi) in zip(weights, ranges)) // sum(weights)
    return cy.scale.claims * (mean * 97 + 215_000 * 3) // 100


def day_offset(on: date, days: int) -> date:
    return on + timedelta(days=days)
