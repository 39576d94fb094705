"""Quota (编制) arithmetic and the rules a unit's establishment must keep.

Quota of a township centre = floor(service population × per-mille rate / 1000): 38,000 people at
1‰ give 38 posts. Professional-technical posts (专业技术岗位) ≥ 90% of the quota: the unit's policy may
set their number, else it is ceil(quota × 90%), and the other posts are quota − professional posts.
The title caps are shares of the professional-technical posts, not of the quota: senior ≤
floor(posts × 18%) (20% at township centres), intermediate ≤ floor(posts × 42%). Targeted posts
(定向岗位) are floor(posts × 10%) at a township centre, held by seniors and not counted in the senior
cap; people under a seniority exemption (see `seniority.py`) are not counted in their level's cap.
Rounding always goes the way that never lets a unit exceed the policy.
"""
from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, field, fields, replace
from datetime import date
from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum

from platform_common.errors import InvalidInput

BP = 10000


class QuotaRule(StrEnum):
    QUOTA_EXCEEDED = "quota_exceeded"
    PROFESSIONAL_SHARE = "professional_share"
    SENIOR_CAP = "senior_cap"
    INTERMEDIATE_CAP = "intermediate_cap"
    TARGETED_CAP = "targeted_cap"                        # 定向岗位 beyond their share of professional posts
    TARGETED_POST_SENIOR = "targeted_post_senior"        # a targeted post is held by a senior title
    PUBLIC_HEALTH_PHYSICIAN = "public_health_physician"  # a township centre without a 公共卫生医师


@dataclass(frozen=True)
class QuotaPolicy:
    """The rules in force for one unit on one day (settings defaults merged with the unit's row)."""

    quota: int | None              # None: no quota set (e.g. a county hospital without a policy row)
    professional_min_bp: int
    senior_cap_bp: int
    intermediate_cap_bp: int
    targeted_bp: int = 0           # 定向岗位, share of the professional-technical posts
    professional_posts: int | None = None  # set by the unit's policy; None: the minimum share of the quota
    public_health_min: int = 0     # 公共卫生医师 the unit must have on the day


@dataclass(frozen=True)
class CountyPolicy:
    """The county-wide defaults in force on a day: a county version, or else the settings' documented ones."""

    per_mille: Decimal             # township quota: posts per 1000 service population
    professional_min_bp: int
    senior_cap_bp: int
    township_senior_cap_bp: int
    intermediate_cap_bp: int
    effective_from: date | None = None  # None: the settings' defaults
    _: KW_ONLY
    township_targeted_bp: int      # 定向岗位 at township centres, share of professional-technical posts
    public_health_min: int         # 公共卫生医师 per township centre
    seniority_service_years: int   # years of township work of the seniority exemptions
    retirement_window_years: int   # years to statutory retirement of the near-retirement exemption
    village_licence_target_bp: int  # share of village doctors holding a physician licence, the target
    quota_review_years: int        # a unit's quota is reviewed (核定) this often


@dataclass(frozen=True)
class CountyPolicyChange:
    """The values a new county version sets; None keeps the value in force the day before it."""

    per_mille: Decimal | None = None
    professional_min_bp: int | None = None
    senior_cap_bp: int | None = None
    township_senior_cap_bp: int | None = None
    intermediate_cap_bp: int | None = None
    township_targeted_bp: int | None = None
    public_health_min: int | None = None
    seniority_service_years: int | None = None
    retirement_window_years: int | None = None
    village_licence_target_bp: int | None = None
    quota_review_years: int | None = None


def county_version(inherited: CountyPolicy, change: CountyPolicyChange, effective_from: date) -> CountyPolicy:
    """A complete version from `effective_from`: the change over the values it inherits, checked whole."""
    given = {f.name: getattr(change, f.name) for f in fields(change) if getattr(change, f.name) is not None}
    version = replace(inherited, **given, effective_from=effective_from)
    check_county_policy(version)
    return version


def check_county_policy(p: CountyPolicy) -> None:
    """Rules between fields (each field's own range is checked by the request schema)."""
    if p.township_senior_cap_bp < p.senior_cap_bp:
        raise InvalidInput(f"township_senior_cap_bp ({p.township_senior_cap_bp}) must be at least "
                           f"senior_cap_bp ({p.senior_cap_bp}): township centres may have more seniors, not fewer",
                           field="township_senior_cap_bp")
    senior = max(p.senior_cap_bp, p.township_senior_cap_bp)
    if senior + p.intermediate_cap_bp > BP:
        raise InvalidInput(f"senior ({senior}) and intermediate ({p.intermediate_cap_bp}) caps together "
                           f"exceed {BP} basis points of the quota", field="intermediate_cap_bp")


def township_quota(service_population: int, per_mille: Decimal) -> int:
    return int((Decimal(service_population) * per_mille / 1000).to_integral_value(rounding=ROUND_FLOOR))


def floor_bp(quota: int, bp: int) -> int:
    return quota * bp // BP


def ceil_bp(quota: int, bp: int) -> int:
    return -(-quota * bp // BP)


@dataclass(frozen=True)
class Establishment:
    """Head counts of the people a unit's quota holds. `targeted` seniors hold targeted posts (定向岗位);
    `exempt_senior` / `exempt_intermediate` are under a seniority exemption: neither counts in the cap."""

    filled: int = 0
    professional: int = 0
    senior: int = 0
    intermediate: int = 0
    targeted: int = 0
    exempt_senior: int = 0
    exempt_intermediate: int = 0
    public_health: int = 0  # public-health physicians at the unit on the day (not changed by plus/minus)

    @property
    def senior_counted(self) -> int:
        return self.senior - self.targeted - self.exempt_senior

    @property
    def intermediate_counted(self) -> int:
        return self.intermediate - self.exempt_intermediate

    def plus(self, *, professional: bool, title: str, targeted: bool = False, exempt: bool = False,
             sign: int = 1) -> "Establishment":
        senior, intermediate = title == "senior", title == "intermediate"
        return Establishment(
            self.filled + sign,
            self.professional + sign * professional,
            self.senior + sign * senior,
            self.intermediate + sign * intermediate,
            self.targeted + sign * (targeted and senior),
            self.exempt_senior + sign * (exempt and senior and not targeted),
            self.exempt_intermediate + sign * (exempt and intermediate),
            self.public_health,
        )

    def minus(self, *, professional: bool, title: str, targeted: bool = False, exempt: bool = False
              ) -> "Establishment":
        return self.plus(professional=professional, title=title, targeted=targeted, exempt=exempt, sign=-1)


@dataclass(frozen=True)
class Violation:
    rule: QuotaRule
    detail: str


@dataclass(frozen=True)
class QuotaReport:
    quota: int | None
    establishment: Establishment
    professional_min: int | None
    senior_cap: int | None
    intermediate_cap: int | None
    violations: list[Violation] = field(default_factory=list)
    professional_posts: int | None = None  # the base of the title caps
    targeted_posts: int | None = None

    @property
    def vacant(self) -> int | None:
        return None if self.quota is None else max(0, self.quota - self.establishment.filled)


def professional_posts(policy: QuotaPolicy) -> int | None:
    """专业技术岗位总量: the unit's own figure, else the least share of the quota the policy allows."""
    if policy.quota is None:
        return None
    if policy.professional_posts is not None:
        return policy.professional_posts
    return ceil_bp(policy.quota, policy.professional_min_bp)


def report(policy: QuotaPolicy, est: Establishment) -> QuotaReport:
    if policy.quota is None:
        return QuotaReport(None, est, None, None, None, public_health_violations(policy, est))
    q = policy.quota
    prof_min = ceil_bp(q, policy.professional_min_bp)
    posts = professional_posts(policy)
    senior_cap = floor_bp(posts, policy.senior_cap_bp)
    inter_cap = floor_bp(posts, policy.intermediate_cap_bp)
    targeted_posts = floor_bp(posts, policy.targeted_bp)
    non_prof_cap = max(0, q - posts)
    violations = []
    if est.filled > q:
        violations.append(Violation(QuotaRule.QUOTA_EXCEEDED, f"{est.filled} posts filled, quota {q}"))
    non_prof = est.filled - est.professional
    if non_prof > non_prof_cap:
        violations.append(Violation(
            QuotaRule.PROFESSIONAL_SHARE,
            f"{non_prof} non-professional posts; of quota {q}, {posts} are professional-technical posts "
            f"(at least {policy.professional_min_bp / 100:g}% = {prof_min}), leaving {non_prof_cap}"))
    if est.senior_counted > senior_cap:
        violations.append(Violation(
            QuotaRule.SENIOR_CAP,
            f"{est.senior_counted} senior titles counted, cap {policy.senior_cap_bp / 100:g}% of {posts} "
            f"professional-technical posts = {senior_cap}"))
    if est.intermediate_counted > inter_cap:
        violations.append(Violation(
            QuotaRule.INTERMEDIATE_CAP,
            f"{est.intermediate_counted} intermediate titles counted, cap {policy.intermediate_cap_bp / 100:g}% "
            f"of {posts} professional-technical posts = {inter_cap}"))
    if est.targeted > targeted_posts:
        violations.append(Violation(
            QuotaRule.TARGETED_CAP,
            f"{est.targeted} targeted posts held, {policy.targeted_bp / 100:g}% of {posts} "
            f"professional-technical posts = {targeted_posts}"))
    violations += public_health_violations(policy, est)
    return QuotaReport(q, est, prof_min, senior_cap, inter_cap, violations, posts, targeted_posts)


def public_health_violations(policy: QuotaPolicy, est: Establishment) -> list[Violation]:
    if est.public_health >= policy.public_health_min:
        return []
    return [Violation(QuotaRule.PUBLIC_HEALTH_PHYSICIAN,
                      f"{est.public_health} public-health physicians (公共卫生医师) at the unit, at least "
                      f"{policy.public_health_min}")]


def new_violations(policy: QuotaPolicy, before: Establishment, after: Establishment) -> list[Violation]:
    """Rules the change from `before` to `after` breaks or worsens; an already-broken rule that the
    change does not make worse does not block it (e.g. moving a junior nurse into an over-cap unit's
    senior-heavy establishment). A missing public-health physician is reported and announced, never a
    reason to refuse someone else."""
    old = {v.rule for v in report(policy, before).violations}
    worse = []
    for v in report(policy, after).violations:
        if v.rule is QuotaRule.PUBLIC_HEALTH_PHYSICIAN:
            continue
        if v.rule not in old or _worsened(v.rule, before, after):
            worse.append(v)
    return worse


def _worsened(rule: QuotaRule, before: Establishment, after: Establishment) -> bool:
    if rule is QuotaRule.QUOTA_EXCEEDED:
        return after.filled > before.filled
    if rule is QuotaRule.PROFESSIONAL_SHARE:
        return (after.filled - after.professional) > (before.filled - before.professional)
    if rule is QuotaRule.SENIOR_CAP:
        return after.senior_counted > before.senior_counted
    if rule is QuotaRule.TARGETED_CAP:
        return after.targeted > before.targeted
    return after.intermediate_counted > before.intermediate_counted
