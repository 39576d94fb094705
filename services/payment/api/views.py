"""Response builders: what the use cases return, shaped as the routes' response models (schemas_*.py) declare.
Days and instants stay `date` and `datetime`; the response models write them in the platform's one form."""
from __future__ import annotations

from typing import Any

from fastapi import Response

from ..adapters.queries_claims import ClaimPage
from ..domain.budget import monthly_schedule, settled_months
from ..domain.periods import month_code
from ..service_layer.budgets import BudgetState
from ..service_layer.policies import PolicyInForce

CLAIM_FIELDS = ("claim_no", "kind", "org_id", "consortium_id", "amount_fen", "service_date", "period", "late",
                "source", "upload_id", "recorded_by", "recorded_at", "diagnosis_code")


def budget(state: BudgetState) -> dict[str, Any]:
    row = state.row
    closed = settled_months(state.settled)
    schedule = []
    for month, amount in enumerate(monthly_schedule(row.total_fen, state.settled), start=1):
        code = month_code(row.fund_year, month)
        advance = state.advances.get(code)
        schedule.append({"month": code, "scheduled_fen": amount, "settled": month in closed,
                         "paid_fen": advance["amount_fen"] if advance else None,
                         "paid_at": advance["paid_at"] if advance else None})
    return {
        "budget_id": row.budget_id, "consortium_id": row.consortium_id, "fund_year": row.fund_year,
        "version": row.version,
        "composition": {
            "enrolled_population": row.enrolled_population, "per_capita_fen": row.per_capita_fen,
            "population_part_fen": row.enrolled_population * row.per_capita_fen,
            "out_of_area_reserve_fen": row.out_of_area_reserve_fen, "adjustments_fen": row.adjustments_fen,
        },
        "total_fen": row.total_fen, "note": row.note, "created_by": row.created_by, "created_at": row.created_at,
        "adjustments": [{k: a[k] for k in ("delta_fen", "total_after_fen", "reason", "adjusted_by", "adjusted_at")}
                        for a in state.adjustments],
        "advance_schedule": schedule,
    }


def claim(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in CLAIM_FIELDS}


def policy_in_force(found: PolicyInForce) -> dict[str, Any]:
    return {"on": found.on, "version": found.version,
            "source": "settings defaults" if found.version == 0 else "policy version", "policy": found.policy.to_dict()}


def indicators_received(consortium_id: str, period: str, row: dict[str, Any] | None) -> dict[str, Any]:
    return {"consortium_id": consortium_id, "period": period, "indicators": row["payload"] if row else None,
            "received_at": row["occurred_at"] if row else None}


def upload_not_done(recon_id: str, upload: dict[str, Any]) -> dict[str, Any]:
    """A reconciliation whose file was not read to the end (failed, or still running in another process)."""
    return {"recon_id": recon_id, "status": upload["status"], "failure": upload["failure"],
            "filename": upload["filename"], "file_format": upload["file_format"], "size_bytes": upload["size_bytes"],
            "progress": {"phase": upload["status"], "fraction": None, "rows": 0}}


def claim_page(page: ClaimPage, limit: int, offset: int) -> dict[str, Any]:
    return {"total": page.total, "amount_fen": page.amount_fen, "limit": limit, "offset": offset,
            "items": [claim(r) for r in page.items]}


def submitted(response: Response, respond_async: bool, job: dict[str, Any], location: str) -> dict[str, Any]:
    """An upload's answer: its report (201), or with `Prefer: respond-async` 202 and where to ask for progress."""
    if respond_async:
        response.status_code = 202
        response.headers["Location"] = location
    return job
