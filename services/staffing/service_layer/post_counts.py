"""What a unit's establishment counts on a day against its caps: the head counts (in SQL), the seniors in
targeted posts, the people under a seniority exemption with the reason, and its public-health physicians.
A public-health physician leaving a township centre with none is announced as a quota violation."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from platform_common.auth import OrgKind
from platform_common.contracts import STAFFING_TOPIC, Specialty, StaffingEvent
from platform_common.org_directory import Organisation

from platform_common.errors import Conflict, InvalidInput

from ..adapters.tables import Staff
from ..domain.model import PHYSICIANS, TitleLevel
from ..domain.quota import CountyPolicy, Establishment, QuotaPolicy, QuotaRule, Violation, ceil_bp
from ..domain.seniority import Exemption, SeniorityRules, exemption_on, years_in_days
from ..settings import StaffingSettings
from .unit_of_work import StaffingUnitOfWork


def settings_defaults(settings: StaffingSettings) -> CountyPolicy:
    return CountyPolicy(settings.township_quota_per_mille, settings.professional_min_bp, settings.senior_cap_bp,
                        settings.township_senior_cap_bp, settings.intermediate_cap_bp,
                        township_targeted_bp=settings.township_targeted_bp, public_health_min=settings.public_health_min,
                        seniority_service_years=settings.seniority_service_years,
                        retirement_window_years=settings.retirement_window_years,
                        village_licence_target_bp=settings.village_licence_target_bp,
                        quota_review_years=settings.quota_review_years)


def county_defaults(uow: StaffingUnitOfWork, settings: StaffingSettings, as_of: date) -> CountyPolicy:
    """The county version in force on `as_of`, or else the settings' documented defaults."""
    return uow.quota.county_policy(as_of) or settings_defaults(settings)


@dataclass(frozen=True)
class ExemptHolder:
    """A person not counted in their level's cap on the day, and why (never a silent override)."""

    staff_id: str
    name: str
    title_level: str
    exemption: Exemption
    reason: str


@dataclass(frozen=True)
class CountedEstablishment:
    establishment: Establishment
    exempt: list[ExemptHolder]


def seniority_rules(county: CountyPolicy, settings: StaffingSettings) -> SeniorityRules:
    return SeniorityRules(county.seniority_service_years, county.retirement_window_years,
                          settings.statutory_retirement_age_years)


def counted(uow: StaffingUnitOfWork, settings: StaffingSettings, county: CountyPolicy, org: Organisation, day: date,
            *, onward: bool = False) -> CountedEstablishment:
    """The establishment on `day` (with `onward`, everyone established there on `day` or later) as the caps
    count it, under the county rules in force on `day`."""
    rules = seniority_rules(county, settings)
    base = uow.quota.establishment(org.org_id, day, onward=onward)
    needed = timedelta(days=years_in_days(rules.service_years))
    since = day - needed if day > date.min + needed else date.min
    exempt = []
    for record in uow.quota.seniority_candidates(org.org_id, day, onward=onward, served_since=since):
        s = record.staff
        found = exemption_on(day, title=s.title_level, professional=True, spells=record.spells, gained=record.gained,
                             date_of_birth=s.date_of_birth, retirement_age_years=s.retirement_age_years, rules=rules)
        if found:
            exempt.append(ExemptHolder(s.staff_id, s.name, s.title_level, found.exemption, found.reason))
    est = replace(base, exempt_senior=sum(h.title_level == "senior" for h in exempt),
                  exempt_intermediate=sum(h.title_level == "intermediate" for h in exempt),
                  public_health=0 if onward else uow.quota.public_health_physicians(org.org_id, day))
    return CountedEstablishment(est, exempt)


def announce_violation(uow: StaffingUnitOfWork, org_id: str, v: Violation, override_reason: str | None) -> None:
    uow.record(STAFFING_TOPIC, StaffingEvent.QUOTA_VIOLATION_DETECTED, "unit_quota", org_id, {
        "org_id": org_id, "rule": v.rule.value, "detail": v.detail,
        "overridden": override_reason is not None, "override_reason": override_reason,
    }, org_id=org_id)


def after_public_health_change(uow: StaffingUnitOfWork, settings: StaffingSettings, staff: Staff, org_id: str,
                               day: date, before: int) -> None:
    """Announce a township centre left without its public-health physicians from `day` by a change to
    `staff` (a transfer out, a posting away): `before` was counted ahead of the change."""
    if staff.specialty != Specialty.PUBLIC_HEALTH or staff.qualification not in PHYSICIANS:
        return
    org = uow.orgs.get(uow.session, org_id)
    if org is None:
        return
    uow.session.flush()
    gap = public_health_gap(uow, county_defaults(uow, settings, day), org, day, before)
    if gap:
        announce_violation(uow, org_id, gap, None)


def public_health_min(county: CountyPolicy, org: Organisation) -> int:
    return county.public_health_min if org.kind is OrgKind.TOWNSHIP_CENTRE else 0


def public_health_gap(uow: StaffingUnitOfWork, county: CountyPolicy, org: Organisation, day: date,
                      before: int) -> Violation | None:
    """After a change that may take a public-health physician away from `org` from `day`: the violation to
    announce if it leaves the centre below the minimum it met before (`before`, counted ahead of the change)."""
    need = public_health_min(county, org)
    after = uow.quota.public_health_physicians(org.org_id, day)
    if after >= need or before < need:
        return None
    return Violation(QuotaRule.PUBLIC_HEALTH_PHYSICIAN,
                     f"{after} public-health physicians (公共卫生医师) at {org.org_id} from {day.isoformat()}, "
                     f"at least {need}")


@dataclass(frozen=True)
class PostHolding:
    """The post a person fills (or will): targeted (定向岗位) or under a seniority exemption, outside the cap."""

    professional: bool
    title: str
    targeted: bool = False
    exempt: bool = False


def check_targeted(holding: PostHolding, field_name: str = "targeted_post") -> None:
    """A targeted post (定向岗位) is for a professional holding a senior title."""
    if holding.targeted and not (holding.professional and holding.title == TitleLevel.SENIOR):
        raise Conflict(f"a targeted post (定向岗位) is held by a professional-technical senior; this person is "
                       f"{holding.title}" + ("" if holding.professional else ", not professional-technical"),
                       field=field_name, rules=[QuotaRule.TARGETED_POST_SENIOR.value])


def check_professional_posts(policy: QuotaPolicy) -> None:
    """A unit's professional-technical posts lie between the least share of its quota and the quota itself."""
    posts = policy.professional_posts
    if posts is None:
        return
    if policy.quota is None:
        raise InvalidInput("professional_posts needs a quota to be a share of", field="professional_posts")
    least = ceil_bp(policy.quota, policy.professional_min_bp)
    if not least <= posts <= policy.quota:
        raise InvalidInput(f"professional_posts ({posts}) must lie between {least} (at least "
                           f"{policy.professional_min_bp / 100:g}% of the quota) and the quota {policy.quota}",
                           field="professional_posts")
