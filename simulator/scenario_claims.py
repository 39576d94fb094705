"""The insurance office's part of the county year (pure): the monthly claim files, generated month by month on
demand (`claim_rows`) so a million rows never sit in memory, and the negotiated budget."""
from __future__ import annotations

import calendar
from typing import TYPE_CHECKING, NamedTuple

from gateway.demo import CONSORTIUM_ID

from . import clinical as c
from .draws import seeded, spread

if TYPE_CHECKING:
    from .scenario import CountyYear, Scale


class Budget(NamedTuple):
    body: dict  # for POST /payment/budgets
    adjustment_fen: int  # the mid-year adjustment


def claims_by_month(sc: Scale) -> list[int]:
    # Outpatient visits are less seasonal than referrals: flatten the referral curve by half.
    return spread(sc.claims, [100 + (w - 100) // 2 for w in c.MONTH_WEIGHTS])


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
    rng = seeded(cy.seed, f"claims:{month}")
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


def capitation_total_fen(cy: CountyYear, fen_per_resident_month: int = 1000) -> int:
    return sum(cy.enrolment.values()) * fen_per_resident_month * 12


def budget(cy: CountyYear) -> Budget:
    """Negotiated budget: the expected spending plus a margin of 2–8% (so the year usually ends in a surplus),
    5% of it held as the out-of-area reserve; a mid-year adjustment of ±1%."""
    rng = seeded(cy.seed, "budget")
    expected = (_expected_claims(cy) + capitation_total_fen(cy) + sum(u.fund_amount_fen for u in cy.upward)
                + sum(o.fund_amount_fen for o in cy.out_of_county))
    target = expected * rng.randint(10200, 10800) // 10000
    insured = cy.scale.residents * 96 // 100
    reserve = target * 5 // 100 // 100 * 100
    per_capita = -(-(target - reserve) // insured)
    body = {"consortium_id": CONSORTIUM_ID, "fund_year": cy.year, "enrolled_population": insured,
            "per_capita_fen": per_capita, "out_of_area_reserve_fen": reserve,
            "note": "按参保人数和上年门诊费用谈判确定"}
    return Budget(body, (insured * per_capita + reserve) * rng.choice([-1, 1]) // 100 // 100 * 100)


def _expected_claims(cy: CountyYear) -> int:
    """Mean claim amounts × counts, without generating the rows (what the office would estimate)."""
    ids, weights, ranges = _claim_targets(cy)
    mean = sum(w * (lo + hi) // 2 for w, (lo, hi) in zip(weights, ranges)) // sum(weights)
    return cy.scale.claims * (mean * 97 + 215_000 * 3) // 100
