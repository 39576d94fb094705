"""Referral indicators for a period (consortium-wide or one unit), read and published.

Who may see them: the health bureau's analysts and the consortium finance office (any unit of the
consortium); a member unit's referral clerk or manager (its own unit only). Nobody else.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta, timezone

from platform_common.auth import Principal
from platform_common.contracts import REFERRAL_TOPIC, ReferralEvent, ReferralIndicatorsPublished
from platform_common.errors import Conflict, InvalidInput
from platform_common.events import EventEnvelope
from platform_common.web import require_role

from ..adapters.queries_consultation import ConsultationCount
from ..adapters.queries_indicators import IndicatorScope
from ..adapters.tables import VisitVolumeRow
from ..domain.indicators import county_domain_visit_rate_bp, parse_period, rate_bp
from ..domain.out_of_county import SpecialtyOutflow, outflow_by_specialty
from ..settings import ReferralSettings
from .access import WIDE_ROLES, indicator_scope, require_visit_reporter
from .unit_of_work import ReferralUnitOfWork

AGGREGATE = "referral_indicators"


@dataclass(frozen=True)
class IndicatorFigures:
    """A period's referral indicators for a consortium or one unit (a rate is None without a base)."""

    period: str
    period_start: date
    period_end: date
    consortium_id: str
    org_id: str | None
    county_domain_visit_rate_bp: int | None
    county_domain_target_bp: int
    county_domain_target_met: bool | None
    in_county_episodes: int
    reported_visits: int
    upward_count: int
    downward_count: int
    out_of_county_count: int
    acceptance_rate_bp: int | None
    answers: int
    median_response_minutes: int | None
    p90_response_minutes: int | None
    chronic_patients: int
    chronic_downward_share_bp: int | None
    out_of_county_by_specialty: list[SpecialtyOutflow]  # 转外 by specialty, month by month
    booked_accepts: int  # upward acceptances that booked a published place (预约)
    booked_accept_share_bp: int | None
    no_show_count: int
    no_show_rate_bp: int | None
    consultations: list[ConsultationCount]  # 科对科 asked, per unit and department
    consultation_count: int
    consultation_answers: int
    median_answer_minutes: int | None
    p90_answer_minutes: int | None
    resolved_without_referral_bp: int | None  # answers that were not 'refer up' ÷ answers


@dataclass(frozen=True)
class PublishedFigures:
    figures: IndicatorFigures
    event_id: str


def compute(uow: ReferralUnitOfWork, settings: ReferralSettings, principal: Principal, *, period: str,
            org_id: str | None, consortium_id: str | None) -> IndicatorFigures:
    consortium, org = indicator_scope(uow, principal, org_id, consortium_id)
    return figures(uow, settings, consortium, org, period)


def figures(uow: ReferralUnitOfWork, settings: ReferralSettings, consortium: str, org: str | None,
            period: str) -> IndicatorFigures:
    """The figures themselves, with no access check: callers decide who may see them (a person through
    `compute`, or the monthly automatic publication, which acts for nobody)."""
    p = parse_period(period)
    start, end = _utc_bounds(p.start, p.end, settings)
    c = uow.indicators.counts(IndicatorScope(consortium, org, start, end, p.start, p.end, p.months()))
    b = uow.booking_figures.figures(consortium, org, start, end, p.start, p.end)
    asked = uow.consultation_figures.asked(consortium, org, start, end)
    answered = uow.consultation_figures.answers(consortium, org, start, end)
    rate = county_domain_visit_rate_bp(c)
    return IndicatorFigures(
        period=p.label, period_start=p.start, period_end=p.end, consortium_id=consortium, org_id=org,
        county_domain_visit_rate_bp=rate, county_domain_target_bp=settings.county_domain_target_bp,
        county_domain_target_met=None if rate is None else rate >= settings.county_domain_target_bp,
        in_county_episodes=c.completed_upward, reported_visits=c.reported_visits,
        upward_count=c.upward, downward_count=c.downward, out_of_county_count=c.out_of_county,
        acceptance_rate_bp=rate_bp(c.acceptances, c.decisions), answers=c.decisions,
        median_response_minutes=c.median_response_minutes, p90_response_minutes=c.p90_response_minutes,
        chronic_patients=c.chronic_patients,
        chronic_downward_share_bp=rate_bp(c.chronic_patients_down, c.chronic_patients),
        out_of_county_by_specialty=_outflow(uow, settings, consortium, org, p.months()),
        booked_accepts=b.booked_accepts, booked_accept_share_bp=rate_bp(b.booked_accepts, b.accepts),
        no_show_count=b.no_shows, no_show_rate_bp=rate_bp(b.no_shows, b.visit_bookings),
        consultations=asked, consultation_count=sum(a.count for a in asked),
        consultation_answers=answered.answers, median_answer_minutes=answered.median_minutes,
        p90_answer_minutes=answered.p90_minutes,
        resolved_without_referral_bp=rate_bp(answered.resolved_without_referral, answered.answers))


def _utc_bounds(first: date, last: date, settings: ReferralSettings) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the local days first..last."""
    tz = settings.tz()
    return (datetime.combine(first, time(), tz).astimezone(timezone.utc),
            datetime.combine(last + timedelta(days=1), time(), tz).astimezone(timezone.utc))


def _outflow(uow: ReferralUnitOfWork, settings: ReferralSettings, consortium: str, org: str | None,
             months: list[str]) -> list[SpecialtyOutflow]:
    """转外 by specialty, month by month (a quarter or a year lists each of its months)."""
    rows = []
    for month in months:
        m = parse_period(month)
        start, end = _utc_bounds(m.start, m.end, settings)
        rows += outflow_by_specialty(
            month, uow.outflow.upward_by_specialty(consortium, org, start, end),
            uow.outflow.out_of_county_by_specialty(consortium, org, m.start, m.end))
    return rows


def announce(uow: ReferralUnitOfWork, f: IndicatorFigures) -> EventEnvelope:
    """Records ReferralIndicatorsPublished in the outbox (the caller commits)."""
    payload = ReferralIndicatorsPublished(
        period=f.period, period_start=f.period_start, period_end=f.period_end, consortium_id=f.consortium_id,
        org_id=f.org_id, county_domain_visit_rate_bp=f.county_domain_visit_rate_bp, upward_count=f.upward_count,
        downward_count=f.downward_count, out_of_county_count=f.out_of_county_count,
        acceptance_rate_bp=f.acceptance_rate_bp, median_response_minutes=f.median_response_minutes,
        p90_response_minutes=f.p90_response_minutes, chronic_downward_share_bp=f.chronic_downward_share_bp,
        out_of_county_by_specialty=[asdict(r) for r in f.out_of_county_by_specialty],
        # the rate's numerator: a consumer adds visits it knows of to the denominator (payment: out-of-area claims)
        in_county_visits=f.in_county_episodes + f.reported_visits,
        booked_accept_share_bp=f.booked_accept_share_bp, no_show_count=f.no_show_count,
        no_show_rate_bp=f.no_show_rate_bp, consultation_count=f.consultation_count,
        median_answer_minutes=f.median_answer_minutes, p90_answer_minutes=f.p90_answer_minutes,
        resolved_without_referral_bp=f.resolved_without_referral_bp)
    key = f"{f.consortium_id}:{f.org_id or '*'}:{f.period}"
    return uow.record(REFERRAL_TOPIC, ReferralEvent.INDICATORS_PUBLISHED, AGGREGATE, key, payload, org_id=f.org_id)


def publish(uow: ReferralUnitOfWork, settings: ReferralSettings, principal: Principal, *, period: str,
            org_id: str | None, consortium_id: str | None) -> PublishedFigures:
    """Each call announces the figures as they are now; consumers keep the latest per (period, org)."""
    require_role(principal, *WIDE_ROLES)
    computed = compute(uow, settings, principal, period=period, org_id=org_id, consortium_id=consortium_id)
    envelope = announce(uow, computed)
    uow.commit()
    return PublishedFigures(computed, envelope.event_id)


def report_visits(uow: ReferralUnitOfWork, settings: ReferralSettings, principal: Principal, now: datetime, *,
                  month: str, visits: int, version: int | None) -> VisitVolumeRow:
    """A unit's visits in a month (outpatient + admissions of county residents), for the visit rate."""
    require_visit_reporter(principal)
    p = parse_period(month, field="month")
    if p.months() != [month]:
        raise InvalidInput("visit volumes are reported per month (2026-11)", field="month")
    if p.start > settings.local_date(now):
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

