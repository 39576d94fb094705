"""Fund-year policy versions: effective-dated, append-only, never reaching back into a closed period."""
from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from platform_common.auth import Principal
from platform_common.errors import Conflict, InvalidInput
from platform_common.events import utcnow
from platform_common.web import require_role

from ..adapters import tables as t
from ..adapters.repository import hold_for_policy_change
from ..domain.policy import FundPolicy, PolicyError
from ..settings import PaymentSettings
from .access import READERS, require_manager
from .unit_of_work import PaymentUnitOfWork


def create_version(uow: PaymentUnitOfWork, principal: Principal, settings: PaymentSettings, *, fund_year: int,
                   effective_from: date, params: dict, reason: str) -> dict:
    """A new version applies to settlements of periods ending on or after `effective_from`.

    It may not take effect inside or before a period already settled in that fund year, so
    changing a policy never rewrites a closed period.
    """
    require_manager(principal)
    if effective_from.year != fund_year:
        raise InvalidInput("effective_from must lie in the fund year", field="effective_from")
    merged = settings.default_policy().to_dict() | {k: v for k, v in params.items() if v is not None}
    if "score" in params and params["score"] is not None:
        merged["score"] = settings.default_policy().to_dict()["score"] | params["score"]
    try:
        policy = FundPolicy.from_dict(merged)
    except PolicyError as e:
        raise InvalidInput(str(e), field=e.field) from None
    except (TypeError, ValueError) as e:
        raise InvalidInput(str(e), field="params") from None
    hold_for_policy_change(uow.session)  # before the check: a settlement being closed finishes first
    closed = last_settled(uow, fund_year)
    if closed and effective_from.strftime("%Y-%m") <= closed["last_month"]:
        raise Conflict(f"period {closed['period']} of {closed['consortium_id']} is settled and would fall under "
                       f"this version; it must take effect after {closed['last_month']}", field="effective_from",
                       state="closed", settled_period=closed["period"], consortium_id=closed["consortium_id"],
                       last_closed_month=closed["last_month"])
    version = uow.session.execute(select(func.coalesce(func.max(t.policies.c.version), 0)).where(
        t.policies.c.fund_year == fund_year)).scalar_one() + 1
    row = {"policy_id": str(uuid.uuid4()), "fund_year": fund_year, "version": version,
           "effective_from": effective_from, "params": policy.to_dict(), "reason": reason,
           "created_by": principal.username, "created_at": utcnow()}
    try:
        uow.session.execute(insert(t.policies).values(**row))
        uow.commit()
    except IntegrityError:
        uow.rollback()
        raise Conflict("another version was saved at the same time; reload and try again") from None
    return row


def last_settled(uow: PaymentUnitOfWork, fund_year: int) -> dict | None:
    """The settled period of the fund year ending last, any consortium (a version applies to all)."""
    s = t.settlements
    row = uow.session.execute(select(s.c.period, s.c.consortium_id, s.c.last_month).where(
        s.c.first_month >= f"{fund_year:04d}-01", s.c.last_month <= f"{fund_year:04d}-12",
    ).order_by(s.c.last_month.desc(), s.c.period).limit(1)).first()
    return dict(row._mapping) if row else None


def list_versions(uow: PaymentUnitOfWork, principal: Principal, fund_year: int) -> list[dict]:
    require_role(principal, *READERS)
    rows = uow.session.execute(select(t.policies).where(t.policies.c.fund_year == fund_year)
                               .order_by(t.policies.c.version))
    return [dict(r._mapping) for r in rows]


def effective(uow: PaymentUnitOfWork, settings: PaymentSettings, on: date) -> tuple[int, FundPolicy]:
    """(version, policy) in force on a date: the latest version effective by then, else the defaults (0)."""
    row = uow.session.execute(select(t.policies).where(
        t.policies.c.fund_year == on.year, t.policies.c.effective_from <= on,
    ).order_by(t.policies.c.effective_from.desc(), t.policies.c.version.desc()).limit(1)).first()
    if row is None:
        return 0, settings.default_policy()
    return row.version, FundPolicy.from_dict(row.params)
