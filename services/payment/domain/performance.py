"""Performance assessment (绩效考核) of a consortium for a period.

score = Σ weight × component, each component on 0..100, quantized to 0.01 ROUND_HALF_UP:
- fund use (医保基金使用效能): 100 while spending ≤ budget; minus `overspend_penalty_points_per_pct`
  points per percent of overspend (pro rata: 2.5% over at 5 points/% costs 12.5), floor 0.
- county-domain visit rate (县域内就诊率): rate / target × 100, capped at 100.
- referral acceptance rate: the rate itself in percent.
- chronic downward share (两慢病下转占比): share / target × 100, capped at 100.
The referral numbers come from `ReferralIndicatorsPublished` for the same consortium and period.
An indicator the referral service could not compute (nothing to divide: no answers, no chronic
patients) is left out, and the weights of the others are scaled up to 100% — a period without
chronic patients neither costs nor earns points.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .money import BP
from .policy import ScoreWeights

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Indicators:
    county_domain_visit_rate_bp: int | None
    acceptance_rate_bp: int | None
    chronic_downward_share_bp: int | None


@dataclass(frozen=True)
class ScoreBreakdown:
    score: Decimal
    components: dict[str, Decimal | None]  # None: not assessed (no data)


def _capped(value: Decimal) -> Decimal:
    return max(Decimal(0), min(HUNDRED, value))


def fund_use_component(budget_fen: int, actual_fen: int, penalty_per_pct: int) -> Decimal:
    if actual_fen <= budget_fen:
        return HUNDRED
    if budget_fen <= 0:
        return Decimal(0)
    over_pct = Decimal(actual_fen - budget_fen) * HUNDRED / Decimal(budget_fen)
    return _capped(HUNDRED - over_pct * penalty_per_pct)


def performance_score(budget_fen: int, actual_fen: int, indicators: Indicators,
                      weights: ScoreWeights) -> ScoreBreakdown:
    i = indicators
    components: dict[str, Decimal | None] = {
        "fund_use": fund_use_component(budget_fen, actual_fen, weights.overspend_penalty_points_per_pct),
        "county_domain": None if i.county_domain_visit_rate_bp is None else _capped(
            Decimal(i.county_domain_visit_rate_bp) * HUNDRED / weights.county_domain_target_bp),
        "acceptance": None if i.acceptance_rate_bp is None else _capped(Decimal(i.acceptance_rate_bp) / 100),
        "chronic_downward": None if i.chronic_downward_share_bp is None else _capped(
            Decimal(i.chronic_downward_share_bp) * HUNDRED / weights.chronic_downward_target_bp),
    }
    weight_of = {
        "fund_use": weights.fund_use_bp, "county_domain": weights.county_domain_bp,
        "acceptance": weights.acceptance_bp, "chronic_downward": weights.chronic_downward_bp,
    }
    assessed = {k: v for k, v in components.items() if v is not None}
    weight_sum = sum(weight_of[k] for k in assessed) or BP
    total = sum((v * weight_of[k] / weight_sum for k, v in assessed.items()), Decimal(0))
    return ScoreBreakdown(
        total.quantize(CENT, rounding=ROUND_HALF_UP),
        {k: None if v is None else v.quantize(CENT, rounding=ROUND_HALF_UP) for k, v in components.items()},
    )
