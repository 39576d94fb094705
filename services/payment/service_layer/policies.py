"""Fund-year policy versions: effective-dated, append-only, never reaching back into a closed period."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from platform_common.auth import Principal
from platform_common.errors import Conflict, InvalidInput
from platform_common.events import utcnow
from platform_common.web import require_role

from ..domain.policy import FundPolicy
from ..settings import PaymentSettings
from .access import READERS, require_manager
from .unit_of_work import PaymentUnitOfWork


@dataclass(frozen=True)
class PolicyInForce:
    on: date
    version: int  # 0: the settings' defaults
    policy: FundPolicy


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
    for part in ("score", "primary_care"):
        if params.get(part) is not None:
            merged[part] = settings.default_policy().to_dict()[part] | params[part]
    try:
        policy = FundPolicy.from_dict(merged)  # PolicyError (422 naming the field) when the numbers disagree
    except (TypeError, ValueError) as e:
        raise InvalidInput(str(e), field="params") from None
    uow.locks.policy_change()  # before the check: a settlement being closed finishes first
    closed = uow.settlements.last_in_year(fund_year)
    if closed and effective_from.strftime("%Y-%m") <= closed["last_month"]:
        raise Conflict(f"period {closed['period']} of {closed['consortium_id']} is settled and would fall under "
                       f"this version; it must take effect after {closed['last_month']}", field="effective_from",
                       state="closed", settled_period=closed["period"], consortium_id=closed["consortium_id"],
                       last_closed_month=closed["last_month"])
    row = {"policy_id": str(uuid.uuid4()), "fund_year": fund_year, "version": uow.policies.next_version(fund_year),
           "effective_from": effective_from, "params": policy.to_dict(), "reason": reason,
           "created_by": principal.username, "created_at": utcnow()}
    uow.policies.add(row)  # KeyTaken (409) when another version of the year took the number meanwhile
    uow.commit()
    return row


def list_versions(uow: PaymentUnitOfWork, principal: Principal, fund_year: int) -> list[dict]:
    require_role(principal, *READERS)
    return uow.policies.versions(fund_year)


def effective(uow: PaymentUnitOfWork, settings: PaymentSettings, on: date) -> tuple[int, FundPolicy]:
    """(version, policy) in force on a date: the latest version effective by then, else the defaults (0)."""
    row = uow.policies.in_force(on)
    if row is None:
        return 0, settings.default_policy()
    # a version saved before a part of the policy existed takes that part from the defaults
    return row["version"], FundPolicy.from_dict(settings.default_policy().to_dict() | row["params"])


def in_force(uow: PaymentUnitOfWork, principal: Principal, settings: PaymentSettings, on: date) -> PolicyInForce:
    require_role(principal, *READERS)
    version, policy = effective(uow, settings, on)
    return PolicyInForce(on, version, policy)
