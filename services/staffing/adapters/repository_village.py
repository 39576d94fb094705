"""Queries of village doctors (乡聘村用): their village postings, qualification changes and schedules."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from ..domain.model import PostingKind
from ..domain.village import VILLAGE_POOL, QualificationChange, qualification_on
from .tables import Posting, Staff, TitleChange, VillageSchedule


def _in_force(on: date):  # noqa: ANN202
    return and_(Posting.kind == PostingKind.VILLAGE.value, Posting.start_date <= on,
                func.coalesce(Posting.ended_on, Posting.end_date, date.max) >= on)


@dataclass(frozen=True)
class VillagePosted:
    """A person posted to a village clinic on a day, with the qualification they held that day."""

    posting: Posting
    staff: Staff
    qualification: str


class VillageRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: Staff | Posting | VillageSchedule | TitleChange) -> None:
        self.session.add(row)

    def flush(self) -> None:
        self.session.flush()

    def open_posting(self, staff_id: str, on: date) -> Posting | None:
        """The person's village posting in force on `on`, if any."""
        return self.session.scalars(select(Posting).where(Posting.staff_id == staff_id, _in_force(on))).first()

    def posted_on(self, on: date, clinic_ids: list[str] | None = None) -> list[VillagePosted]:
        """Everyone posted to a village clinic on `on` (of `clinic_ids` if given), with that day's qualification."""
        query = select(Posting, Staff).join(Staff, Staff.staff_id == Posting.staff_id).where(
            _in_force(on), Staff.active.is_(True))
        if clinic_ids is not None:
            query = query.where(Posting.org_id.in_(clinic_ids))
        rows = list(self.session.execute(query.order_by(Posting.org_id, Staff.name, Staff.staff_id)))
        changes = self.qualification_changes([s.staff_id for _, s in rows])
        return [VillagePosted(p, s, qualification_on(s.qualification, changes.get(s.staff_id, []), on))
                for p, s in rows]

    def qualification_changes(self, staff_ids: list[str]) -> dict[str, list[QualificationChange]]:
        found: dict[str, list[QualificationChange]] = {}
        if not staff_ids:
            return found
        for c in self.session.scalars(select(TitleChange).where(
                TitleChange.staff_id.in_(staff_ids), TitleChange.from_qualification != TitleChange.to_qualification)
                .order_by(TitleChange.effective_date, TitleChange.change_id)):
            found.setdefault(c.staff_id, []).append(
                QualificationChange(c.effective_date, c.from_qualification, c.to_qualification))
        return found

    def village_doctors(self, township_ids: list[str] | None, limit: int, offset: int) -> tuple[list[Staff], int]:
        """The people a township hired for its villages (pool `village`), by name."""
        query = select(Staff).where(Staff.pool == VILLAGE_POOL, Staff.active.is_(True))
        if township_ids is not None:
            query = query.where(Staff.home_org_id.in_(township_ids))
        total = self.session.scalar(select(func.count()).select_from(query.subquery()))
        rows = self.session.scalars(query.order_by(Staff.name, Staff.staff_id).limit(limit).offset(offset)).all()
        return list(rows), int(total or 0)

    def village_postings_in(self, start: date, end: date) -> list[tuple[Posting, Staff]]:
        """Village postings of village doctors (pool `village`) that occupy a day of [start, end]."""
        return list(self.session.execute(select(Posting, Staff).join(Staff, Staff.staff_id == Posting.staff_id).where(
            Posting.kind == PostingKind.VILLAGE.value, Staff.pool == VILLAGE_POOL, Posting.start_date <= end,
            func.coalesce(Posting.ended_on, Posting.end_date, date.max) >= start)
            .order_by(Posting.org_id, Staff.staff_id)))

    # -- schedules --------------------------------------------------------------------------------------------
    def schedule(self, schedule_id: str) -> VillageSchedule | None:
        return self.session.get(VillageSchedule, schedule_id)

    def schedules(self, *, staff_id: str | None = None, clinic_ids: list[str] | None = None,
                  start: date | None = None, end: date | None = None) -> list[VillageSchedule]:
        """Schedules not removed, of a person or of clinics, meeting [start, end] when given."""
        query = select(VillageSchedule).where(VillageSchedule.removed_at.is_(None))
        if staff_id:
            query = query.where(VillageSchedule.staff_id == staff_id)
        if clinic_ids is not None:
            query = query.where(VillageSchedule.clinic_id.in_(clinic_ids))
        if start and end:
            query = query.where(VillageSchedule.start_date <= end, VillageSchedule.end_date >= start)
        return list(self.session.scalars(query.order_by(VillageSchedule.start_date, VillageSchedule.schedule_id)))

    def away_postings(self, staff_id: str, start: date, end: date) -> list[Posting]:
        """The person's secondments and rotations meeting [start, end] (they are elsewhere then)."""
        return list(self.session.scalars(select(Posting).where(
            Posting.staff_id == staff_id, Posting.kind.in_([k.value for k in PostingKind if k.temporary]),
            Posting.start_date <= end, func.coalesce(Posting.ended_on, Posting.end_date) >= start)))
