"""Primary-care payment (基层): capitation over the contract roster and the family-doctor contract fee split.

**Capitation** (门诊统筹按人头付费) of a month: every contract active in the month (roster.active_in_month) is paid
once, `rate × weight` rounded half up to the fen, where the weight is that of the contract's key groups in the
policy: the highest weight among its groups (a diabetic hypertensive elder is one resident, paid once, at the
weight of the group that costs most), 10000 bp when it has none or no group has a weight.

**Contract fee** (家庭医生签约服务费) of a package, per contract and year, is shared by the insurance fund, the
basic public-health funds (基本公共卫生服务经费) and the resident: the three shares are split from the fee by
their basis points with the largest remainder rule, so they add up to the fee, fen for fen.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from platform_common.errors import InvalidInput

from .money import BP, allocate, apply_bp
from .roster import BIT, KeyGroup

FEE_PAYERS = ("fund", "public_health", "resident")


@dataclass(frozen=True)
class PackageFee:
    """A service package's contract fee per contract and year, and who pays which share of it (bp)."""

    fee_fen_per_year: int
    fund_bp: int
    public_health_bp: int
    resident_bp: int

    def shares(self) -> dict[str, int]:
        """The fee split into the payers' shares, in fen; they add up to the fee."""
        parts = allocate(self.fee_fen_per_year, [self.fund_bp, self.public_health_bp, self.resident_bp]) \
            if self.fee_fen_per_year else [0, 0, 0]
        return dict(zip(FEE_PAYERS, parts))


@dataclass(frozen=True)
class PrimaryCarePolicy:
    """The roster's part of the fund-year policy (versioned with it)."""

    key_group_weights_bp: Mapping[str, int] = field(default_factory=dict)
    packages: Mapping[str, PackageFee] = field(default_factory=dict)
    coverage_target_bp: int = 7300

    def validate(self, prefix: str = "primary_care") -> None:
        for code, weight in self.key_group_weights_bp.items():
            if code not in KeyGroup.__members__.values():
                raise InvalidInput(f"{code!r} is not a key group", field=f"{prefix}.key_group_weights_bp")
            if not 0 <= weight <= 10 * BP:
                raise InvalidInput("a key-group weight is within 0..100000 bp", field=f"{prefix}.key_group_weights_bp")
        for code, p in self.packages.items():
            where = f"{prefix}.packages.{code}"
            if p.fee_fen_per_year < 0:
                raise InvalidInput("the fee is ≥ 0 fen", field=where)
            shares = (p.fund_bp, p.public_health_bp, p.resident_bp)
            if any(s < 0 for s in shares) or sum(shares) != BP:
                raise InvalidInput("fund, public-health and resident shares are ≥ 0 and add up to 10000 bp",
                                   field=where)
        if not 0 < self.coverage_target_bp <= BP:
            raise InvalidInput("the coverage target is within 1..10000 bp", field=f"{prefix}.coverage_target_bp")

    def weight_bp(self, flags: int) -> int:
        weights = [w for g, w in self.key_group_weights_bp.items() if flags & BIT[KeyGroup(g)]]
        return max(weights) if weights else BP

    def to_dict(self) -> dict:
        return {"key_group_weights_bp": dict(self.key_group_weights_bp),
                "packages": {c: vars(p) | {} for c, p in self.packages.items()},
                "coverage_target_bp": self.coverage_target_bp}

    @classmethod
    def from_dict(cls, data: Mapping) -> "PrimaryCarePolicy":
        return cls(dict(data.get("key_group_weights_bp", {})),
                   {c: PackageFee(**p) for c, p in data.get("packages", {}).items()},
                   data.get("coverage_target_bp", 7300))


def contract_amount(rate_fen: int, flags: int, policy: PrimaryCarePolicy) -> int:
    """One contract's capitation for one month."""
    return apply_bp(rate_fen, policy.weight_bp(flags))


@dataclass(frozen=True)
class UnitCapitation:
    org_id: str
    contracts: int
    amount_fen: int


def capitation_by_unit(rate_fen: int, policy: PrimaryCarePolicy,
                       counts: Iterable[tuple[str, int, int]]) -> list[UnitCapitation]:
    """Units' capitation from (org_id, key-group flags, contracts) counts: the sum of each contract's amount."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for org_id, flags, n in counts:
        totals[org_id][0] += n
        totals[org_id][1] += n * contract_amount(rate_fen, flags, policy)
    return [UnitCapitation(o, n, a) for o, (n, a) in sorted(totals.items())]


def contracts_to_pay(active: Iterable[str], paid: set[str]) -> list[str]:
    """The contracts a run for a month pays: those active and not yet paid for the month (never twice)."""
    return sorted(set(active) - paid)


@dataclass(frozen=True)
class FeeSplitLine:
    org_id: str
    package: str
    contracts: int
    fee_fen: int
    fund_fen: int
    public_health_fen: int
    resident_fen: int


def fee_split(policy: PrimaryCarePolicy, counts: Iterable[tuple[str, str, int]]) -> list[FeeSplitLine]:
    """The contract fees of (org_id, package, contracts) split among the payers; each line's shares add up to its
    fee because each contract's do."""
    lines = []
    for org_id, package, n in sorted(counts):
        p = policy.packages[package]
        s = p.shares()
        lines.append(FeeSplitLine(org_id, package, n, n * p.fee_fen_per_year, n * s["fund"],
                                  n * s["public_health"], n * s["resident"]))
    return lines


def capitation_run_entry(consortium_id: str, run_id: str, month: str,
                         units: Iterable[tuple[str, int]]) -> "JournalEntry":
    """A run's payments out of the bundle: one posting pair per unit (capitation and the fee's fund share)."""
    from .ledger import JournalEntry, Posting, consortium_account, unit_account

    postings = []
    for org_id, amount in units:
        postings.append(Posting(consortium_account(consortium_id), -amount, month))
        postings.append(Posting(unit_account(org_id), amount, month))
    return JournalEntry(consortium_id, "capitation", run_id, f"capitation (按人头付费) {month} from the roster",
                        tuple(postings))
