"""Appraisal (绩效考核) of each member unit and of the consortium for a period, by the policy's catalogue; the
primary units' share of the fund; the county-domain visit rate with out-of-area claims in its denominator.

Where each value comes from:
- county_domain_visit_rate: visits inside the county (the referral service's `in_county_visits`: episodes
  treated at a county hospital plus the visit volumes units reported) over those + out-of-county referrals (the
  referral service's `out_of_county_count`) + out-of-area claims (异地就医, this service's claims of kind
  `out_of_area`, by the unit they are charged to). A publication without `in_county_visits` (older referral
  service) gives its own rate, without the out-of-area claims.
- primary_fund_share (consortium only): member-outpatient claims of township centres and village clinics and
  all capitation (which goes to them) over every claim and capitation of the period.
- key_group_coverage: contracts of residents in a key group in force on the period's last day over the unit's
  census of key-group residents (`any_key_group`); none without a census.
- fund_use (consortium only): spending over budget, bp (settlement figures).
- acceptance_rate, chronic_downward_share, median_response_minutes: the referral service's figures for the scope.
- chronic_primary_visit_rate (consortium only): of the claims booked in the period whose main diagnosis is
  hypertension (I10–I15) or diabetes (E10–E14), the share charged to township centres and village clinics; none
  while no claim carries a diagnosis.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from platform_common.auth import Principal
from platform_common.contracts import ReferralIndicatorsPublished
from platform_common.errors import InvalidInput

from ..adapters.queries_appraisal import CONSORTIUM
from ..domain.appraisal import Appraisal, appraise, county_domain_visit_rate_bp, primary_fund_share_bp, share_bp
from ..domain.coverage import ANY_KEY_GROUP
from ..domain.diagnosis import ChronicVisits, chronic_visits
from ..domain.periods import Period
from ..domain.policy import FundPolicy
from ..settings import PaymentSettings
from . import policies
from .access import report_scope, require_consortium_reader
from .unit_of_work import PaymentUnitOfWork


def store_unit_indicators(uow: PaymentUnitOfWork, occurred_at: datetime, event_id: str,
                          published: ReferralIndicatorsPublished) -> None:
    Period.parse(published.period)
    uow.appraisal_queries.keep_latest({
        "consortium_id": published.consortium_id, "org_id": published.org_id or CONSORTIUM,
        "period": published.period, "occurred_at": occurred_at, "event_id": event_id,
        "county_domain_visit_rate_bp": published.county_domain_visit_rate_bp,
        "in_county_visits": published.in_county_visits, "out_of_county_count": published.out_of_county_count,
        "acceptance_rate_bp": published.acceptance_rate_bp,
        "median_response_minutes": published.median_response_minutes,
        "chronic_downward_share_bp": published.chronic_downward_share_bp})


def _parse(code: str) -> Period:
    try:
        return Period.parse(code)
    except ValueError as e:
        raise InvalidInput(str(e), field="period") from None


def primary_share(uow: PaymentUnitOfWork, principal: Principal, consortium_id: str, period_code: str) -> dict:
    """基层医保基金占比 per month of the period and over it: member-outpatient claims of township centres and village
    clinics and all capitation, over every claim (all kinds) and capitation."""
    require_consortium_reader(principal, consortium_id)
    return _primary_share(uow, consortium_id, _parse(period_code))


def _primary_share(uow: PaymentUnitOfWork, consortium_id: str, period: Period) -> dict:
    primary = {o.org_id for o in uow.orgs.all(uow.session, consortium_id) if o.is_primary_unit}
    q = uow.appraisal_queries
    claims = q.claims_by_month(consortium_id, period.first_month, period.last_month)
    capitation = q.capitation_by_org(consortium_id, period.first_month, period.last_month)
    months = []
    for month in period.months:
        primary_claims = sum(a for (m, k, o), a in claims.items()
                             if m == month and k == "member_outpatient" and o in primary)
        cap = sum(a for (m, _), a in capitation.items() if m == month)
        total = sum(a for (m, _, _), a in claims.items() if m == month) + cap
        months.append({"month": month, "primary_claims_fen": primary_claims, "capitation_fen": cap,
                       "all_payments_fen": total, "share_bp": primary_fund_share_bp(primary_claims, cap, total)})
    primary_claims, cap = sum(m["primary_claims_fen"] for m in months), sum(m["capitation_fen"] for m in months)
    total = sum(m["all_payments_fen"] for m in months)
    return {"consortium_id": consortium_id, "period": period.code, "primary_claims_fen": primary_claims,
            "capitation_fen": cap, "all_payments_fen": total,
            "share_bp": primary_fund_share_bp(primary_claims, cap, total), "months": months}


def _chronic_months(uow: PaymentUnitOfWork, consortium_id: str, period: Period,
                    primary: set[str]) -> tuple[list[ChronicVisits], dict[str, ChronicVisits]]:
    """The chronic claims per month (at primary units, all) and per unit over the period."""
    rows = uow.appraisal_queries.diagnoses_by_month(consortium_id, period.first_month, period.last_month)
    months = [chronic_visits(m, [(g, o in primary, n) for mm, o, g, n in rows if mm == m]) for m in period.months]
    units = {o: chronic_visits(period.code, [(g, o in primary, n) for _, oo, g, n in rows if oo == o])
             for o in sorted({o for _, o, _, _ in rows})}
    return months, units


def chronic_visit_rate(uow: PaymentUnitOfWork, principal: Principal, consortium_id: str, period_code: str) -> dict:
    """两慢病患者基层门诊就诊率 per month of the period and over it, with each unit's chronic claims."""
    require_consortium_reader(principal, consortium_id)
    return _chronic_visit_rate(uow, consortium_id, _parse(period_code))


def _chronic_visit_rate(uow: PaymentUnitOfWork, consortium_id: str, period: Period) -> dict:
    primary = {o.org_id for o in uow.orgs.all(uow.session, consortium_id) if o.is_primary_unit}
    months, units = _chronic_months(uow, consortium_id, period, primary)
    at_primary, total = sum(m.at_primary for m in months), sum(m.total for m in months)
    return {"consortium_id": consortium_id, "period": period.code, "at_primary": at_primary, "total": total,
            "rate_bp": share_bp(at_primary, total),
            "months": [{"month": m.month, "at_primary": m.at_primary, "total": m.total,
                        "rate_bp": share_bp(m.at_primary, m.total)} for m in months],
            "units": [{"org_id": o, "primary_unit": o in primary, "chronic_claims": v.total}
                      for o, v in units.items() if v.total]}


def values_for(uow: PaymentUnitOfWork, principal: Principal, settings: PaymentSettings, consortium_id: str,
               period: Period, policy: FundPolicy) -> tuple[dict, dict[str, dict]]:
    """(the consortium's values, each member unit's values) by indicator code; None where there is no value."""
    from .settlement import period_figures  # the settlement's own budget and spending figures

    orgs = [o for o in uow.orgs.all(uow.session, consortium_id) if o.is_primary_unit or o.is_county_hospital]
    q = uow.appraisal_queries
    figures = q.figures(consortium_id, period.code)
    member = q.claims_by_org(consortium_id, period.first_month, period.last_month)
    out_of_area = {o: n for (k, o), (n, _) in member.items() if k == "out_of_area"}

    def county_rate(scope: str, extra: int) -> int | None:
        f = figures.get(scope)
        if f is None:
            return None
        if f["in_county_visits"] is None:
            return f["county_domain_visit_rate_bp"]
        return county_domain_visit_rate_bp(f["in_county_visits"], f["out_of_county_count"], extra)

    def referral(scope: str, name: str) -> int | None:
        f = figures.get(scope)
        return None if f is None else f[name]

    # coverage of key groups on the period's last day, against each unit's census
    key_group_contracts: dict[str, int] = {}
    for org_id, flags, n in uow.roster_queries.active_by_groups(consortium_id, period.end):
        if flags:
            key_group_contracts[org_id] = key_group_contracts.get(org_id, 0) + n
    census = {o: n for o, g, n in uow.roster_queries.census([o.org_id for o in orgs]) if g == ANY_KEY_GROUP}
    units = {}
    for o in orgs:
        units[o.org_id] = {
            "county_domain_visit_rate": county_rate(o.org_id, out_of_area.get(o.org_id, 0)),
            "primary_fund_share": None, "fund_use": None,
            "key_group_coverage": share_bp(key_group_contracts.get(o.org_id, 0), census[o.org_id])
            if o.org_id in census else None,
            "acceptance_rate": referral(o.org_id, "acceptance_rate_bp"),
            "chronic_downward_share": referral(o.org_id, "chronic_downward_share_bp"),
            "median_response_minutes": referral(o.org_id, "median_response_minutes"),
        }
    share = _primary_share(uow, consortium_id, period)
    chronic = _chronic_visit_rate(uow, consortium_id, period)
    for v in units.values():
        v["chronic_primary_visit_rate"] = None
    try:
        p = period_figures(uow, consortium_id, period)
        fund_use = share_bp(p.actual_fen, p.budget_fen) if p.budget_fen else None
    except InvalidInput:  # no budget for the fund year
        fund_use = None
    covered = [o for o in census]
    consortium = {
        "county_domain_visit_rate": county_rate(CONSORTIUM, sum(out_of_area.values())),
        "primary_fund_share": share["share_bp"], "fund_use": fund_use,
        "key_group_coverage": share_bp(sum(key_group_contracts.get(o, 0) for o in covered),
                                       sum(census[o] for o in covered)) if covered else None,
        "acceptance_rate": referral(CONSORTIUM, "acceptance_rate_bp"),
        "chronic_downward_share": referral(CONSORTIUM, "chronic_downward_share_bp"),
        "median_response_minutes": referral(CONSORTIUM, "median_response_minutes"),
        "chronic_primary_visit_rate": chronic["rate_bp"],
    }
    return consortium, units


def appraisal(uow: PaymentUnitOfWork, principal: Principal, settings: PaymentSettings, consortium_id: str,
              period_code: str) -> dict:
    """Scores of the consortium and of each member unit, each indicator with its value, target and points; a
    member unit's manager gets the consortium's and its own unit's."""
    own = report_scope(principal, consortium_id)
    period = _parse(period_code)
    version, policy = policies.effective(uow, settings, period.end)
    consortium, units = values_for(uow, principal, settings, consortium_id, period, policy)
    return {"consortium_id": consortium_id, "period": period.code, "policy_version": version,
            "consortium": _view(appraise(None, policy.appraisal, consortium)),
            "units": [_view(appraise(o, policy.appraisal, v)) for o, v in sorted(units.items()) if own in (None, o)]}


def unit_scores(uow: PaymentUnitOfWork, principal: Principal, settings: PaymentSettings, consortium_id: str,
                period: Period, policy: FundPolicy) -> dict[str, Decimal | None]:
    """Each member unit's appraisal score of the period (the distribution basis `appraisal_score`)."""
    _, units = values_for(uow, principal, settings, consortium_id, period, policy)
    return {o: appraise(o, policy.appraisal, v).score for o, v in units.items()}


def _view(a: Appraisal) -> dict:
    return {"org_id": a.org_id, "score": None if a.score is None else str(a.score),
            "indicators": [{**vars(r), "points": None if r.points is None else str(r.points)} for r in a.results]}
