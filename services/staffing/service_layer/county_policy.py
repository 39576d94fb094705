"""County-wide default quota policies, effective-dated (the bureau re-verifies quotas every 3 or 5 years).

A version is complete: fields left out of a new version keep the values in force the day before it.
A version may be replaced only until it takes effect; from then on quota reports and admissions were
decided under it, so a correction is a new version with a later date.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from platform_common.auth import Principal
from platform_common.errors import Conflict
from platform_common.events import utcnow

from ..adapters.tables import CountyQuotaPolicy
from ..domain.quota import CountyPolicy, CountyPolicyChange, Violation, county_version
from ..settings import StaffingSettings
from .access import require_bureau_hr
from .quota import STAFFED_KINDS, announce_violation, county_defaults, settings_defaults, violations_on
from .unit_of_work import StaffingUnitOfWork


@dataclass(frozen=True)
class SetResult:
    row: CountyQuotaPolicy
    created: bool
    in_force: bool              # in force today (a version from a later day is not yet)
    units_in_breach: list[str]


@dataclass(frozen=True)
class CountyVersions:
    """The settings' documented defaults (in force before the first version) and every version, oldest first."""

    settings: CountyPolicy
    versions: list[CountyQuotaPolicy]
    in_force_from: date | None  # the version in force today, if any


def versions(uow: StaffingUnitOfWork, settings: StaffingSettings, today: date) -> CountyVersions:
    """The county's rules are public to every staffing role (the gateway admits them)."""
    rows = uow.quota.county_policies()
    current = max((r.effective_from for r in rows if r.effective_from <= today), default=None)
    return CountyVersions(settings_defaults(settings), rows, current)


def set_version(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, effective_from: date,
                change: CountyPolicyChange, reason: str, today: date) -> SetResult:
    require_bureau_hr(principal)
    existing = uow.quota.county_version(effective_from)
    if existing is not None and effective_from <= today:
        raise Conflict(f"the county quota policy version from {effective_from.isoformat()} is in force; a version "
                       "is never rewritten once in force (reports and admissions were decided under it): put the "
                       "correction as a new version with a later effective_from",
                       field="effective_from", state="in_force")
    if effective_from < today:
        raise Conflict(f"a county quota policy version cannot start in the past ({effective_from.isoformat()}): "
                       "reports and admissions up to today were decided under the versions then in force",
                       field="effective_from", state="past")
    version = county_version(county_defaults(uow, settings, effective_from - timedelta(days=1)), change,
                             effective_from)
    units = [o for o in uow.orgs.all(uow.session) if o.kind in STAFFED_KINDS]
    broken_before = {o.org_id: {v.rule for v in violations_on(uow, settings, o, effective_from)} for o in units}
    row = uow.quota.save_county_version(version, reason, principal.username, utcnow())
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
    uow.commit()
    return SetResult(row, existing is None, effective_from <= today, in_breach)
