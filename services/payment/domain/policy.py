"""The fund-year policy: how surplus is retained, overspend shared, capitation paid, score built.

Versioned per fund year and effective-dated (the service stores the versions); the defaults
come from settings (illustrative numbers, documented in docs/payment.md). All rates are integer basis points.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal

from platform_common.errors import InvalidInput

from .appraisal import Catalogue, default_catalogue
from .money import BP
from .primary_care import PrimaryCarePolicy

PURPOSES = ("performance_pay", "talent_training", "specialty_building")
DISTRIBUTION_BASES = ("claims_amount", "enrolled_residents", "appraisal_score")


class PolicyError(InvalidInput):
    """A policy version whose numbers do not hold together: the field and why."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message, field=field_name)


@dataclass(frozen=True)
class ScoreWeights:
    """Weights (bp, summing to 10000) and targets of the performance score; see performance.py."""

    fund_use_bp: int = 4000
    county_domain_bp: int = 4000
    acceptance_bp: int = 1000
    chronic_downward_bp: int = 1000
    county_domain_target_bp: int = 9000
    chronic_downward_target_bp: int = 3000
    overspend_penalty_points_per_pct: int = 5


@dataclass(frozen=True)
class FundPolicy:
    # (minimum score, retention ratio bp), highest band first; a score below every band keeps 0.
    retention_bands: tuple[tuple[int, int], ...]
    overspend_tolerance_bp: int
    fund_share_within_tolerance_bp: int
    split_bp: dict[str, int]
    capitation_fen_per_resident_month: int
    distribution_basis: str
    score: ScoreWeights = field(default_factory=ScoreWeights)
    primary_care: PrimaryCarePolicy = field(default_factory=PrimaryCarePolicy)
    appraisal: Catalogue = field(default_factory=default_catalogue)

    def __post_init__(self) -> None:
        bands = tuple(sorted(((int(s), int(r)) for s, r in self.retention_bands), reverse=True))
        object.__setattr__(self, "retention_bands", bands)
        self.validate()

    def validate(self) -> None:
        if not self.retention_bands:
            raise PolicyError("retention_bands", "at least one band is needed")
        for min_score, ratio in self.retention_bands:
            if not 0 <= min_score <= 100:
                raise PolicyError("retention_bands", "band scores must be within 0..100")
            if not 0 <= ratio <= BP:
                raise PolicyError("retention_bands", "retention ratios must be within 0..10000 bp")
        if len({s for s, _ in self.retention_bands}) != len(self.retention_bands):
            raise PolicyError("retention_bands", "two bands start at the same score")
        ratios = [r for _, r in self.retention_bands]
        if ratios != sorted(ratios, reverse=True):
            raise PolicyError("retention_bands", "a higher score band may not retain less")
        for name in ("overspend_tolerance_bp", "fund_share_within_tolerance_bp"):
            if not 0 <= getattr(self, name) <= BP:
                raise PolicyError(name, "must be within 0..10000 bp")
        if set(self.split_bp) != set(PURPOSES) or any(v < 0 for v in self.split_bp.values()):
            raise PolicyError("split_bp", f"needs exactly {', '.join(PURPOSES)}, each ≥ 0")
        if sum(self.split_bp.values()) != BP:
            raise PolicyError("split_bp", "the three shares must add up to 10000 bp")
        if self.capitation_fen_per_resident_month < 0:
            raise PolicyError("capitation_fen_per_resident_month", "must be ≥ 0")
        if self.distribution_basis not in DISTRIBUTION_BASES:
            raise PolicyError("distribution_basis", f"one of {', '.join(DISTRIBUTION_BASES)}")
        s = self.score
        weights = (s.fund_use_bp, s.county_domain_bp, s.acceptance_bp, s.chronic_downward_bp)
        if any(w < 0 for w in weights) or sum(weights) != BP:
            raise PolicyError("score", "score weights must be ≥ 0 and add up to 10000 bp")
        if s.county_domain_target_bp <= 0 or s.chronic_downward_target_bp <= 0:
            raise PolicyError("score", "targets must be positive")
        if s.overspend_penalty_points_per_pct < 0:
            raise PolicyError("score", "overspend penalty must be ≥ 0")
        self.primary_care.validate()
        self.appraisal.validate()

    def retention_ratio_bp(self, score: Decimal) -> int:
        """结余留用比例: the ratio of the highest band whose minimum the score reaches."""
        for min_score, ratio in self.retention_bands:
            if score >= min_score:
                return ratio
        return 0

    def to_dict(self) -> dict:
        data = asdict(self)
        data["retention_bands"] = [list(b) for b in self.retention_bands]
        data["primary_care"] = self.primary_care.to_dict()
        data["appraisal"] = self.appraisal.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "FundPolicy":
        data = dict(data)
        data["retention_bands"] = tuple(tuple(b) for b in data["retention_bands"])
        data["score"] = ScoreWeights(**data.get("score", {}))
        # a version saved before the roster existed has neither part (services read it over the defaults)
        data["primary_care"] = PrimaryCarePolicy.from_dict(data.get("primary_care", {}))
        data["appraisal"] = Catalogue.from_dict(data["appraisal"]) if "appraisal" in data else default_catalogue()
        return cls(**data)
