"""Reading settlements: the statement (JSON and CSV), distributions, ledger balances."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from platform_common.auth import Principal
from platform_common.clock import iso_instant
from platform_common.errors import NotFound

from ..adapters import tables as t
from ..adapters.statement_workbook import statement_workbook
from .access import require_consortium_reader, scope
from .settlement import require_settlement
from .unit_of_work import PaymentUnitOfWork


def statement(uow: PaymentUnitOfWork, principal: Principal, settlement_id: str) -> dict:
    row = require_settlement(uow, settlement_id)
    require_consortium_reader(principal, row["consortium_id"])
    d = t.distributions
    dist = uow.session.execute(select(d).where(d.c.settlement_id == settlement_id).order_by(d.c.org_id, d.c.purpose))
    entries = uow.session.execute(select(t.journal_entries.c.entry_id, t.journal_entries.c.source_type).where(
        t.journal_entries.c.source_type.in_(("settlement", "distribution")),
        t.journal_entries.c.source_id == settlement_id))
    names = {o.org_id: o.name for o in uow.directory.all(uow.session, row["consortium_id"])}
    no_claims = not row["by_kind"]  # claims are > 0 fen: no amount by kind means no claim at all
    notes = [f"no claims were recorded in {row['period']}: the spending is capitation only"] if no_claims else []
    return row | {
        "no_claims": no_claims, "notes": notes,
        "distributions": [{"org_id": r.org_id, "org_name": names.get(r.org_id), "purpose": r.purpose,
                           "basis": r.basis, "weight": r.weight, "amount_fen": r.amount_fen} for r in dist],
        "journal_entries": {source: entry_id for entry_id, source in entries},
    }


SUMMARY_KEYS = ("settlement_id", "consortium_id", "period", "budget_fen", "claims_fen", "capitation_fen",
                "actual_fen", "advanced_fen", "balance_fen", "performance_score", "score_source",
                "retention_ratio_bp", "retained_fen", "returned_to_fund_fen", "tolerance_fen", "fund_share_fen",
                "consortium_share_fen", "policy_version", "closed_by", "closed_at")
DISTRIBUTION_FIELDS = ["org_id", "org_name", "purpose", "basis", "weight", "amount_fen"]


def statement_tables(view: dict) -> tuple[list[list], list[list]]:
    """The statement as two tables, shared by CSV and XLSX: (item, value, yuan) — every amount in fen with
    the same in yuan beside it — then the distributions with the units' names and yuan."""
    summary: list[list] = [["item", "value", "yuan"]]
    summary += [_amount_row(key, view[key]) for key in SUMMARY_KEYS]
    summary += [_amount_row(f"claims_fen.{kind}", amount) for kind, amount in sorted(view["by_kind"].items())]
    summary += [_amount_row(f"retained_fen.{purpose}", amount) for purpose, amount in view["split"].items()]
    summary += [["note", note] for note in view["notes"]]
    rows = [DISTRIBUTION_FIELDS + ["amount_yuan"]]
    rows += [[r[k] for k in DISTRIBUTION_FIELDS] + [yuan(r["amount_fen"])] for r in view["distributions"]]
    return summary, rows


def yuan(fen: int) -> Decimal:
    """Fen as yuan with exactly two decimals (exact: 1 yuan = 100 fen)."""
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


def _amount_row(key: str, value) -> list:  # noqa: ANN001
    if key.split(".")[0].endswith("_fen") and isinstance(value, int):
        return [key, value, yuan(value)]
    # counts and basis points stay numbers; instants (in the platform's one form) and decimal scores become text
    if value is None or isinstance(value, int):
        return [key, value]
    return [key, iso_instant(value) if isinstance(value, datetime) else str(value)]


def statement_csv(view: dict) -> str:
    summary, rows = statement_tables(view)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerows(summary)
    w.writerow([])
    w.writerows(rows)
    return out.getvalue()


def statement_xlsx(view: dict) -> bytes:
    return statement_workbook(view)


def list_settlements(uow: PaymentUnitOfWork, principal: Principal, consortium_id: str) -> list[dict]:
    require_consortium_reader(principal, consortium_id)
    s = t.settlements
    rows = uow.session.execute(select(s.c.settlement_id, s.c.period, s.c.first_month, s.c.last_month, s.c.budget_fen,
                                      s.c.actual_fen, s.c.balance_fen, s.c.performance_score, s.c.retained_fen,
                                      s.c.policy_version, s.c.closed_at)
                               .where(s.c.consortium_id == consortium_id).order_by(s.c.first_month, s.c.period))
    return [dict(r._mapping) for r in rows]


def list_distributions(uow: PaymentUnitOfWork, principal: Principal, consortium_id: str | None,
                       org_id: str | None, period: str | None) -> list[dict]:
    own_consortium, own_org = scope(principal)
    d = t.distributions
    query = select(d).order_by(d.c.period, d.c.org_id, d.c.purpose)
    for column, value in ((d.c.consortium_id, own_consortium or consortium_id), (d.c.org_id, own_org or org_id),
                          (d.c.period, period)):
        if value:
            query = query.where(column == value)
    return [dict(r._mapping) for r in uow.session.execute(query)]


def balances(uow: PaymentUnitOfWork, principal: Principal, consortium_id: str, as_of: date | None,
             tz: ZoneInfo) -> dict:
    """Balance of every account of the consortium at the end of the local day `as_of`, by SQL SUM."""
    require_consortium_reader(principal, consortium_id)
    a, p = t.accounts, t.postings
    joined = p.c.account_code == a.c.code
    if as_of:
        end_of_day = datetime.combine(as_of + timedelta(days=1), time.min, tzinfo=tz).astimezone(timezone.utc)
        joined = joined & (p.c.posted_at < end_of_day)
    query = (select(a.c.code, a.c.kind, a.c.org_id, func.coalesce(func.sum(p.c.amount_fen), 0))
             .select_from(a.outerjoin(p, joined)).where(a.c.consortium_id == consortium_id)
             .group_by(a.c.code, a.c.kind, a.c.org_id).order_by(a.c.code))
    items = [{"account": code, "kind": kind, "org_id": org, "balance_fen": int(bal)}
             for code, kind, org, bal in uow.session.execute(query)]
    return {"consortium_id": consortium_id, "as_of": as_of, "accounts": items,
            "total_fen": sum(i["balance_fen"] for i in items)}


def postings(uow: PaymentUnitOfWork, principal: Principal, account: str, limit: int, offset: int) -> dict:
    a = uow.session.execute(select(t.accounts).where(t.accounts.c.code == account)).first()
    if a is None:
        raise NotFound("no such account", account=account)
    require_consortium_reader(principal, a.consortium_id)
    p, j = t.postings, t.journal_entries
    total = uow.session.execute(select(func.count()).where(p.c.account_code == account)).scalar_one()
    rows = uow.session.execute(
        select(p.c.posting_id, p.c.entry_id, p.c.amount_fen, p.c.period, p.c.posted_at, j.c.source_type,
               j.c.source_id, j.c.description).join(j, j.c.entry_id == p.c.entry_id)
        .where(p.c.account_code == account).order_by(p.c.posting_id).limit(limit).offset(offset))
    return {"account": account, "total": total, "limit": limit, "offset": offset,
            "items": [dict(r._mapping) for r in rows]}
