"""Queries of tidal dispatch (潮汐式): the demand signals counted from referral.events, the seasonal calendars and
the recommendations."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from platform_common.auth import OrgKind

from .tables import DemandSignal, RecommendationRow, Season, organisations


class TidalRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- demand ---------------------------------------------------------------------------------------
    def signal_counted(self, event_id: str, referral_id: str) -> bool:
        """Whether the event, or another announcing the same referral, was counted already."""
        return self.session.scalar(select(func.count()).select_from(DemandSignal).where(
            or_(DemandSignal.event_id == event_id, DemandSignal.referral_id == referral_id))) > 0

    def add_signal(self, signal: DemandSignal) -> None:
        self.session.add(signal)

    def demand_counts(self, since: datetime, until: datetime) -> dict[tuple[str, str], int]:
        """Upward referrals per (township, specialty) in [since, until); village clinics count for
        their parent township."""
        o = organisations
        township = case((o.c.kind == OrgKind.VILLAGE_CLINIC.value, o.c.parent_org_id), else_=o.c.org_id)
        rows = self.session.execute(
            select(township, DemandSignal.specialty, func.count())
            .join(o, o.c.org_id == DemandSignal.from_org_id)
            .where(o.c.kind.in_([OrgKind.TOWNSHIP_CENTRE.value, OrgKind.VILLAGE_CLINIC.value]),
                   DemandSignal.occurred_at >= since, DemandSignal.occurred_at < until)
            .group_by(township, DemandSignal.specialty)).all()
        return {(t, s): int(n) for t, s, n in rows if t}

    # -- seasons --------------------------------------------------------------------------------------
    def add_season(self, season: Season) -> None:
        self.session.add(season)

    def season(self, season_id: str) -> Season | None:
        return self.session.get(Season, season_id)

    def delete_season(self, season: Season) -> None:
        self.session.delete(season)

    def seasons(self, org_id: str | None = None) -> list[Season]:
        query = select(Season).order_by(Season.start_date)
        if org_id:
            query = query.where(Season.org_id == org_id)
        return list(self.session.scalars(query))

    # -- recommendations ------------------------------------------------------------------------------
    def add_recommendation(self, rec: RecommendationRow) -> None:
        self.session.add(rec)

    def recommendation(self, rec_id: str) -> RecommendationRow | None:
        return self.session.get(RecommendationRow, rec_id)

    def open_recommendations(self) -> list[RecommendationRow]:
        return list(self.session.scalars(select(RecommendationRow).where(RecommendationRow.status == "open")
                                         .order_by(RecommendationRow.score.desc(), RecommendationRow.township_id)))

    def recommendations(self, status: str | None, limit: int, offset: int) -> list[RecommendationRow]:
        query = select(RecommendationRow)
        if status:
            query = query.where(RecommendationRow.status == status)
        return list(self.session.scalars(query.order_by(RecommendationRow.generated_at.desc(),
                                                         RecommendationRow.score.desc()).limit(limit).offset(offset)))
