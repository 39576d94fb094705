"""Tidal dispatch (潮汐式): demand signals, seasonal calendars, recommendations and their acceptance."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from platform_common.auth import OrgKind, Principal
from platform_common.contracts import ReferralSubmitted, StaffingEvent
from platform_common.events import EventEnvelope
from platform_common.errors import Conflict, InvalidInput, NotFound
from platform_common.events import utcnow

from ..adapters.tables import DemandSignal, RecommendationRow, Season
from ..domain import tidal
from ..domain.secondment import RequestStatus
from ..settings import StaffingSettings
from . import secondments
from .access import require_approver, require_bureau_hr, require_calendar_reader, require_reader_of_all
from .unit_of_work import StaffingUnitOfWork


def demand_policy(settings: StaffingSettings) -> tidal.DemandPolicy:
    return tidal.DemandPolicy(settings.demand_window_days, settings.demand_baseline_windows,
                              settings.demand_min_volume, settings.demand_surge_bp, settings.season_lead_days)


def demand(uow: StaffingUnitOfWork, settings: StaffingSettings, now: datetime) -> list[tidal.Demand]:
    window = timedelta(days=settings.demand_window_days)
    current = uow.tidal.demand_counts(now - window, now)
    baseline = uow.tidal.demand_counts(now - window * (1 + settings.demand_baseline_windows), now - window)
    keys = sorted(set(current) | set(baseline))
    return [tidal.Demand(t, s, current.get((t, s), 0), baseline.get((t, s), 0)) for t, s in keys]


def read_demand(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal,
                now: datetime) -> list[tidal.Demand]:
    require_reader_of_all(principal, settings, "demand signals")
    return demand(uow, settings, now)


def add_season(uow: StaffingUnitOfWork, principal: Principal, *, org_id: str, name: str, start: date, end: date,
               specialties: list[str], headcount: int) -> Season:
    require_bureau_hr(principal)
    org = uow.orgs.get(uow.session, org_id)
    if org is None or org.kind is not OrgKind.TOWNSHIP_CENTRE:
        raise InvalidInput(f"{org_id} is not a township centre", field="org_id")
    if end < start:
        raise InvalidInput("end_date is before start_date", field="end_date")
    season = Season(season_id=str(uuid.uuid4()), org_id=org_id, name=name, start_date=start, end_date=end,
                    specialties=sorted(set(specialties)), headcount=headcount, created_by=principal.username,
                    created_at=utcnow())
    uow.tidal.add_season(season)
    uow.commit()
    return season


def list_seasons(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal,
                 org_id: str | None) -> list[Season]:
    require_calendar_reader(principal, settings, org_id)
    return uow.tidal.seasons(org_id)


def delete_season(uow: StaffingUnitOfWork, principal: Principal, season_id: str) -> None:
    require_bureau_hr(principal)
    season = uow.tidal.season(season_id)
    if season is None:
        raise NotFound(f"no season {season_id}")
    uow.tidal.delete_season(season)
    uow.commit()


def generate(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal,
             now: datetime) -> list[RecommendationRow]:
    """Replace the open recommendations with fresh ones, best first."""
    require_approver(principal, settings)
    today = settings.local_date(now)  # the consortium's day, not UTC's
    policy = demand_policy(settings)
    signals = {(d.township_id, d.specialty): d for d in demand(uow, settings, now)}
    seasons: dict[tuple[str, str], list[tidal.Season]] = {}
    for s in uow.tidal.seasons():
        for specialty in s.specialties:
            seasons.setdefault((s.org_id, specialty), []).append(
                tidal.Season(s.season_id, s.name, s.start_date, s.end_date, s.specialties, s.headcount))
    for old in uow.tidal.open_recommendations():
        old.status = "superseded"
    fresh = []
    for township, specialty in sorted(set(signals) | set(seasons)):
        rec = tidal.recommend(policy, today, signals.get((township, specialty)), seasons.get((township, specialty), []),
                              township, specialty,
                              lambda day, t=township, sp=specialty: uow.postings.covering(t, sp, day))
        if rec is None:
            continue
        row = RecommendationRow(recommendation_id=str(uuid.uuid4()), township_id=township, specialty=specialty,
                                headcount=rec.headcount, score=rec.score, reasons=rec.reasons,
                                season_id=rec.season_id, window_volume=rec.window_volume, status="open",
                                generated_at=utcnow())
        uow.tidal.add_recommendation(row)
        fresh.append(row)
    uow.commit()
    return sorted(fresh, key=lambda r: (-r.score, r.township_id, r.specialty))


def list_recommendations(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal,
                         status: str | None, limit: int, offset: int) -> list[RecommendationRow]:
    require_reader_of_all(principal, settings, "recommendations")
    return uow.tidal.recommendations(status, limit, offset)


def _open(uow: StaffingUnitOfWork, rec_id: str) -> RecommendationRow:
    rec = uow.tidal.recommendation(rec_id)
    if rec is None:
        raise NotFound(f"no recommendation {rec_id}")
    if rec.status != "open":
        raise Conflict(f"the recommendation is {rec.status}", state=rec.status)
    return rec


def accept(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, rec_id: str, *,
           start: date, end: date, title_level: str, headcount: int | None,
           today: date) -> secondments.SecondmentRecord:
    """Accepting is the approval: the secondment request is created already approved."""
    require_approver(principal, settings)
    rec = _open(uow, rec_id)
    new = secondments.NewRequest(rec.township_id, rec.specialty, title_level, headcount or rec.headcount,
                                 start, end, "tidal dispatch: " + "; ".join(rec.reasons))
    req = secondments.create(uow, settings, principal, new, today, source="tidal", recommendation_id=rec_id)
    secondments.decided(uow, req, principal, RequestStatus.APPROVED, "accepted tidal recommendation",
                         StaffingEvent.SECONDMENT_APPROVED)
    rec.status, rec.request_id, rec.decided_by = "accepted", req.request_id, principal.username
    uow.commit()
    return secondments.SecondmentRecord(req, [])


def dismiss(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, rec_id: str) -> RecommendationRow:
    require_approver(principal, settings)
    rec = _open(uow, rec_id)
    rec.status, rec.decided_by = "dismissed", principal.username
    uow.commit()
    return rec


def count_demand(uow: StaffingUnitOfWork, envelope: EventEnvelope, event: ReferralSubmitted) -> None:
    """Count an upward referral as demand at its township for its specialty (the consumer loop commits).

    The township is resolved when counting (a village clinic counts for its parent township), so
    a referral that arrives before its clinic's registration is not lost. A referral id counts once
    even if it were re-announced under another event id.
    """
    if uow.tidal.signal_counted(envelope.event_id, event.referral_id):
        return
    uow.tidal.add_signal(DemandSignal(event_id=envelope.event_id, referral_id=event.referral_id,
                                      from_org_id=event.from_org_id, specialty=event.specialty.value,
                                      occurred_at=envelope.occurred_at))
