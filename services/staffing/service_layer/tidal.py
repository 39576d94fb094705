"""Tidal dispatch (潮汐式): demand signals, seasonal calendars, recommendations and their acceptance."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from platform_common.auth import OrgKind, Principal
from platform_common.contracts import StaffingEvent
from platform_common.errors import Conflict, Forbidden, InvalidInput, NotFound
from platform_common.events import utcnow

from ..adapters.tables import RecommendationRow, Season, SecondmentRequest
from ..domain import tidal
from ..domain.secondment import RequestStatus
from ..settings import StaffingSettings
from . import secondments
from .access import can_read_all, require_approver, require_bureau_hr
from .unit_of_work import StaffingUnitOfWork


def demand_policy(settings: StaffingSettings) -> tidal.DemandPolicy:
    return tidal.DemandPolicy(settings.demand_window_days, settings.demand_baseline_windows,
                              settings.demand_min_volume, settings.demand_surge_bp, settings.season_lead_days)


def demand(uow: StaffingUnitOfWork, settings: StaffingSettings, now: datetime) -> list[tidal.Demand]:
    window = timedelta(days=settings.demand_window_days)
    current = uow.repo.demand_counts(now - window, now)
    baseline = uow.repo.demand_counts(now - window * (1 + settings.demand_baseline_windows), now - window)
    keys = sorted(set(current) | set(baseline))
    return [tidal.Demand(t, s, current.get((t, s), 0), baseline.get((t, s), 0)) for t, s in keys]


def read_demand(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal,
                now: datetime) -> list[tidal.Demand]:
    if not can_read_all(principal, settings):
        raise Forbidden("demand signals are read by HR offices and the health bureau")
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
    uow.repo.add(season)
    return season


def list_seasons(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal,
                 org_id: str | None) -> list[Season]:
    if not can_read_all(principal, settings) and org_id != principal.org_id:
        raise Forbidden("you may read only your own unit's calendar")
    return uow.repo.seasons(org_id)


def delete_season(uow: StaffingUnitOfWork, principal: Principal, season_id: str) -> None:
    require_bureau_hr(principal)
    season = uow.repo.season(season_id)
    if season is None:
        raise NotFound(f"no season {season_id}")
    uow.session.delete(season)


def generate(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal,
             now: datetime) -> list[RecommendationRow]:
    """Replace the open recommendations with fresh ones, best first."""
    require_approver(principal, settings)
    today = now.astimezone(settings.tz()).date()  # the consortium's day, not UTC's
    policy = demand_policy(settings)
    signals = {(d.township_id, d.specialty): d for d in demand(uow, settings, now)}
    seasons: dict[tuple[str, str], list[tidal.Season]] = {}
    for s in uow.repo.seasons():
        for specialty in s.specialties:
            seasons.setdefault((s.org_id, specialty), []).append(
                tidal.Season(s.season_id, s.name, s.start_date, s.end_date, s.specialties, s.headcount))
    for old in uow.repo.open_recommendations():
        old.status = "superseded"
    fresh = []
    for township, specialty in sorted(set(signals) | set(seasons)):
        rec = tidal.recommend(policy, today, signals.get((township, specialty)), seasons.get((township, specialty), []),
                              township, specialty,
                              lambda day, t=township, sp=specialty: uow.repo.covering(t, sp, day))
        if rec is None:
            continue
        row = RecommendationRow(recommendation_id=str(uuid.uuid4()), township_id=township, specialty=specialty,
                                headcount=rec.headcount, score=rec.score, reasons=rec.reasons,
                                season_id=rec.season_id, window_volume=rec.window_volume, status="open",
                                generated_at=utcnow())
        uow.repo.add(row)
        fresh.append(row)
    return sorted(fresh, key=lambda r: (-r.score, r.township_id, r.specialty))


def list_recommendations(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal,
                         status: str | None, limit: int, offset: int) -> list[RecommendationRow]:
    if not can_read_all(principal, settings):
        raise Forbidden("recommendations are read by HR offices and the health bureau")
    return uow.repo.list_recommendations(status, limit, offset)


def _open(uow: StaffingUnitOfWork, rec_id: str) -> RecommendationRow:
    rec = uow.repo.recommendation(rec_id)
    if rec is None:
        raise NotFound(f"no recommendation {rec_id}")
    if rec.status != "open":
        raise Conflict(f"the recommendation is {rec.status}", state=rec.status)
    return rec


def accept(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, rec_id: str, *,
           start: date, end: date, title_level: str, headcount: int | None, today: date) -> SecondmentRequest:
    """Accepting is the approval: the secondment request is created already approved."""
    require_approver(principal, settings)
    rec = _open(uow, rec_id)
    new = secondments.NewRequest(rec.township_id, rec.specialty, title_level, headcount or rec.headcount,
                                 start, end, "tidal dispatch: " + "; ".join(rec.reasons))
    req = secondments.create(uow, settings, principal, new, today, source="tidal", recommendation_id=rec_id)
    secondments.decided(uow, req, principal, RequestStatus.APPROVED, "accepted tidal recommendation",
                         StaffingEvent.SECONDMENT_APPROVED)
    rec.status, rec.request_id, rec.decided_by = "accepted", req.request_id, principal.username
    return req


def dismiss(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, rec_id: str) -> RecommendationRow:
    require_approver(principal, settings)
    rec = _open(uow, rec_id)
    rec.status, rec.decided_by = "dismissed", principal.username
    return rec



