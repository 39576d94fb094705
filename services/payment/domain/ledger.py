"""Double-entry ledger (财务一本账): every money movement is a journal entry summing to zero.

Accounts: `fund:<consortium>` the insurance fund's outpatient pool for the consortium;
`consortium:<consortium>` the consortium's bundle account; `unit:<org>` each member unit;
`external:<consortium>` providers outside the consortium (out-of-area and out-of-county care).
Sign convention: + is money flowing into the account, − out of it. A posting is never
changed; corrections are new entries.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from .claims import ClaimKind
from .settlement import SettlementOutcome


class UnbalancedEntry(AssertionError):
    """An entry whose postings do not sum to zero: a defect of the code that built it, never of the caller's
    input (every entry is built here from amounts that balance), so the HTTP layer answers 500."""


def fund_account(consortium_id: str) -> str:
    return f"fund:{consortium_id}"


def consortium_account(consortium_id: str) -> str:
    return f"consortium:{consortium_id}"


def unit_account(org_id: str) -> str:
    return f"unit:{org_id}"


def external_account(consortium_id: str) -> str:
    return f"external:{consortium_id}"


def account_kind(code: str) -> str:
    return code.split(":", 1)[0]


@dataclass(frozen=True)
class Posting:
    account: str
    amount_fen: int
    period: str | None = None


@dataclass(frozen=True)
class JournalEntry:
    consortium_id: str
    source_type: str  # claim | claim_upload | advance | capitation | settlement | distribution
    source_id: str
    description: str
    postings: tuple[Posting, ...]

    def __post_init__(self) -> None:
        postings = tuple(p for p in self.postings if p.amount_fen != 0)
        object.__setattr__(self, "postings", postings)
        total = sum(p.amount_fen for p in postings)
        if total != 0:
            raise UnbalancedEntry(f"entry {self.source_type}:{self.source_id} sums to {total}, not 0")

    @property
    def is_empty(self) -> bool:
        return not self.postings


def _payee(consortium_id: str, kind: ClaimKind, org_id: str) -> str:
    return unit_account(org_id) if kind is ClaimKind.MEMBER_OUTPATIENT else external_account(consortium_id)


def claims_entry(consortium_id: str, source_type: str, source_id: str,
                 lines: Iterable[tuple[str, ClaimKind, str, int]]) -> JournalEntry:
    """Claims paid out of the bundle: lines are (org_id, kind, period, amount_fen), one per claim
    or pre-aggregated per unit, kind and month for a bulk upload."""
    postings = []
    for org_id, kind, period, amount in lines:
        postings.append(Posting(consortium_account(consortium_id), -amount, period))
        postings.append(Posting(_payee(consortium_id, kind, org_id), amount, period))
    return JournalEntry(consortium_id, source_type, source_id, "claims paid from the outpatient bundle",
                        tuple(postings))


def advance_entry(consortium_id: str, source_id: str, period: str, amount_fen: int) -> JournalEntry:
    return JournalEntry(consortium_id, "advance", source_id, f"monthly advance (预拨) {period}", (
        Posting(fund_account(consortium_id), -amount_fen, period),
        Posting(consortium_account(consortium_id), amount_fen, period),
    ))


def capitation_entry(consortium_id: str, source_id: str, org_id: str, period: str, amount_fen: int) -> JournalEntry:
    return JournalEntry(consortium_id, "capitation", source_id, f"capitation (按人头付费) {period}", (
        Posting(consortium_account(consortium_id), -amount_fen, period),
        Posting(unit_account(org_id), amount_fen, period),
    ))


def settlement_entry(consortium_id: str, settlement_id: str, period: str, outcome: SettlementOutcome,
                     advanced_fen: int) -> JournalEntry:
    """Tops the advances up to the period budget, returns the unretained surplus to the fund,
    and has the fund pay its share of an overspend."""
    fund, bundle = fund_account(consortium_id), consortium_account(consortium_id)
    top_up = outcome.budget_fen - advanced_fen
    from_fund = top_up - outcome.returned_to_fund_fen + outcome.fund_share_fen
    return JournalEntry(consortium_id, "settlement", settlement_id, f"settlement {period}", (
        Posting(fund, -from_fund, period),
        Posting(bundle, from_fund, period),
    ))


def distribution_entry(consortium_id: str, settlement_id: str, period: str,
                       rows: Iterable[tuple[str, str, int]]) -> JournalEntry:
    postings = []
    for org_id, _purpose, amount in rows:
        postings.append(Posting(consortium_account(consortium_id), -amount, period))
        postings.append(Posting(unit_account(org_id), amount, period))
    return JournalEntry(consortium_id, "distribution", settlement_id,
                        f"retained surplus distributed {period}", tuple(postings))
