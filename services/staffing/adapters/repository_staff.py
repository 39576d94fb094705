"""Queries of the staff registry and of postings. Counts and sums run in SQL."""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, exists, func, not_, or_, select
from sqlalchemy.orm import Session

from platform_common.contracts import Specialty

from ..domain.model import DOWNWARD_KINDS, PostingKind, PostingStatus, Qualification
from .tables import Posting, Staff, TitleChange

NON_PROFESSIONAL = [q.value for q in Qualification if not q.professional]


def effective_end():  # noqa: ANN201
    """A posting away occupies its holder until it ended, or else until its planned end (a village posting may
    have none: until it ends)."""
    return func.coalesce(Posting.ended_on, Posting.end_date, date.max)


def overlapping(start: date, end: date):  # noqa: ANN201
    """Temporary postings that occupy any day of [start, end]."""
    return and_(Posting.kind != PostingKind.ESTABLISHMENT.value, Posting.start_date <= end,
                effective_end() >= start)


class StaffRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, staff_id: str) -> Staff | None:
        return self.session.get(Staff, staff_id)

    def by_hash(self, id_hash: str) -> Staff | None:
        return self.session.scalars(select(Staff).where(Staff.id_number_hash == id_hash)).first()

    def register(self, staff: Staff, establishment: Posting) -> None:
        """A new person with their establishment posting, written now: the next person of a bulk registration is
        checked against a head count that includes this one."""
        self.session.add_all([staff, establishment])
        self.session.flush()

    def list(self, *, org_id: str | None, specialty: str | None, title_level: str | None,
             qualification: str | None, limit: int, offset: int, name: str | None = None) -> tuple[list[Staff], int]:
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

    def names(self, staff_ids: list[str]) -> dict[str, str]:
        rows = self.session.execute(select(Staff.staff_id, Staff.name).where(Staff.staff_id.in_(staff_ids)))
        return {staff_id: name for staff_id, name in rows}

    def add_title_change(self, change: TitleChange) -> None:
        self.session.add(change)

    def title_changes(self, staff_id: str) -> list[TitleChange]:
        return list(self.session.scalars(select(TitleChange).where(TitleChange.staff_id == staff_id)
                                         .order_by(TitleChange.effective_date, TitleChange.change_id)))

    def _staying(self, org_id: str, specialty: str, start: date, end: date, excluding: str):  # noqa: ANN202
        away = exists().where(Posting.staff_id == Staff.staff_id, overlapping(start, end))
        return and_(Staff.home_org_id == org_id, Staff.specialty == specialty, Staff.active.is_(True),
                    Staff.staff_id != excluding, not_(away))

    def available_cover(self, org_id: str, specialty: str, start: date, end: date, excluding: str) -> int:
        """Staff of `org_id` in `specialty` who stay on site for the whole period."""
        return int(self.session.scalar(select(func.count()).select_from(Staff).where(
            self._staying(org_id, specialty, start, end, excluding))) or 0)

    def cover(self, org_id: str, specialty: str, start: date, end: date, excluding: str) -> list[Staff]:
        """The people counted by `available_cover`, loaded so that the caller can lock them."""
        return list(self.session.scalars(select(Staff).where(
            self._staying(org_id, specialty, start, end, excluding)).order_by(Staff.staff_id)))

    def free(self, specialty: str, min_titles: list[str], start: date, end: date, exclude_org: str) -> list[Staff]:
        """Professional staff of the specialty and titles, not posted anywhere during the period."""
        busy = exists().where(Posting.staff_id == Staff.staff_id, overlapping(start, end))
        return list(self.session.scalars(select(Staff).where(
            Staff.specialty == specialty, Staff.title_level.in_(min_titles), Staff.active.is_(True),
            Staff.home_org_id != exclude_org, not_(busy), Staff.qualification.not_in(NON_PROFESSIONAL))))


class PostingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, posting: Posting) -> None:
        self.session.add(posting)

    def get(self, posting_id: str) -> Posting | None:
        return self.session.get(Posting, posting_id)

    def overlapping(self, staff_id: str, start: date, end: date, exclude: str | None = None) -> list[Posting]:
        query = select(Posting).where(Posting.staff_id == staff_id, overlapping(start, end))
        if exclude:
            query = query.where(Posting.posting_id != exclude)
        return list(self.session.scalars(query))

    def of_staff(self, staff_id: str) -> list[Posting]:
        return list(self.session.scalars(select(Posting).where(Posting.staff_id == staff_id)
                                         .order_by(Posting.start_date, Posting.created_at)))

    def of_many(self, staff_ids: list[str]) -> dict[str, list[Posting]]:
        """Each person's postings, oldest first, in one query (a page of people or a bulk registration)."""
        found: dict[str, list[Posting]] = {s: [] for s in staff_ids}
        for p in self.session.scalars(select(Posting).where(Posting.staff_id.in_(staff_ids))
                                      .order_by(Posting.start_date, Posting.created_at)):
            found[p.staff_id].append(p)
        return found

    def of_request(self, request_id: str) -> list[Posting]:
        return list(self.session.scalars(select(Posting).where(Posting.request_id == request_id)
                                         .order_by(Posting.created_at)))

    def of_plan(self, plan_id: str) -> list[Posting]:
        return list(self.session.scalars(select(Posting).where(Posting.plan_id == plan_id)
                                         .order_by(Posting.start_date, Posting.created_at)))

    def at_unit(self, org_id: str, limit: int, offset: int, kind: str | None = None,
                status: str | None = None) -> tuple[list[Posting], int]:
        """Postings to or from the unit, latest start first."""
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
            Posting.status != PostingStatus.ENDED.value)).first()

    def days_seconded(self, staff_ids: list[str], start: date, end: date) -> dict[str, int]:
        """Days of temporary postings per person within [start, end] (date arithmetic differs by
        dialect, so the clipping runs here over the few overlapping rows)."""
        if not staff_ids:
            return {}
        rows = self.session.execute(select(Posting.staff_id, Posting.start_date, effective_end()).where(
            Posting.staff_id.in_(staff_ids), overlapping(start, end))).all()
        days: dict[str, int] = {}
        for staff_id, s, e in rows:
            days[staff_id] = days.get(staff_id, 0) + ((min(e, end) - max(s, start)).days + 1)
        return days

    def covering(self, org_id: str, specialty: str, day: date) -> int:
        """People seconded or rotated down to `org_id` in `specialty` on `day`."""
        return int(self.session.scalar(select(func.count()).select_from(Posting).join(
            Staff, Staff.staff_id == Posting.staff_id).where(
            Posting.org_id == org_id, Staff.specialty == specialty, Posting.kind.in_([k.value for k in DOWNWARD_KINDS]),
            Posting.start_date <= day, effective_end() >= day)) or 0)

    def temporary_in(self, start: date, end: date, kinds: list[PostingKind]) -> list[tuple[Posting, Staff]]:
        """Temporary postings of the kinds that occupy a day of [start, end], with their holders."""
        return list(self.session.execute(select(Posting, Staff).join(Staff, Staff.staff_id == Posting.staff_id)
                                         .where(Posting.kind.in_([k.value for k in kinds]), overlapping(start, end))
                                         .order_by(Posting.org_id, Staff.staff_id)))

    def gp_establishments_in(self, start: date, end: date, primary_orgs: list[str]) -> list[tuple[Posting, Staff]]:
        """General practitioners established at the primary units during [start, end], with their postings."""
        return list(self.session.execute(select(Posting, Staff).join(Staff, Staff.staff_id == Posting.staff_id).where(
            Posting.kind == PostingKind.ESTABLISHMENT.value, Posting.org_id.in_(primary_orgs),
            Staff.specialty == Specialty.GENERAL_PRACTICE.value, Posting.start_date <= end,
            func.coalesce(Posting.ended_on, Posting.end_date, date.max) >= start)
            .order_by(Posting.org_id, Staff.staff_id)))
