"""Exact counts across the services' own databases, and the plumbing's health, after a faulty run."""
from __future__ import annotations

from dataclasses import dataclass

import httpx
from sqlalchemy import create_engine, text

from .workload import Tally


@dataclass
class Counts:
    referrals_upward: int
    referrals_completed: int
    completed_with_fund: int
    completed_fund_fen: int
    out_of_county: int
    out_of_county_with_fund: int
    out_of_county_fund_fen: int
    step_transitions_max: int      # the most times one referral went through one step (1 = none applied twice)
    claims_ref: int
    claims_ref_fen: int
    claims_ooc: int
    claims_ooc_fen: int
    claims_distinct: int
    ledger_sum_fen: int            # all postings of the ledger: 0 when it balances
    ledger_unbalanced_entries: int
    ledger_claims_entries: int
    demand_signals: int
    demand_distinct: int
    postings: int
    capabilities: int
    inbox_rows: int
    outbox_rows: int


def scalar(url: str, sql: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(sql)).scalar() or 0)
    finally:
        engine.dispose()


def counts(urls: dict[str, str]) -> Counts:
    r, p, s = urls["referral"], urls["payment"], urls["staffing"]
    done = "status = 'completed' AND direction = 'upward'"
    return Counts(
        referrals_upward=scalar(r, "SELECT count(*) FROM referrals WHERE direction = 'upward'"),
        referrals_completed=scalar(r, f"SELECT count(*) FROM referrals WHERE {done}"),
        completed_with_fund=scalar(r, f"SELECT count(*) FROM referrals WHERE {done} AND fund_amount_fen > 0"),
        completed_fund_fen=scalar(r, f"SELECT sum(fund_amount_fen) FROM referrals WHERE {done}"),
        out_of_county=scalar(r, "SELECT count(*) FROM referrals WHERE direction = 'out_of_county'"),
        out_of_county_with_fund=scalar(
            r, "SELECT count(*) FROM referrals WHERE direction = 'out_of_county' AND fund_amount_fen > 0"),
        out_of_county_fund_fen=scalar(r, "SELECT sum(fund_amount_fen) FROM referrals WHERE direction = 'out_of_county'"),
        step_transitions_max=scalar(r, "SELECT max(n) FROM (SELECT count(*) AS n FROM referral_transitions "
                                       "GROUP BY referral_id, action) AS t"),
        claims_ref=scalar(p, "SELECT count(*) FROM claims WHERE claim_no LIKE 'REF-%'"),
        claims_ref_fen=scalar(p, "SELECT sum(amount_fen) FROM claims WHERE claim_no LIKE 'REF-%'"),
        claims_ooc=scalar(p, "SELECT count(*) FROM claims WHERE claim_no LIKE 'OOC-%'"),
        claims_ooc_fen=scalar(p, "SELECT sum(amount_fen) FROM claims WHERE claim_no LIKE 'OOC-%'"),
        claims_distinct=scalar(p, "SELECT count(DISTINCT claim_no) FROM claims"),
        ledger_sum_fen=scalar(p, "SELECT coalesce(sum(amount_fen), 0) FROM postings"),
        ledger_unbalanced_entries=scalar(p, "SELECT count(*) FROM (SELECT entry_id FROM postings GROUP BY entry_id "
                                            "HAVING sum(amount_fen) <> 0) AS t"),
        ledger_claims_entries=scalar(p, "SELECT count(*) FROM journal_entries WHERE source_type = 'claim'"),
        demand_signals=scalar(s, "SELECT count(*) FROM demand_signals"),
        demand_distinct=scalar(s, "SELECT count(DISTINCT referral_id) FROM demand_signals"),
        postings=scalar(s, "SELECT count(*) FROM postings WHERE kind = 'secondment'"),
        capabilities=scalar(r, "SELECT count(*) FROM receiving_capabilities"),
        inbox_rows=sum(scalar(u, "SELECT count(*) FROM inbox") for u in (r, p, s)),
        outbox_rows=sum(scalar(u, "SELECT count(*) FROM outbox") for u in (r, p, s)),
    )


def consistent(c: Counts) -> list[str]:
    """What does not match between services (empty when every count agrees)."""
    problems = []

    def same(label: str, a: int, b: int) -> None:
        if a != b:
            problems.append(f"{label}: {a} != {b}")

    same("completed referrals with a fund share vs REF- claims", c.completed_with_fund, c.claims_ref)
    same("fund share of completed referrals vs REF- claims (fen)", c.completed_fund_fen, c.claims_ref_fen)
    same("out-of-county referrals with a fund share vs OOC- claims", c.out_of_county_with_fund, c.claims_ooc)
    same("out-of-county fund share vs OOC- claims (fen)", c.out_of_county_fund_fen, c.claims_ooc_fen)
    same("claims vs ledger claim entries", c.claims_ref + c.claims_ooc, c.ledger_claims_entries)
    same("upward referrals vs staffing demand signals", c.referrals_upward, c.demand_signals)
    same("demand signals vs distinct referrals among them", c.demand_signals, c.demand_distinct)
    same("secondment postings vs referral receiving capabilities", c.postings, c.capabilities)
    same("ledger balance (fen)", c.ledger_sum_fen, 0)
    same("unbalanced journal entries", c.ledger_unbalanced_entries, 0)
    if c.step_transitions_max > 1:
        problems.append(f"a referral went through one step {c.step_transitions_max} times")
    return problems


def against_tally(c: Counts, t: Tally) -> list[str]:
    """Everything the platform accepted is there; nothing beyond what may have been accepted unseen."""
    problems = []
    if not len(t.submitted) <= c.referrals_upward <= len(t.submitted) + t.ambiguous_submits:
        problems.append(f"upward referrals {c.referrals_upward} outside accepted {len(t.submitted)} "
                        f"+ ambiguous {t.ambiguous_submits}")
    if c.referrals_completed != len(t.completed):
        problems.append(f"completed referrals {c.referrals_completed} != completed by the driver {len(t.completed)}")
    with_fund = sum(1 for f in t.completed.values() if f > 0)
    if c.claims_ref != with_fund:
        problems.append(f"REF- claims {c.claims_ref} != completions with a fund share {with_fund}")
    if not len(t.out_of_county) <= c.out_of_county <= len(t.out_of_county) + t.ambiguous_out_of_county:
        problems.append(f"out-of-county {c.out_of_county} outside accepted {len(t.out_of_county)} "
                        f"+ ambiguous {t.ambiguous_out_of_county}")
    if c.postings != len(t.postings):
        problems.append(f"postings {c.postings} != dispatched by the driver {len(t.postings)}")
    return problems


def plumbing(gateway_url: str) -> dict[str, dict]:
    """Outbox backlog and consumer lag of every process, as the gateway's aggregated /health reports them."""
    body = httpx.get(f"{gateway_url}/health", timeout=10).json()
    out = {}
    for name, entry in body["services"].items():
        detail = entry.get("detail") or {}
        consumers = detail.get("consumers", {}).values()
        out[name] = {
            "backlog": detail.get("outbox", {}).get("backlog"),
            "lag": sum(c["lag"] for c in consumers),
            "assigned": all(c["assigned"] for c in consumers),
            "duplicates_skipped": sum(c["duplicates_skipped"] for c in consumers),
            "dead_lettered": sum(c["dead_lettered"] for c in consumers),
            "broker_restarts_detected": detail.get("outbox", {}).get("broker_restarts_detected"),
            "republished": (detail.get("outbox", {}).get("last_replay") or {}).get("rows", 0),
            "unassigned_partitions": sum(len(p) for c in consumers for p in c["unassigned_partitions"].values()),
            "status": entry["status"],
        }
    return out


def drained(p: dict[str, dict]) -> bool:
    return all(v["backlog"] == 0 and v["lag"] == 0 and v["assigned"] and v["status"] == "ok" for v in p.values())


def missing_demand(urls: dict[str, str], limit: int = 10) -> list[dict]:
    """Upward referrals staffing never counted, with their ReferralSubmitted outbox rows: to diagnose a loss."""
    def rows(url: str, sql: str) -> list:
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                return list(conn.execute(text(sql)))
        finally:
            engine.dispose()

    counted = {r[0] for r in rows(urls["staffing"], "SELECT referral_id FROM demand_signals")}
    inbox = {r[0] for r in rows(urls["staffing"], "SELECT event_id FROM inbox")}
    out = []
    for seq, event_id, aggregate_id, created, published in rows(
            urls["referral"], "SELECT seq, event_id, aggregate_id, created_at, published_at FROM outbox "
                              "WHERE event_type = 'ReferralSubmitted' ORDER BY seq"):
        if aggregate_id not in counted:
            out.append({"seq": seq, "event_id": event_id, "referral_id": aggregate_id, "created_at": str(created),
                        "published_at": str(published), "in_staffing_inbox": event_id in inbox})
    return out[:limit]
