"""Quota policy resolution, the quota report, and the quota check every establishment change runs."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from platform_common.auth import OrgKind, Principal
from platform_common.errors import Conflict, Forbidden, InvalidInput, NotFound
from platform_common.events import utcnow
from platform_common.org_directory import Organisation

from ..adapters.repository_quota import QuotaOverrideSeen
from ..adapters.tables import QuotaOverride, QuotaPolicyRow
from ..domain.county_pool import lent_on
from ..domain.quota import (CountyPolicy, QuotaPolicy, QuotaReport, QuotaRule, Violation, new_violations, report,
                            township_quota)
from ..settings import StaffingSettings
from .access import is_bureau_hr, require_bureau_hr, require_reader_of_all, require_unit_reader
from .post_counts import (ExemptHolder, PostHolding, announce_violation, check_professional_posts, check_targeted,
                          counted, county_defaults, public_health_min, settings_defaults)
from .unit_of_work import StaffingUnitOfWork

STAFFED_KINDS = (OrgKind.COUNTY_HOSPITAL, OrgKind.TOWNSHIP_CENTRE)


def staffed_unit(uow: StaffingUnitOfWork, org_id: str, field: str) -> Organisation:
    org = uow.orgs.get(uow.session, org_id)
    if org is None:
        raise InvalidInput(f"unknown organisation {org_id}", field=field)
    if org.kind not in STAFFED_KINDS:
        raise InvalidInput(f"{org_id} is a {org.kind.value}; county-pool staff are posted to county hospitals "
                           "and township centres", field=field)
    return org


@dataclass(frozen=True)
class ResolvedPolicy:
    policy: QuotaPolicy
    unit_policy_from: date | None    # the unit's own row in force, if any
    county_policy_from: date | None  # the county version in force, if any (else the settings)
    county: CountyPolicy             # the county rules in force (the exemptions' numbers)
    lent: int = 0                    # posts lent out that day, net of those borrowed (already in the quota)


def resolve_policy(uow: StaffingUnitOfWork, settings: StaffingSettings, org: Organisation,
                   as_of: date) -> ResolvedPolicy:
    """Field by field: the unit's own row in force on `as_of`, else the county version in force on
    `as_of`, else the settings (a unit row that only fixes the quota keeps the county's caps)."""
    row = uow.quota.unit_policy(org.org_id, as_of)
    county = county_defaults(uow, settings, as_of)
    township = org.kind is OrgKind.TOWNSHIP_CENTRE
    per_mille = Decimal(row.per_mille) if row and row.per_mille else county.per_mille
    if row and row.quota is not None:
        quota = row.quota
    elif township and org.service_population is not None:
        quota = township_quota(org.service_population, per_mille)
    else:
        quota = None
    # 编制统筹: posts lent to another unit leave this one's quota for the loan's days; borrowed ones join it
    lent = lent_on(org.org_id, uow.pool.binding(org.org_id), as_of)
    if quota is not None:
        quota = max(0, quota - lent)
    senior_default = county.township_senior_cap_bp if township else county.senior_cap_bp

    def pick(value: int | None, default: int) -> int:
        return default if value is None else value

    policy = QuotaPolicy(
        quota,
        pick(row and row.professional_min_bp, county.professional_min_bp),
        pick(row and row.senior_cap_bp, senior_default),
        pick(row and row.intermediate_cap_bp, county.intermediate_cap_bp),
        targeted_bp=pick(row and row.targeted_bp, county.township_targeted_bp if township else 0),
        professional_posts=row.professional_posts if row else None,
        public_health_min=public_health_min(county, org),
    )
    return ResolvedPolicy(policy, row.effective_from if row else None, county.effective_from, county, lent)


def policy_for(uow: StaffingUnitOfWork, settings: StaffingSettings, org: Organisation, as_of: date) -> QuotaPolicy:
    return resolve_policy(uow, settings, org, as_of).policy


def violations_on(uow: StaffingUnitOfWork, settings: StaffingSettings, org: Organisation, day: date) -> list[Violation]:
    """The rules `org` breaks on `day`: its establishment expected then against the policy in force then."""
    resolved = resolve_policy(uow, settings, org, day)
    return report(resolved.policy, counted(uow, settings, resolved.county, org, day).establishment).violations


@dataclass(frozen=True)
class UnitQuota:
    org: Organisation
    as_of: date
    policy: QuotaPolicy
    report: QuotaReport
    unit_policy_from: date | None = None
    county_policy_from: date | None = None
    exempt: list[ExemptHolder] = field(default_factory=list)  # outside their level's cap, with the reason


def quota_report(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, org_id: str,
                 as_of: date) -> UnitQuota:
    require_unit_reader(principal, settings, org_id)
    org = uow.orgs.get(uow.session, org_id)
    if org is None:
        raise NotFound(f"no organisation {org_id}")
    resolved = resolve_policy(uow, settings, org, as_of)
    now = counted(uow, settings, resolved.county, org, as_of)
    return UnitQuota(org, as_of, resolved.policy, report(resolved.policy, now.establishment),
                     resolved.unit_policy_from, resolved.county_policy_from, now.exempt)


def policies_from(uow: StaffingUnitOfWork, settings: StaffingSettings, org: Organisation,
                  start: date) -> list[tuple[date, QuotaPolicy]]:
    """The policy in force on `start` and each later effective-dated one (the unit's own rows and the
    county versions): a change from `start` on has to keep them all (a quota already cut from next
    month binds an admission made today)."""
    dates = [r.effective_from for r in uow.quota.unit_policies(org.org_id)]
    dates += [v.effective_from for v in uow.quota.county_policies()]
    # a loan the unit makes lowers its quota from the loan's first day (a borrower's posts are its own to use:
    # the pool report shows what it must give back)
    dates += [loan.period.start for loan in uow.pool.binding(org.org_id) if loan.lender == org.org_id]
    later = sorted({d for d in dates if d > start})
    return [(day, policy_for(uow, settings, org, day)) for day in [start, *later]]


def check_admission(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal,
                    org: Organisation, start: date, *, holding: PostHolding, staff_id: str,
                    override_reason: str | None, replacing: PostHolding | None = None,
                    what: str = "posting") -> list[Violation]:
    """Refuse adding one person to `org`'s establishment from `start` if that breaks a quota rule,
    naming the rule, unless the health bureau overrides it with a reason; an override is recorded
    and announced. Counted: everyone established there on `start` or later (see
    `QuotaRepository.establishment`), against every policy in force from `start` on.
    `replacing` is the post the person already fills there (a promotion); `what` names the refused
    change in the message ("posting", "title change")."""
    check_targeted(holding)
    uow.quota.lock_unit(org.org_id)
    before = counted(uow, settings, county_defaults(uow, settings, start), org, start, onward=True).establishment
    after = before
    if replacing:
        after = after.minus(professional=replacing.professional, title=replacing.title, targeted=replacing.targeted,
                            exempt=replacing.exempt)
    after = after.plus(professional=holding.professional, title=holding.title, targeted=holding.targeted,
                       exempt=holding.exempt)
    violations: list[Violation] = []
    for day, policy in policies_from(uow, settings, org, start):
        for v in new_violations(policy, before, after):
            if v.rule not in {seen.rule for seen in violations}:
                violations.append(v if day == start else Violation(v.rule, f"{v.detail} (policy from {day})"))
    if not violations:
        return []
    if not override_reason:
        raise Conflict(
            f"{what} refused: " + "; ".join(f"{v.rule.value} ({v.detail})" for v in violations),
            rules=[v.rule.value for v in violations], org_id=org.org_id,
            violations=[{"rule": v.rule.value, "detail": v.detail} for v in violations],
            hint="the health bureau's HR office may override with override_reason")
    if not is_bureau_hr(principal):
        raise Forbidden("only the health bureau's HR office may override quota rules",
                        rules=[v.rule.value for v in violations])
    for v in violations:
        uow.quota.add_override(QuotaOverride(org_id=org.org_id, staff_id=staff_id, rule=v.rule.value, detail=v.detail,
                                   reason=override_reason, decided_by=principal.username, created_at=utcnow()))
        announce_violation(uow, org.org_id, v, override_reason)
    return violations


@dataclass(frozen=True)
class UnitPolicyChange:
    """A unit's own effective-dated policy: each value left None is taken from the county version in force."""

    quota: int | None = None            # an absolute quota, wins over per_mille
    per_mille: Decimal | None = None
    professional_min_bp: int | None = None
    senior_cap_bp: int | None = None
    intermediate_cap_bp: int | None = None
    professional_posts: int | None = None  # 专业技术岗位总量, the caps' base
    targeted_bp: int | None = None      # 定向岗位 share of the professional posts


def set_policy(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, org_id: str,
               change: UnitPolicyChange, effective_from: date, reason: str, today: date) -> QuotaPolicyRow:
    """Add an effective-dated policy row; if it leaves the unit breaking a rule, say so (detected)."""
    require_bureau_hr(principal)
    org = staffed_unit(uow, org_id, "org_id")
    if any(r.effective_from == effective_from for r in uow.quota.unit_policies(org_id)):
        raise Conflict(f"{org_id} already has a policy effective {effective_from.isoformat()}",
                       field="effective_from", state="exists")
    row = QuotaPolicyRow(org_id=org_id, effective_from=effective_from, reason=reason,
                         created_by=principal.username, created_at=utcnow(),
                         per_mille=str(change.per_mille) if change.per_mille is not None else None,
                         quota=change.quota, professional_min_bp=change.professional_min_bp,
                         senior_cap_bp=change.senior_cap_bp, intermediate_cap_bp=change.intermediate_cap_bp,
                         professional_posts=change.professional_posts, targeted_bp=change.targeted_bp)
    uow.quota.add_unit_policy(row)
    check_professional_posts(policy_for(uow, settings, org, effective_from))
    # A row in force now is checked against today's establishment; a future one against the
    # establishment expected on its first day (later transfers in count, transfers out do not).
    day = max(today, effective_from)
    for v in violations_on(uow, settings, org, day):
        if v.rule is QuotaRule.PUBLIC_HEALTH_PHYSICIAN:
            continue  # a unit row does not bear on it (announced when a physician leaves, or the county rule rises)
        announce_violation(uow, org_id, v if day == today else Violation(v.rule, f"{v.detail} (from {day})"), None)
    uow.commit()
    return row


def unit_policies(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal,
                  org_id: str) -> list[QuotaPolicyRow]:
    require_unit_reader(principal, settings, org_id)
    return uow.quota.unit_policies(org_id)


def consortium_report(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal,
                      as_of: date) -> list[UnitQuota]:
    """Every staffed unit's quota report on `as_of`."""
    require_reader_of_all(principal, settings, "consortium quota reports")
    units = [o for o in uow.orgs.all(uow.session) if o.kind in STAFFED_KINDS]
    return [quota_report(uow, settings, principal, o.org_id, as_of) for o in units]


def overrides(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal,
              org_id: str) -> list[QuotaOverrideSeen]:
    """The health bureau's overrides of the unit's quota rules, newest first: who was let in, which rule, why."""
    require_unit_reader(principal, settings, org_id)
    return uow.quota.overrides(org_id)
