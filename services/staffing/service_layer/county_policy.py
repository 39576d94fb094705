"""County-wide default quota policies, effective-dated (the bureau re-verifies quotas every 3 or 5 years).

A version is complete: fields left out of a new version keep the values in force the day before it.
A version may be replaced only until it takes effect; from then on quota reports and admissions were
decided under it, so a correction is a new version with a later date.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.exc import IntegrityError

from platform_common.auth import Principal
from platform_common.errors import Conflict, InvalidInput
from platform_common.events import utcnow

from ..adapters.tables import CountyQuotaPolicy
from ..domain.quota import BP, Violation
from ..settings import StaffingSettings
from .access import require_bureau_hr
from .quota import COUNTY_FIELDS, STAFFED_KINDS, announce_violation, county_defaults, violations_on
from .unit_of_work import StaffingUnitOfWork



@dataclass(frozen=True)
class SetResult:
    row: CountyQuotaPolicy
    created: bool
    units_in_breach: list[str]


def validate(values: dict) -> None:
    """Rules between fields (each field's own range is checked by the request schema)."""
    if values["township_senior_cap_bp"] < values["senior_cap_bp"]:
        raise InvalidInput(f"township_senior_cap_bp ({values['township_senior_cap_bp']}) must be at least "
                           f"senior_cap_bp ({values['senior_cap_bp']}): township centres may have more seniors, "
                           "not fewer", field="township_senior_cap_bp")
    senior = max(values["senior_cap_bp"], values["township_senior_cap_bp"])
    if senior + values["intermediate_cap_bp"] > BP:
        raise InvalidInput(f"senior ({senior}) and intermediate ({values['intermediate_cap_bp']}) caps together "
                           f"exceed {BP} basis points of the quota", field="intermediate_cap_bp")


def set_version(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, effective_from: date,
                values: dict, reason: str, today: date) -> SetResult:
    require_bureau_hr(principal)
    existing = uow.session.get(CountyQuotaPolicy, effective_from)
    if existing is not None and effective_from <= today:
        raise Conflict(f"the county quota policy version from {effective_from.isoformat()} is in force; a version "
                       "is never rewritten once in force (reports and admissions were decided under it): put the "
                       "correction as a new version with a later effective_from",
                       field="effective_from", state="in_force")
    if effective_from < today:
        raise Conflict(f"a county quota policy version cannot start in the past ({effective_from.isoformat()}): "
                       "reports and admissions up to today were decided under the versions then in force",
                       field="effective_from", state="past")
    inherited = county_defaults(uow, settings, effective_from - timedelta(days=1)).values()
    merged = {k: inherited[k] if values.get(k) is None else values[k] for k in COUNTY_FIELDS}
    validate(merged)
    units = [o for o in uow.orgs.all(uow.session) if o.kind in STAFFED_KINDS]
    broken_before = {o.org_id: {v.rule for v in violations_on(uow, settings, o, effective_from)} for o in units}
    columns = {**merged, "per_mille": str(merged["per_mille"]), "reason": reason,
               "created_by": principal.username, "created_at": utcnow()}
    if existing is None:
        row = CountyQuotaPolicy(effective_from=effective_from, **columns)
        uow.repo.add(row)
    else:
        row = existing
        for key, value in columns.items():
            setattr(row, key, value)
    try:
        uow.session.flush()
    except IntegrityError as e:  # two bureau officers creating the same date at once
        raise Conflict(f"a county quota policy version from {effective_from.isoformat()} was just created; "
                       "reload and try again", field="effective_from", state="exists") from e
    # Announce only what this version breaks that the one it follows did not (a version from a later
    # day is checked against the establishment expected on its first day).
    in_breach = []
    for org in units:
        new = [v for v in violations_on(uow, settings, org, effective_from) if v.rule not in broken_before[org.org_id]]
        for v in new:
            detail = v.detail if effective_from == today else f"{v.detail} (county policy from {effective_from})"
            announce_violation(uow, org.org_id, Violation(v.rule, detail), None)
        if new:
            in_breach.append(org.org_id)
    return SetResult(row, existing is None, in_breach)

