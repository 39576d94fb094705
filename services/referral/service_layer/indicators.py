"""Referral indicators for a period (consortium-wide or one unit), read and published.

Who may see them: the health bureau's analysts and the consortium finance office (any unit of the
consortium); a member unit's referral clerk or manager (its own unit only). Nobody else.
"""
from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from platform_common.auth import Principal, Role
from platform_common.contracts import REFERRAL_TOPIC, ReferralEvent
from platform_common.errors import Conflict, Forbidden, InvalidInput
from platform_common.events import EventEnvelope
from platform_common.web import require_role

from ..adapters.indicator_queries import IndicatorQueries
from ..adapters.tables import VisitVolumeRow
from ..domain.indicators import county_domain_visit_rate_bp, parse_period, rate_bp
from ..domain.out_of_county import outflow_by_specialty
from ..settings import ReferralSettings
from .common import MEMBER_KINDS, local_date
from .unit_of_work import ReferralUnitOfWork

AGGREGATE = "referral_indicators"
WIDE_ROLES = (Role.BUREAU_ANALYST, Role.FINANCE_OFFICER)
UNIT_ROLES = (Role.REFERRAL_CLERK, Role.UNIT_MANAGER)


def _scope(uow: ReferralUnitOfWork, principal: Principal, org_id: str | None,
           consortium_id: str | None) -> tuple[str, str | None]:
    require_role(principal, *WIDE_ROLES, *UNIT_ROLES)
    if principal.role in UNIT_ROLES:
        if org_id not in (None, principal.org_id):
            raise Forbidden("a unit sees its own indicators only")
        if principal.org_kind not in MEMBER_KINDS:
            raise Forbidden("only member units have referral indicators")
        org_id = principal.org_id
    consortium = principal.consortium_id or consortium_id
    if consortium_id and principal.consortium_id and consortium_id != principal.consortium_id:
        raise Forbidden("indicators of another consortium")
    if consortium is None:
        known = {o.consortium_id for o in uow.orgs.all(uow.session) if o.consortium_id}
        if len(known) != 1:
            raise InvalidInput("name the consortium", field="consortium_id")
        consortium = known.pop()
    elif not uow.orgs.all(uow.session, consortium):
        raise InvalidInput(f"no such consortium {consortium}", field="consortium_id")
    if org_id is not None:
        org = uow.orgs.get(uow.session, org_id)
        if org is None or org.consortium_id != consortium:
            raise InvalidInput(f"{org_id} is not a unit of consortium {consortium}", field="org_id")
    return consortium, org_id


def compute(uow: ReferralUnitOfWork, settings: ReferralSettings, principal: Principal, *, period: str,
            org_id: str | None, consortium_id: str | None) -> dict[str, Any]:
    consortium, org = _scope(uow, principal, org_id, consortium_id)
    return figures(uow, settings, consortium, org, period)


def figures(uow: ReferralUnitOfWork, settings: ReferralSettings, consortium: str, org: str | None,
            period: str) -> dict[str, Any]:
    """The figures themselves, with no access check: callers decide who may see them (a person through
    `compute`, or the monthly automatic publication, which acts for nobody)."""
    p = parse_period(period)
    start, end = _utc_bounds(p.start, p.end, settings)
    q = IndicatorQueries(uow.session, consortium, org, start, end, p.start, p.end, p.months())
    c = q.counts()
    rate = county_domain_visit_rate_bp(c)
    return {
        "period": p.label, "period_start": p.start.isoformat(), "period_end": p.end.isoformat(),
        "consortium_id": consortium, "org_id": org,
        "county_domain_visit_rate_bp": rate,
        "county_domain_target_bp": settings.county_domain_target_bp,
        "county_domain_target_met": None if rate is None else rate >= settings.county_domain_target_bp,
        "in_county_episodes": c.completed_upward, "reported_visits": c.reported_visits,
        "upward_count": c.upward, "downward_count": c.downward, "out_of_county_count": c.out_of_county,
        "acceptance_rate_bp": rate_bp(c.acceptances, c.decisions), "answers": c.decisions,
        "median_response_minutes": q.response_percentile(50),
        "p90_response_minutes": q.response_percentile(90),
        "chronic_patients": c.chronic_patients,
        "chronic_downward_share_bp": rate_bp(c.chronic_patients_down, c.chronic_patients),
        "out_of_county_by_specialty": _outflow(uow, settings, consortium, org, p.months()),
    }


def _utc_bounds(first: date, last: date, settings: ReferralSettings) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the local days first..last."""
    tz = settings.tz()
    return (datetime.combine(first, time(), tz).astimezone(timezone.utc),
            datetime.combine(last + timedelta(days=1), time(), tz).astimezone(timezone.utc))


def _outflow(uow: ReferralUnitOfWork, settings: ReferralSettings, consortium: str, org: str | None,
             months: list[str]) -> list[dict[str, Any]]:
    """转外 by specialty, month by month (a quarter or a year lists each of its months)."""
    rows = []
    for month in months:
        m = parse_period(month)
        start, end = _utc_bounds(m.start, m.end, settings)
        rows += outflow_by_specialty(
            month, uow.outflow.upward_by_specialty(consortium, org, start, end),
            uow.outflow.out_of_county_by_specialty(consortium, org, m.start, m.end))
    return [asdict(r) for r in rows]


PUBLISHED_FIELDS = (
    "period", "period_start", "period_end", "consortium_id", "org_id", "county_domain_visit_rate_bp",
    "upward_count", "downward_count", "out_of_county_count", "acceptance_rate_bp", "median_response_minutes",
    "p90_response_minutes", "chronic_downward_share_bp", "out_of_county_by_specialty",
)


def announce(uow: ReferralUnitOfWork, figures: dict[str, Any]) -> EventEnvelope:
    """Records ReferralIndicatorsPublished in the outbox (the caller commits)."""
    payload = {k: figures[k] for k in PUBLISHED_FIELDS}
    key = f"{figures['consortium_id']}:{figures['org_id'] or '*'}:{figures['period']}"
    return uow.record(REFERRAL_TOPIC, ReferralEvent.INDICATORS_PUBLISHED, AGGREGATE, key, payload,
                      org_id=figures["org_id"])


def publish(uow: ReferralUnitOfWork, settings: ReferralSettings, principal: Principal, *, period: str,
            org_id: str | None, consortium_id: str | None) -> dict[str, Any]:
    """Each call announces the figures as they are now; consumers keep the latest per (period, org)."""
    require_role(principal, *WIDE_ROLES)
    computed = compute(uow, settings, principal, period=period, org_id=org_id, consortium_id=consortium_id)
    envelope = announce(uow, computed)
    uow.commit()
    return computed | {"event_id": envelope.event_id}


def report_visits(uow: ReferralUnitOfWork, settings: ReferralSettings, principal: Principal, now: datetime, *,
                  month: str, visits: int, version: int | None) -> VisitVolumeRow:
    """A unit's visits in a month (outpatient + admissions of county residents), for the visit rate."""
    require_role(principal, *UNIT_ROLES)
    if principal.org_kind not in MEMBER_KINDS:
        raise Forbidden("only member units report visit volumes")
    p = parse_period(month, field="month")
    if p.months() != [month]:
        raise InvalidInput("visit volumes are reported per month (2026-11)", field="month")
    if p.start > local_date(now, settings):
        raise InvalidInput("cannot report a month that has not started", field="month")
    row = uow.visit_volumes.get(principal.org_id, month)
    if row is None:
        row = VisitVolumeRow(org_id=principal.org_id, month=month, visits=visits, reported_by=principal.username,
                             reported_at=now)
        uow.visit_volumes.add(row)
    else:
        if version is not None and version != row.version:
            raise Conflict("the figure was changed by someone else; reload and try again",
                           current_version=row.version, current_visits=row.visits)
        row.visits, row.reported_by, row.reported_at = visits, principal.username, now
    uow.commit()
    return row

