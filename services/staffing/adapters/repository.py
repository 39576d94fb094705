"""Queries of the staffing service. Counts and sums run in SQL."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import and_, case, exists, func, not_, or_, select
from sqlalchemy.orm import Session

from ..domain.model import PostingKind, Qualification
from ..domain.quota import Establishment
from .tables import (CountyQuotaPolicy, DemandSignal, Posting, QuotaOverride, QuotaPolicyRow, RecommendationRow, RotationPlan,
                     Season, SecondmentRequest, Staff, TitleChange, organisations)

NON_PROFESSIONAL = [q.value for q in Qualification if not q.professional]


def effective_end():
    """A temporary posting occupies its holder until it ended, or else until its planned end."""
    return func.coalesce(Posting.ended_on, Posting.end_date)


def _overlapping(start: date, end: date):
    return and_(Posting.kind != PostingKind.ESTABLISHMENT.value, Posting.start_date <= end,
                effective_end() >= start)


class StaffingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, obj) -> None:  # noqa: ANN001
        self.session.add(obj)

    # -- staff ------------------------------------------------------------------------------------
    def staff(self, staff_id: str) -> Staff | None:
        return self.session.get(Staff, staff_id)

    def staff_by_hash(self, id_hash: str) -> Staff | None:
        return self.session.scalars(select(Staff).where(Staff.id_number_hash == id_hash)).first()

    def list_staff(self, *, org_id: str | None, specialty: str | None, title_level: str | None,
                   qualification: str | None, limit: int, offset: int,
                   name: str | None = None) -> tuple[list[Staff], int]:
        query = select(Staff).where(Staff.active.is_(True))
        if name:
            query = query.where(Staff.name.contains(name, autoescape=True))
        if org_id:
            query = query.where(Staff.home_org_id == org_id)
        if specialty:
            query = query.where(Staff.specialty == specialty)
        if title_level:
            query = query.where(Staff.title_level == title_level)
        if qualification:
            query = query.where(Staff.qualification == qualification)
        total = self.session.scalar(select(func.count()).select_from(query.subquery()))
        rows = self.session.scalars(query.order_by(Staff.staff_id).limit(limit).offset(offset)).all()
        return list(rows), int(total or 0)

    def title_changes(self, staff_id: str) -> list[TitleChange]:
        return list(self.session.scalars(select(TitleChange).where(TitleChange.staff_id == staff_id)
                                         .order_by(TitleChange.effective_date, TitleChange.change_id)))

    def establishment(self, org_id: str, on: date, *, onward: bool = False) -> Establishment:
        """Head counts of the establishment postings (在编) at `org_id` in force on `on`; with
        `onward`, of every posting in force on `on` or later (a later transfer in counts, one that
        left before `on` does not): an admission must hold for the whole future, not one day."""
        in_force = or_(Posting.end_date.is_(None), Posting.end_date >= on)
        if not onward:
            in_force = and_(Posting.start_date <= on, in_force)
        row = self.session.execute(
            select(
                func.count(),
                func.coalesce(func.sum(case((Staff.qualification.in_(NON_PROFESSIONAL), 0), else_=1)), 0),
                func.coalesce(func.sum(case((Staff.title_level == "senior", 1), else_=0)), 0),
                func.coalesce(func.sum(case((Staff.title_level == "intermediate", 1), else_=0)), 0),
            ).select_from(Posting).join(Staff, Staff.staff_id == Posting.staff_id)
            .where(Posting.org_id == org_id, Posting.kind == PostingKind.ESTABLISHMENT.value,
                   Staff.active.is_(True), in_force)
        ).one()
        return Establishment(int(row[0]), int(row[1]), int(row[2]), int(row[3]))

    def quota_policy(self, org_id: str, as_of: date) -> QuotaPolicyRow | None:
        return self.session.scalars(
            select(QuotaPolicyRow).where(QuotaPolicyRow.org_id == org_id, QuotaPolicyRow.effective_from <= as_of)
            .order_by(QuotaPolicyRow.effective_from.desc()).limit(1)).first()

    def quota_policies(self, org_id: str) -> list[QuotaPolicyRow]:
        return list(self.session.scalars(select(QuotaPolicyRow).where(QuotaPolicyRow.org_id == org_id)
                                         .order_by(QuotaPolicyRow.effective_from)))

    def county_policy(self, as_of: date) -> CountyQuotaPolicy | None:
        return self.session.scalars(
            select(CountyQuotaPolicy).where(CountyQuotaPolicy.effective_from <= as_of)
            .order_by(CountyQuotaPolicy.effective_from.desc()).limit(1)).first()

    def county_policies(self) -> list[CountyQuotaPolicy]:
        return list(self.session.scalars(select(CountyQuotaPolicy).order_by(CountyQuotaPolicy.effective_from)))

    # -- postings ---------------------------------------------------------------------------------
    def posting(self, posting_id: str) -> Posting | None:
        return self.session.get(Posting, posting_id)

    def overlapping_postings(self, staff_id: str, start: date, end: date,
                             exclude: str | None = None) -> list[Posting]:
        query = select(Posting).where(Posting.staff_id == staff_id, _overlapping(start, end))
        if exclude:
            query = query.where(Posting.posting_id != exclude)
        return list(self.session.scalars(query))

    def postings_of(self, staff_id: str) -> list[Posting]:
        return list(self.session.scalars(select(Posting).where(Posting.staff_id == staff_id)
                                         .order_by(Posting.start_date, Posting.created_at)))

    def postings_of_many(self, staff_ids: list[str]) -> dict[str, list[Posting]]:
        """Each person's postings, oldest first, in one query (a page of people or a bulk registration)."""
        found: dict[str, list[Posting]] = {s: [] for s in staff_ids}
        for p in self.session.scalars(select(Posting).where(Posting.staff_id.in_(staff_ids))
                                      .order_by(Posting.start_date, Posting.created_at)):
            found[p.staff_id].append(p)
        return found

    def postings_at(self, org_id: str, limit: int, offset: int, kind: str | None = None,
                    status: str | None = None) -> tuple[list[Posting], int]:
        query = select(Posting).where(or_(Posting.org_id == org_id, Posting.from_org_id == org_id))
        if kind:
            query = query.where(Posting.kind == kind)
        if status:
            query = query.where(Posting.status == status)
        total = self.session.scalar(select(func.count()).select_from(query.subquery()))
        rows = self.session.scalars(query.order_by(Posting.start_date.desc(), Posting.posting_id)
                                    .limit(limit).offset(offset)).all()
        return list(rows), int(total or 0)

    def current_establishment(self, staff_id: str) -> Posting | None:
        return self.session.scalars(select(Posting).where(
            Posting.staff_id == staff_id, Posting.kind == PostingKind.ESTABLISHMENT.value,
            Posting.status != "ended")).first()

    def postings_of_request(self, request_id: str) -> list[Posting]:
        return list(self.session.scalars(select(Posting).where(Posting.request_id == request_id)
                                         .order_by(Posting.created_at)))

    def available_cover(self, org_id: str, specialty: str, start: date, end: date, excluding: str) -> int:
        """Staff of `org_id` in `specialty` who stay on site for the whole period."""
        away = exists().where(Posting.staff_id == Staff.staff_id, _overlapping(start, end))
        return int(self.session.scalar(select(func.count()).select_from(Staff).where(
            Staff.home_org_id == org_id, Staff.specialty == specialty, Staff.active.is_(True),
            Staff.staff_id != excluding, not_(away))) or 0)

    def cover_staff(self, org_id: str, specialty: str, start: date, end: date, excluding: str) -> list[Staff]:
        """The people counted by `available_cover`, loaded so that the caller can lock them."""
        away = exists().where(Posting.staff_id == Staff.staff_id, _overlapping(start, end))
        return list(self.session.scalars(select(Staff).where(
            Staff.home_org_id == org_id, Staff.specialty == specialty, Staff.active.is_(True),
            Staff.staff_id != excluding, not_(away)).order_by(Staff.staff_id)))

    def free_staff(self, specialty: str, min_titles: list[str], start: date, end: date,
                   exclude_org: str) -> list[Staff]:
        busy = exists().where(Posting.staff_id == Staff.staff_id, _overlapping(start, end))
        return list(self.session.scalars(select(Staff).where(
            Staff.specialty == specialty, Staff.title_level.in_(min_titles), Staff.active.is_(True),
            Staff.home_org_id != exclude_org, not_(busy),
            Staff.qualification.not_in(NON_PROFESSIONAL))))

    def days_seconded(self, staff_ids: list[str], start: date, end: date) -> dict[str, int]:
        """Days of temporary postings per person within [start, end] (date arithmetic differs by
        dialect, so the clipping runs here over the few overlapping rows)."""
        if not staff_ids:
            return {}
        rows = self.session.execute(select(Posting.staff_id, Posting.start_date, effective_end()).where(
            Posting.staff_id.in_(staff_ids), _overlapping(start, end))).all()
        days: dict[str, int] = {}
        for staff_id, s, e in rows:
            days[staff_id] = days.get(staff_id, 0) + ((min(e, end) - max(s, start)).days + 1)
        return days

    def covering(self, org_id: str, specialty: str, day: date) -> int:
        return int(self.session.scalar(select(func.count()).select_from(Posting).join(
            Staff, Staff.staff_id == Posting.staff_id).where(
            Posting.org_id == org_id, Staff.specialty == specialty,
            Posting.kind.in_([PostingKind.SECONDMENT.value, PostingKind.ROTATION_DOWN.value]),
            Posting.start_date <= day, effective_end() >= day)) or 0)

    def temporary_postings_in(self, start: date, end: date, kinds: list[str]) -> list[tuple[Posting, Staff]]:
        return list(self.session.execute(select(Posting, Staff).join(Staff, Staff.staff_id == Posting.staff_id)
                                         .where(Posting.kind.in_(kinds), _overlapping(start, end))
                                         .order_by(Posting.org_id, Staff.staff_id)))

    def gp_establishments_in(self, start: date, end: date, primary_orgs: list[str]) -> list[tuple[Posting, Staff]]:
        return list(self.session.execute(select(Posting, Staff).join(Staff, Staff.staff_id == Posting.staff_id).where(
            Posting.kind == PostingKind.ESTABLISHMENT.value, Posting.org_id.in_(primary_orgs),
            Staff.specialty == "general_practice", Posting.start_date <= end,
            func.coalesce(Posting.ended_on, Posting.end_date, date.max) >= start)
            .order_by(Posting.org_id, Staff.staff_id)))

    # -- secondment requests ----------------------------------------------------------------------
    def request(self, request_id: str) -> SecondmentRequest | None:
        return self.session.get(SecondmentRequest, request_id)

    def list_requests(self, org_id: str | None, status: str | None, limit: int,
                      offset: int) -> tuple[list[SecondmentRequest], int]:
        query = select(SecondmentRequest)
        if org_id:
            query = query.where(SecondmentRequest.org_id == org_id)
        if status:
            query = query.where(SecondmentRequest.status == status)
        total = self.session.scalar(select(func.count()).select_from(query.subquery()))
        rows = self.session.scalars(query.order_by(SecondmentRequest.created_at.desc()).limit(limit)
                                    .offset(offset)).all()
        return list(rows), int(total or 0)

    # -- rotation, seasons, demand, recommendations -----------------------------------------------
    def plan(self, plan_id: str) -> RotationPlan | None:
        return self.session.get(RotationPlan, plan_id)

    def plans(self, limit: int, offset: int) -> tuple[list[RotationPlan], int]:
        total = self.session.scalar(select(func.count()).select_from(RotationPlan))
        rows = self.session.scalars(select(RotationPlan).order_by(RotationPlan.created_at.desc())
                                    .limit(limit).offset(offset)).all()
        return list(rows), int(total or 0)

    def quota_overrides(self, org_id: str) -> list[tuple[QuotaOverride, str | None]]:
        """The bureau's overrides at a unit, newest first, with the name of the person each let in."""
        rows = self.session.execute(select(QuotaOverride, Staff.name).outerjoin(Staff, Staff.staff_id ==
                                                                                QuotaOverride.staff_id)
                                    .where(QuotaOverride.org_id == org_id)
                                    .order_by(QuotaOverride.created_at.desc(), QuotaOverride.override_id.desc()))
        return [(o, name) for o, name in rows]

    def seasons(self, org_id: str | None = None) -> list[Season]:
        query = select(Season).order_by(Season.start_date)
        if org_id:
            query = query.where(Season.org_id == org_id)
        return list(self.session.scalars(query))

    def season(self, season_id: str) -> Season | None:
        return self.session.get(Season, season_id)

    def demand_counts(self, since: datetime, until: datetime) -> dict[tuple[str, str], int]:
        """Upward referrals per (township, specialty) in [since, until); village clinics count for
        their parent township."""
        o = organisations
        township = case((o.c.kind == "village_clinic", o.c.parent_org_id), else_=o.c.org_id)
        rows = self.session.execute(
            select(township, DemandSignal.specialty, func.count())
            .join(o, o.c.org_id == DemandSignal.from_org_id)
            .where(o.c.kind.in_(["township_centre", "village_clinic"]),
                   DemandSignal.occurred_at >= since, DemandSignal.occurred_at < until)
            .group_by(township, DemandSignal.specialty)).all()
        return {(t, s): int(n) for t, s, n in rows if t}

    def recommendation(self, rec_id: str) -> RecommendationRow | None:
        return self.session.get(RecommendationRow, rec_id)

    def open_recommendations(self) -> list[RecommendationRow]:
        return list(self.session.scalars(select(RecommendationRow).where(RecommendationRow.status == "open")
                                         .order_by(RecommendationRow.score.desc(), RecommendationRow.township_id)))

    def list_recommendations(self, status: str | None, limit: int, offset: int) -> list[RecommendationRow]:
        query = select(RecommendationRow)
        if status:
            query = query.where(RecommendationRow.status == status)
        return list(self.session.scalars(query.order_by(RecommendationRow.generated_at.desc(),
                                                         RecommendationRow.score.desc()).limit(limit).offset(offset)))
