"""Appraisal of member units and of the consortium (成员单位绩效考核): a catalogue of indicators and the score.

Each indicator of the catalogue has a source (where its value comes from), a direction (higher or lower is
better), a target, a weight and a scoring rule:
- `proportional`: points = value / target × 100 (higher is better) or target / value × 100 (lower), capped 0..100;
- `threshold`: 100 points when the target is met, else 0.
Values and targets are whole numbers in the indicator's unit (basis points for rates and shares, minutes for
response times). An indicator without a value for the unit and period (nothing to divide, no data) is left out
and the weights of the others scaled up to 100%, as the consortium score has always done; each result keeps its
value, target and points, so a unit sees why it scored what it scored.
score = Σ weight × points / Σ weights of the assessed, two places ROUND_HALF_UP.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Mapping, Sequence

from platform_common.errors import InvalidInput

from .money import BP, allocate

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


class Direction(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"


class ScoringRule(StrEnum):
    PROPORTIONAL = "proportional"
    THRESHOLD = "threshold"


class Source(StrEnum):
    """Where a value comes from (docs/payment.md names the parts of each)."""

    REFERRAL = "referral"      # ReferralIndicatorsPublished (the referral service's counts)
    CLAIMS = "claims"          # the platform's claims and capitation
    ROSTER = "roster"          # the contract roster and the census
    SETTLEMENT = "settlement"  # budget against spending


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    source: Source
    direction: Direction
    target: int
    weight_bp: int
    rule: ScoringRule = ScoringRule.PROPORTIONAL

    def points(self, value: int) -> Decimal:
        if self.rule is ScoringRule.THRESHOLD:
            met = value >= self.target if self.direction is Direction.HIGHER else value <= self.target
            return HUNDRED if met else Decimal(0)
        if self.direction is Direction.HIGHER:
            raw = Decimal(value) * HUNDRED / self.target
        else:
            raw = HUNDRED if value <= 0 else Decimal(self.target) * HUNDRED / value
        return max(Decimal(0), min(HUNDRED, raw))


@dataclass(frozen=True)
class Catalogue:
    indicators: tuple[Indicator, ...]

    def validate(self, field: str = "appraisal") -> None:
        codes = [i.code for i in self.indicators]
        if len(set(codes)) != len(codes):
            raise InvalidInput("two indicators have the same code", field=field)
        if not self.indicators or any(i.weight_bp < 0 for i in self.indicators) \
                or sum(i.weight_bp for i in self.indicators) != BP:
            raise InvalidInput("indicator weights are ≥ 0 and add up to 10000 bp", field=field)
        if any(i.target <= 0 for i in self.indicators):
            raise InvalidInput("indicator targets are positive", field=field)

    def to_dict(self) -> dict:
        return {"indicators": [asdict(i) for i in self.indicators]}

    @classmethod
    def from_dict(cls, data: Mapping) -> "Catalogue":
        return cls(tuple(Indicator(i["code"], i["name"], Source(i["source"]), Direction(i["direction"]),
                                   int(i["target"]), int(i["weight_bp"]), ScoringRule(i.get("rule", "proportional")))
                         for i in data["indicators"]))


@dataclass(frozen=True)
class IndicatorResult:
    code: str
    name: str
    source: str
    direction: str
    rule: str
    value: int | None
    target: int
    weight_bp: int
    points: Decimal | None  # None: not assessed (no value)


@dataclass(frozen=True)
class Appraisal:
    org_id: str | None  # None: the whole consortium
    score: Decimal | None  # None: nothing assessed
    results: tuple[IndicatorResult, ...]


def appraise(org_id: str | None, catalogue: Catalogue, values: Mapping[str, int | None]) -> Appraisal:
    results, weighted, weights = [], Decimal(0), 0
    for ind in catalogue.indicators:
        value = values.get(ind.code)
        points = None if value is None else ind.points(value)
        if points is not None and ind.weight_bp:
            weighted += points * ind.weight_bp
            weights += ind.weight_bp
        results.append(IndicatorResult(ind.code, ind.name, ind.source.value, ind.direction.value, ind.rule.value,
                                       value, ind.target, ind.weight_bp,
                                       None if points is None else points.quantize(CENT, rounding=ROUND_HALF_UP)))
    score = (weighted / weights).quantize(CENT, rounding=ROUND_HALF_UP) if weights else None
    return Appraisal(org_id, score, tuple(results))


def score_weights(scores: Mapping[str, Decimal | None]) -> dict[str, int]:
    """Distribution weights from appraisal scores: the score in hundredths (88.50 → 8850); unscored units get 0."""
    return {org: int(s * 100) for org, s in scores.items() if s is not None and s > 0}


def distribute_by_score(split: Mapping[str, int], scores: Mapping[str, Decimal | None]) -> list[tuple[str, str, int]]:
    """Retained surplus by purpose to units in proportion to their appraisal scores (largest remainder, ties to
    the earlier org id); each purpose's rows add up to its amount."""
    weights = score_weights(scores)
    orgs = sorted(weights)
    if not orgs:
        if any(split.values()):
            raise InvalidInput("no member unit has an appraisal score to distribute by", field="distribution_basis")
        return []
    rows = []
    for purpose, amount in split.items():
        if amount:
            rows.extend((o, purpose, part) for o, part in zip(orgs, allocate(amount, [weights[o] for o in orgs]))
                        if part)
    return rows


def share_bp(part: int, whole: int) -> int | None:
    """part / whole in basis points, half up; None when there is nothing to divide."""
    return None if whole <= 0 else (2 * part * BP + whole) // (2 * whole)


def primary_fund_share_bp(primary_claims_fen: int, primary_capitation_fen: int, all_payments_fen: int) -> int | None:
    """基层医保基金占比: claims and capitation paid to township centres and village clinics over all payments."""
    return share_bp(primary_claims_fen + primary_capitation_fen, all_payments_fen)


def county_domain_visit_rate_bp(in_county_visits: int, out_of_county_visits: int,
                                out_of_area_claims: int) -> int | None:
    """县域内就诊率 = visits inside the county / (those + out-of-county referrals + out-of-area claims)."""
    return share_bp(in_county_visits, in_county_visits + out_of_county_visits + out_of_area_claims)


def default_catalogue(weights: Sequence[int] = (2250, 1800, 1350, 900, 900, 900, 900, 1000)) -> Catalogue:
    """The seeds' indicators with illustrative targets and weights (docs/payment.md marks which is which)."""
    w = list(weights)
    return Catalogue((
        Indicator("county_domain_visit_rate", "县域内就诊率", Source.REFERRAL, Direction.HIGHER, 9000, w[0]),
        Indicator("primary_fund_share", "基层医保基金占比", Source.CLAIMS, Direction.HIGHER, 4000, w[1]),
        Indicator("key_group_coverage", "重点人群签约覆盖率", Source.ROSTER, Direction.HIGHER, 7300, w[2]),
        Indicator("fund_use", "医保基金使用效能", Source.SETTLEMENT, Direction.LOWER, 10000, w[3],
                  ScoringRule.THRESHOLD),
        Indicator("chronic_downward_share", "两慢病下转占比", Source.REFERRAL, Direction.HIGHER, 3000, w[4]),
        Indicator("acceptance_rate", "转诊接收率", Source.REFERRAL, Direction.HIGHER, 9000, w[5]),
        Indicator("median_response_minutes", "转诊响应时间（中位数，分钟）", Source.REFERRAL, Direction.LOWER, 30,
                  w[6]),
        # counted from the claims' main diagnosis; unassessed (weights rescaled) while no claim carries one
        Indicator("chronic_primary_visit_rate", "两慢病患者基层门诊就诊率", Source.CLAIMS, Direction.HIGHER, 6500,
                  w[7]),
    ))
