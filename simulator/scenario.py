"""The county year as data: pure and deterministic (same scale, seed and year → equal plans).

Everything random comes from `random.Random` seeded by text (draws.seeded), so the plan does not depend on
PYTHONHASHSEED or on the order parts are generated. Each actor's part is drawn in its own module: the clerks'
referrals (scenario_referrals), the insurance office's claim files and budget (scenario_claims), the
township managers' secondment requests (secondments) and the staff pool (staff).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from gateway.demo import CONSORTIUM_ID

from . import scenario_claims, scenario_referrals, secondments, staff
from .county import Account, Org, accounts, build_county
from .draws import seeded
from .scenario_referrals import Downward, OutOfCounty, Upward
from .secondments import Secondment


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


def generate(scale: str | Scale, seed: int, year: int) -> CountyYear:
    sc = SCALES[scale] if isinstance(scale, str) else scale
    orgs = build_county(seeded(seed, "county"), sc.new_townships, sc.villages, sc.residents)
    accts = accounts(orgs)
    primary = [o for o in orgs if o.kind in ("township_centre", "village_clinic")]
    rng = seeded(seed, "enrolment")
    enrolment = {}
    for o in primary:
        if o.kind == "village_clinic":
            enrolment[o.org_id] = o.service_population * rng.randint(45, 70) // 100
        else:
            own = o.service_population - sum(v.service_population for v in primary if v.parent_org_id == o.org_id)
            enrolment[o.org_id] = max(0, own) * rng.randint(35, 55) // 100
    referrals = scenario_referrals.plan(seed, year, orgs, sc.upward_referrals)
    cy = CountyYear(sc, seed, year, orgs, accts, enrolment, staff.pool(sc, seed, year, orgs), *referrals,
                    secondments.plan(sc, seed, orgs), scenario_claims.claims_by_month(sc))
    cy.budget, cy.adjustment_fen = scenario_claims.budget(cy)
    return cy
