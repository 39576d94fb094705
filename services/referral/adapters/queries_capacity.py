"""Read model of capacity: free places per hospital, department, kind and day in a consortium, and the slots."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, String, case, exists, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from .tables import ReferralRow as R, TransitionRow as T
from .tables_capacity import BookingRow as B, SlotRow as S

VISIT_KINDS = ("outpatient", "bed")


@dataclass(frozen=True)
class CapacityFilter:
    consortium_id: str | None
    org_id: str | None = None
    specialty: str | None = None
    kind: str | None = None
    exam_type: str | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class CapacityLine:
    """One hospital department's kind of capacity (e.g. cardiology's beds), day by day: item i of each list is
    the i-th day of the grid; None where the line published nothing that day."""

    org_id: str
    specialty: str
    kind: str
    exam_type: str
    slots: list[int | None]
    places: list[int | None]
    booked: list[int | None]
    free: list[int | None]
    overflow: list[int | None]


@dataclass(frozen=True)
class CapacityGrid:
    days: list[date]  # every day of the range, in order
    lines: list[CapacityLine]  # by hospital, department, kind, exam


@dataclass(frozen=True)
class BandCapacity:
    slot_id: str
    org_id: str
    specialty: str
    kind: str
    exam_type: str
    day: date
    band_start: str
    band_end: str
    places: int
    booked: int
    free: int
    overflow: int


_FREE = case((S.capacity > S.booked, S.capacity - S.booked), else_=0)


def _where(f: CapacityFilter) -> list[ColumnElement[bool]]:
    # a hospital named was checked to be of the caller's consortium: its own index answers without the zone
    c = S.__table__.c  # Core columns: the grid's query stays a Core one
    where = [c.day >= f.date_from, c.day <= f.date_to] + ([c.consortium_id == f.consortium_id] if not f.org_id else [])
    for column, value in ((c.org_id, f.org_id), (c.specialty, f.specialty), (c.kind, f.kind),
                          (c.exam_type, f.exam_type)):
        if value is not None:
            where.append(column == value)
    return where


class CapacityQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def grid(self, f: CapacityFilter) -> CapacityGrid:
        """One grouped query in the order of the covering index (hospital, day, department...): no sort. Core
        columns, not the mapped ones: plain rows without the ORM's loading step; the day as the driver gives it
        (SQLite's ISO text, PostgreSQL's date), both indexing the grid, no conversion per row. A hospital's 40
        lines over 90 days: 3,600 rows become 40 lines of day-aligned lists."""
        t = S.__table__.c
        keys = (t.org_id, t.day, t.specialty, t.kind, t.exam_type)
        free = case((t.capacity > t.booked, t.capacity - t.booked), else_=0)
        query = (select(t.org_id, type_coerce(t.day, String), t.specialty, t.kind, t.exam_type, func.count(),
                        func.sum(t.capacity), func.sum(t.booked), func.sum(free), func.sum(t.overflow))
                 .where(*_where(f)).group_by(*keys).order_by(*keys))
        days = [f.date_from + timedelta(days=i) for i in range((f.date_to - f.date_from).days + 1)]
        at: dict[date | str, int] = {d: i for i, d in enumerate(days)} | {d.isoformat(): i for i, d in enumerate(days)}
        lines: dict[tuple[str, str, str, str], CapacityLine] = {}
        for org, day, specialty, kind, exam, slots, places, booked, free_, overflow in self.session.execute(query):
            line = lines.get((org, specialty, kind, exam))
            if line is None:
                line = lines[org, specialty, kind, exam] = CapacityLine(
                    org, specialty, kind, exam, *([None] * len(days) for _ in range(5)))
            i = at[day]
            line.slots[i], line.places[i], line.booked[i], line.free[i], line.overflow[i] = \
                slots, places, booked, free_, overflow
        return CapacityGrid(days, [lines[k] for k in sorted(lines)])

    def bands(self, f: CapacityFilter) -> list[BandCapacity]:
        query = (select(S.slot_id, S.org_id, S.specialty, S.kind, S.exam_type, S.day, S.band_start, S.band_end,
                        S.capacity, S.booked, _FREE, S.overflow)
                 .where(*_where(f)).order_by(S.org_id, S.specialty, S.kind, S.exam_type, S.day, S.band_start))
        return [BandCapacity(*row) for row in self.session.execute(query)]


@dataclass(frozen=True)
class BookingFigures:
    accepts: int          # upward acceptances in the period
    booked_accepts: int   # of which held a visit or bed booking when accepted
    visit_bookings: int   # visit and bed bookings on the period's days, kept (not released for another reason)
    no_shows: int         # of which the patient did not come


class CapacityIndicatorQueries:
    """The booking indicators, scoped like the others: the consortium, or one unit (its referrals, sent or
    received)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def figures(self, consortium_id: str, org_id: str | None, start: datetime, end: datetime, first_day: date,
                last_day: date) -> BookingFigures:
        held = exists().where(B.referral_id == T.referral_id, B.kind.in_(VISIT_KINDS), B.booked_at <= T.at,
                              or_(B.released_at.is_(None), B.released_at > T.at))
        accepts = (select(func.count(), func.sum(case((held, 1), else_=0)))
                   .select_from(T).join(R, R.referral_id == T.referral_id)
                   .where(R.consortium_id == consortium_id, R.direction == "upward", T.action == "accept",
                          T.at >= start, T.at < end))
        kept = (select(func.count(), func.sum(case((B.status == "no_show", 1), else_=0)))
                .select_from(B).join(R, R.referral_id == B.referral_id)
                .where(R.consortium_id == consortium_id, B.kind.in_(VISIT_KINDS), B.day >= first_day,
                       B.day <= last_day, B.status.in_(("booked", "no_show"))))
        if org_id:
            accepts = accepts.where(or_(T.actor_org_id == org_id, R.from_org_id == org_id))
            kept = kept.where(or_(R.from_org_id == org_id, B.org_id == org_id))
        answered, booked = self.session.execute(accepts).one()
        visits, missed = self.session.execute(kept).one()
        return BookingFigures(answered or 0, booked or 0, visits or 0, missed or 0)
