"""The ledger: every journal entry sums to zero, whatever the inputs."""
from collections import defaultdict
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from services.payment.domain.claims import ClaimKind
from services.payment.domain.ledger import (JournalEntry, Posting, UnbalancedEntry, advance_entry, capitation_entry,
                                            claims_entry, consortium_account, distribution_entry, fund_account,
                                            settlement_entry)
from services.payment.domain.settlement import distribute, settle
from services.payment.settings import PaymentSettings

DEFAULT = PaymentSettings().default_policy()
UNITS = ["county-peoples-hospital", "dachang-thc", "luoping-thc"]


def test_an_unbalanced_entry_cannot_be_built():
    with pytest.raises(UnbalancedEntry):
        JournalEntry("wushan", "claim", "X", "bad", (Posting("fund:wushan", -5), Posting("unit:a", 4)))


claim_lines = st.lists(st.tuples(st.sampled_from(UNITS), st.sampled_from(list(ClaimKind)), st.just("2026-03"),
                                 st.integers(1, 10**9)), max_size=30)


@settings(max_examples=150)
@given(advances=st.lists(st.integers(0, 10**10), max_size=3), claims=claim_lines,
       capitation=st.lists(st.tuples(st.sampled_from(UNITS[1:]), st.integers(0, 10**8)), max_size=3),
       budget=st.integers(0, 10**11), score=st.decimals(0, 100, places=2))
def test_every_entry_and_the_whole_ledger_sum_to_zero(advances, claims, capitation, budget, score):
    entries = [advance_entry("wushan", f"a{i}", "2026-03", a) for i, a in enumerate(advances)]
    entries += [claims_entry("wushan", "claim", f"c{i}", [line]) for i, line in enumerate(claims)]
    entries.append(claims_entry("wushan", "claim_upload", "u1", claims))
    entries += [capitation_entry("wushan", f"k{i}", org, "2026-03", amt) for i, (org, amt) in enumerate(capitation)]
    actual = 2 * sum(c[3] for c in claims) + sum(amt for _, amt in capitation)
    outcome = settle(budget, actual, score, DEFAULT)
    entries.append(settlement_entry("wushan", "s1", "2026-03", outcome, sum(advances)))
    weights = defaultdict(int)
    for org, kind, _, amount in claims:
        if kind is ClaimKind.MEMBER_OUTPATIENT:
            weights[org] += amount
    rows = distribute(outcome.split, dict(weights) or {u: 1 for u in UNITS}) if outcome.retained_fen else []
    entries.append(distribution_entry("wushan", "s1", "2026-03", rows))

    balances = defaultdict(int)
    for entry in entries:
        assert sum(p.amount_fen for p in entry.postings) == 0
        for p in entry.postings:
            balances[p.account] += p.amount_fen
    assert sum(balances.values()) == 0
    # After settlement and distribution the bundle account holds exactly the consortium's own loss.
    assert balances[consortium_account("wushan")] == -outcome.consortium_share_fen
    # The fund paid the budget, less the surplus it got back, plus its share of an overspend.
    assert -balances[fund_account("wushan")] == budget - outcome.returned_to_fund_fen + outcome.fund_share_fen


def test_settlement_entry_of_the_worked_example():
    outcome = settle(100_000_000, 92_000_000, Decimal("88"), DEFAULT)
    entry = settlement_entry("wushan", "s1", "2026", outcome, advanced_fen=90_000_000)
    # 10,000,000 not yet advanced, less 1,600,000 surplus returned: the fund pays 8,400,000 more.
    assert {p.account: p.amount_fen for p in entry.postings} == {"fund:wushan": -8_400_000,
                                                                 "consortium:wushan": 8_400_000}
