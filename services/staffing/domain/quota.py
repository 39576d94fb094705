"""Quota (编制) arithmetic and the rules a unit's establishment must keep.

Quota of a township centre = floor(service population × per-mille rate / 1000): 38,000 people at
1‰ give 38 posts. Professional-technical posts ≥ 90% of the quota, i.e. at most
quota − ceil(quota × 90%) other posts; senior titles ≤ floor(quota × 18%) (20% at township
centres), intermediate ≤ floor(quota × 42%). Caps and minimums are taken against the quota
(岗位总量), rounding in the direction that never lets a unit exceed the policy.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
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


@dataclass(frozen=True)
class QuotaPolicy:
    """The rules in force for one unit on one day (settings defaults merged with the unit's row)."""

    quota: int | None              # None: no quota set (e.g. a county hospital without a policy row)
    professional_min_bp: int
    senior_cap_bp: int
    intermediate_cap_bp: int


@dataclass(frozen=True)
class CountyPolicy:
    """The county-wide defaults in force on a day: a county version, or else the settings' documented ones."""

    per_mille: Decimal             # township quota: posts per 1000 service population
    professional_min_bp: int
    senior_cap_bp: int
    township_senior_cap_bp: int
    intermediate_cap_bp: int
    effective_from: date | None = None  # None: the settings' defaults


@dataclass(frozen=True)
class CountyPolicyChange:
    """The values a new county version sets; None keeps the value in force the day before it."""

    per_mille: Decimal | None = None
    professional_min_bp: int | None = None
    senior_cap_bp: int | None = None
    township_senior_cap_bp: int | None = None
    intermediate_cap_bp: int | None = None


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
    """Head counts of the people a unit's quota holds."""

    filled: int = 0
    professional: int = 0
    senior: int = 0
    intermediate: int = 0

    def plus(self, *, professional: bool, title: str) -> "Establishment":
        return Establishment(
            self.filled + 1,
            self.professional + professional,
            self.senior + (title == "senior"),
            self.intermediate + (title == "intermediate"),
        )


    def minus(self, *, professional: bool, title: str) -> "Establishment":
        return Establishment(
            self.filled - 1,
            self.professional - professional,
            self.senior - (title == "senior"),
            self.intermediate - (title == "intermediate"),
        )


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

    @property
    def vacant(self) -> int | None:
        return None if self.quota is None else max(0, self.quota - self.establishment.filled)


def report(policy: QuotaPolicy, est: Establishment) -> QuotaReport:
    if policy.quota is None:
        return QuotaReport(None, est, None, None, None, [])
    q = policy.quota
    prof_min = ceil_bp(q, policy.professional_min_bp)
    senior_cap = floor_bp(q, policy.senior_cap_bp)
    inter_cap = floor_bp(q, policy.intermediate_cap_bp)
    non_prof_cap = q - prof_min
    violations = []
    if est.filled > q:
        violations.append(Violation(QuotaRule.QUOTA_EXCEEDED, f"{est.filled} posts filled, quota {q}"))
    non_prof = est.filled - est.professional
    if non_prof > non_prof_cap:
        violations.append(Violation(
            QuotaRule.PROFESSIONAL_SHARE,
            f"{non_prof} non-professional posts; professional-technical posts must be at least "
            f"{policy.professional_min_bp / 100:g}% of quota {q} ({prof_min}), leaving {non_prof_cap}"))
    if est.senior > senior_cap:
        violations.append(Violation(
            QuotaRule.SENIOR_CAP,
            f"{est.senior} senior titles, cap {policy.senior_cap_bp / 100:g}% of quota {q} = {senior_cap}"))
    if est.intermediate > inter_cap:
        violations.append(Violation(
            QuotaRule.INTERMEDIATE_CAP,
            f"{est.intermediate} intermediate titles, cap {policy.intermediate_cap_bp / 100:g}% of quota {q} "
            f"= {inter_cap}"))
    return QuotaReport(q, est, prof_min, senior_cap, inter_cap, violations)


def new_violations(policy: QuotaPolicy, before: Establishment, after: Establishment) -> list[Violation]:
    """Rules the change from `before` to `after` breaks or worsens; an already-broken rule that the
    change does not make worse does not block it (e.g. moving a junior nurse into an over-cap unit's
    senior-heavy establishment)."""
    old = {v.rule for v in report(policy, before).violations}
    worse = []
    for v in report(policy, after).violations:
        if v.rule not in old or _worsened(v.rule, before, after):
            worse.append(v)
    return worse


def _worsened(rule: QuotaRule, before: Establishment, after: Establishment) -> bool:
    if rule is QuotaRule.QUOTA_EXCEEDED:
        return after.filled > before.filled
    if rule is QuotaRule.PROFESSIONAL_SHARE:
        return (after.filled - after.professional) > (before.filled - before.professional)
    if rule is QuotaRule.SENIOR_CAP:
        return after.senior > before.senior
    return after.intermediate > before.intermediate
