"""Reading settlements: the statement (JSON and CSV), distributions, ledger balances."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from platform_common.auth import Principal
from platform_common.clock import iso_instant
from platform_common.errors import NotFound

from ..adapters.statement_workbook import statement_workbook
from .access import require_consortium_reader, scope
from .settlement import require_settlement
from .unit_of_work import PaymentUnitOfWork


def statement(uow: PaymentUnitOfWork, principal: Principal, settlement_id: str) -> dict:
    row = require_settlement(uow, settlement_id)
    require_consortium_reader(principal, row["consortium_id"])
    dist = uow.settlement_queries.distributions(settlement_id=settlement_id)
    names = {o.org_id: o.name for o in uow.orgs.all(uow.session, row["consortium_id"])}
    no_claims = not row["by_kind"]  # claims are > 0 fen: no amount by kind means no claim at all
    notes = [f"no claims were recorded in {row['period']}: the spending is capitation only"] if no_claims else []
    return row | {
        "no_claims": no_claims, "notes": notes,
        "distributions": [{"org_id": r["org_id"], "org_name": names.get(r["org_id"]), "purpose": r["purpose"],
                           "basis": r["basis"], "weight": r["weight"], "amount_fen": r["amount_fen"]} for r in dist],
        "journal_entries": uow.ledger_queries.settlement_entries(settlement_id),
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
    return uow.settlement_queries.closed(consortium_id)


def list_distributions(uow: PaymentUnitOfWork, principal: Principal, consortium_id: str | None,
                       org_id: str | None, period: str | None) -> list[dict]:
    own_consortium, own_org = scope(principal)
    return uow.settlement_queries.distributions(consortium_id=own_consortium or consortium_id,
                                                org_id=own_org or org_id, period=period)


def balances(uow: PaymentUnitOfWork, principal: Principal, consortium_id: str, as_of: date | None,
             tz: ZoneInfo) -> dict:
    """Balance of every account of the consortium at the end of the local day `as_of`, by SQL SUM."""
    require_consortium_reader(principal, consortium_id)
    end_of_day = None if as_of is None else \
        datetime.combine(as_of + timedelta(days=1), time.min, tzinfo=tz).astimezone(timezone.utc)
    items = uow.ledger_queries.balances(consortium_id, end_of_day)
    return {"consortium_id": consortium_id, "as_of": as_of, "accounts": items,
            "total_fen": sum(i["balance_fen"] for i in items)}


def postings(uow: PaymentUnitOfWork, principal: Principal, account: str, limit: int, offset: int) -> dict:
    found = uow.ledger_queries.account(account)
    if found is None:
        raise NotFound("no such account", account=account)
    require_consortium_reader(principal, found["consortium_id"])
    total, items = uow.ledger_queries.postings(account, limit, offset)
    return {"account": account, "total": total, "limit": limit, "offset": offset, "items": items}
