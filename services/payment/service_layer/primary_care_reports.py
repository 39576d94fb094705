"""Reports over the roster: the contract fee split of a month, coverage against the target, the census, the
contracts listed."""
from __future__ import annotations

from datetime import date

from platform_common.auth import Principal, Role
from platform_common.errors import Forbidden, InvalidInput
from platform_common.events import utcnow

from ..domain.coverage import ALL_RESIDENTS, ANY_KEY_GROUP, Population, coverage_report
from ..domain.periods import Period
from ..domain.primary_care import FEE_PAYERS, fee_split
from ..domain.roster import KeyGroup, flags_of, groups_of
from ..settings import PaymentSettings
from . import policies
from .access import report_scope, require_consortium_reader, scope
from .roster import view
from .roster_import import roster_units
from .unit_of_work import PaymentUnitOfWork

GROUPS = [ALL_RESIDENTS, ANY_KEY_GROUP, *(g.value for g in KeyGroup)]


def fee_split_report(uow: PaymentUnitOfWork, principal: Principal, settings: PaymentSettings, consortium_id: str,
                     month: str) -> dict:
    """The contract fees of the contracts first paid in the month, split among fund, public-health funds and
    residents per package (the fund's share is what the capitation run booked)."""
    require_consortium_reader(principal, consortium_id)
    period = Period.parse(month)
    if period.kind != "month":
        raise InvalidInput("the fee split is reported per month (YYYY-MM)", field="period")
    version, policy = policies.effective(uow, settings, period.end)
    counts, booked = uow.roster_queries.first_paid(consortium_id, month)
    known = [(o, p, n) for o, p, n in counts if p in policy.primary_care.packages]
    lines = fee_split(policy.primary_care, known)
    totals = {k: sum(getattr(line, k) for line in lines) for k in ("fee_fen", *(f"{p}_fen" for p in FEE_PAYERS))}
    return {"consortium_id": consortium_id, "period": month, "policy_version": version,
            "basis": "contracts first paid by capitation in the month", "lines": [vars(line) for line in lines],
            **totals, "booked_fund_fen": booked}


def coverage(uow: PaymentUnitOfWork, principal: Principal, settings: PaymentSettings, consortium_id: str,
             on: date) -> dict:
    """Contracts in force on a day per unit and group against the target; populations from the unit's census,
    else (all residents only) the registry's service population. A unit's manager sees its own unit's lines."""
    own = report_scope(principal, consortium_id)
    version, policy = policies.effective(uow, settings, on)
    units = [o for o in uow.orgs.all(uow.session, consortium_id) if o.is_primary_unit and own in (None, o.org_id)]
    contracted: dict[tuple[str, str], int] = {}
    for org_id, flags, n in uow.roster_queries.active_by_groups(consortium_id, on):
        keys = [ALL_RESIDENTS] + ([ANY_KEY_GROUP] if flags else []) + [g.value for g in groups_of(flags)]
        for key in keys:
            contracted[(org_id, key)] = contracted.get((org_id, key), 0) + n
    populations = {(o.org_id, ALL_RESIDENTS): Population(o.service_population, "registry")
                   for o in units if o.service_population}
    for org_id, group, people in uow.roster_queries.census([o.org_id for o in units]):
        populations[(org_id, group)] = Population(people, "census")
    target = policy.primary_care.coverage_target_bp
    lines = coverage_report([o.org_id for o in units], GROUPS, contracted, populations, target)
    return {"consortium_id": consortium_id, "on": on, "target_bp": target, "policy_version": version,
            "lines": [vars(line) for line in lines]}


def set_census(uow: PaymentUnitOfWork, principal: Principal, org_id: str, as_of: date,
               populations: dict[str, int]) -> dict:
    units = roster_units(uow, principal)
    if org_id not in units:
        raise Forbidden("not a primary unit whose roster you keep", org_id=org_id)
    now = utcnow()
    uow.roster.set_census([{"org_id": org_id, "group": g, "consortium_id": units[org_id], "people": n,
                            "as_of": as_of, "recorded_by": principal.username, "recorded_at": now}
                           for g, n in sorted(populations.items())])
    uow.commit()
    return {"org_id": org_id, "consortium_id": units[org_id], "as_of": as_of, "populations": dict(populations)}


def list_contracts(uow: PaymentUnitOfWork, principal: Principal, consortium_id: str | None, org_id: str | None,
                   active_on: date | None, limit: int, offset: int, team: str | None = None,
                   key_group: KeyGroup | None = None) -> dict:
    own_consortium, own_org = scope(principal)
    if principal.role is Role.UNIT_MANAGER and org_id and org_id != own_org:
        raise Forbidden("you may only read your own unit's contracts", org_id=org_id)
    total, rows = uow.roster_queries.contracts(own_consortium or consortium_id, own_org or org_id, active_on,
                                               limit, offset, team, flags_of([key_group]) if key_group else None)
    return {"total": total, "limit": limit, "offset": offset, "items": [view(r) for r in rows]}
