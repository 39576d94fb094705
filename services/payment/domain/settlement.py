"""Settlement of a period (结算): budget against spending, surplus retained or overspend shared.

Surplus (结余留用): balance = budget − actual ≥ 0. The consortium keeps
  retained = balance × retention ratio of the performance band (ROUND_HALF_UP);
the rest goes back to the fund. The retained amount is split by purpose (performance pay,
talent training, specialty building) with the largest-remainder rule.
Overspend (超支分担): overspend = actual − budget > 0. Inside the tolerance band
  (budget × tolerance bp) the fund bears `fund_share_within_tolerance_bp` of it; the part
beyond the band is borne by the consortium entirely.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from platform_common.errors import Conflict, InvalidInput

from .claims import ClaimKind
from .money import allocate, apply_bp
from .policy import PURPOSES, FundPolicy


@dataclass(frozen=True)
class SettlementOutcome:
    budget_fen: int
    actual_fen: int
    balance_fen: int              # surplus > 0, overspend < 0
    retention_ratio_bp: int
    retained_fen: int             # surplus kept by the consortium
    returned_to_fund_fen: int     # surplus given back to the fund
    tolerance_fen: int            # overspend the band covers
    fund_share_fen: int           # overspend the fund pays
    consortium_share_fen: int     # overspend the consortium bears
    split: dict[str, int]         # retained by purpose


@dataclass(frozen=True)
class PeriodFigures:
    """A period's budget against its spending (claims of every kind + capitation), what was advanced for it,
    and each member unit's member-outpatient claims (the default distribution basis)."""

    budget_id: str
    budget_fen: int
    by_kind: dict[str, int]          # claims by kind, sorted by kind
    member_amounts: dict[str, int]   # member-outpatient claims by unit
    claims_fen: int
    capitation_fen: int
    actual_fen: int
    advanced_fen: int

    @classmethod
    def of(cls, *, budget_id: str, budget_fen: int, claims: dict[tuple[str, str], int], capitation_fen: int,
           advanced_fen: int) -> "PeriodFigures":
        """From the claims summed by (kind, unit): a few dozen grouped sums, never the claims themselves."""
        by_kind: dict[str, int] = {}
        member_amounts: dict[str, int] = {}
        for (kind, org), amount in claims.items():
            by_kind[kind] = by_kind.get(kind, 0) + amount
            if kind == ClaimKind.MEMBER_OUTPATIENT:
                member_amounts[org] = amount
        claims_fen = sum(by_kind.values())
        return cls(budget_id, budget_fen, dict(sorted(by_kind.items())), member_amounts, claims_fen, capitation_fen,
                   claims_fen + capitation_fen, advanced_fen)


def settle(budget_fen: int, actual_fen: int, score: Decimal, policy: FundPolicy) -> SettlementOutcome:
    if budget_fen < 0 or actual_fen < 0:
        raise InvalidInput("budget and spending cannot be negative", field="budget_fen",
                           budget_fen=budget_fen, actual_fen=actual_fen)
    balance = budget_fen - actual_fen
    tolerance = apply_bp(budget_fen, policy.overspend_tolerance_bp)
    if balance >= 0:
        ratio = policy.retention_ratio_bp(score)
        retained = apply_bp(balance, ratio)
        parts = allocate(retained, [policy.split_bp[p] for p in PURPOSES])
        return SettlementOutcome(budget_fen, actual_fen, balance, ratio, retained, balance - retained,
                                 tolerance, 0, 0, dict(zip(PURPOSES, parts)))
    overspend = -balance
    within = min(overspend, tolerance)
    fund_share = apply_bp(within, policy.fund_share_within_tolerance_bp)
    return SettlementOutcome(budget_fen, actual_fen, balance, 0, 0, 0, tolerance, fund_share,
                             overspend - fund_share, {p: 0 for p in PURPOSES})


def distribute(split: dict[str, int], weights: dict[str, int]) -> list[tuple[str, str, int]]:
    """Retained surplus to member units: each purpose's amount in proportion to the weights.

    Returns (org_id, purpose, amount_fen) rows with non-zero amounts; for each purpose they
    add up exactly to its amount. Weights are ordered by org id so rounding is reproducible.
    """
    orgs = sorted(o for o, w in weights.items() if w > 0)
    if not orgs:
        if any(split.values()):
            raise Conflict("no member unit to distribute the retained surplus to", field="period")
        return []
    rows = []
    for purpose in PURPOSES:
        amount = split.get(purpose, 0)
        if amount == 0:
            continue
        for org, part in zip(orgs, allocate(amount, [weights[o] for o in orgs])):
            if part:
                rows.append((org, purpose, part))
    return rows
