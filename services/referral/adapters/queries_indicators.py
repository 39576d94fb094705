"""Indicator counts in SQL (a read model): one query per figure, all filtered by consortium and optionally one
unit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from ..domain.indicators import IndicatorCounts, nearest_rank
from .tables import ReferralRow as R, TransitionRow as T, VisitVolumeRow as V, organisations

DECISIONS = ("accept", "reject", "redirect")


@dataclass(frozen=True)
class IndicatorScope:
    """What the figures count: a consortium (or one unit of it), over a period's instants [start, end) and its
    days and months."""

    consortium_id: str
    org_id: str | None
    start: datetime
    end: datetime
    first_day: date
    last_day: date
    months: list[str]


class IndicatorQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def counts(self, scope: IndicatorScope) -> IndicatorCounts:
        return _ScopedQueries(self.session, scope).counts()


class _ScopedQueries:
    def __init__(self, session: Session, scope: IndicatorScope) -> None:
        self.s, self.consortium_id, self.org_id = session, scope.consortium_id, scope.org_id
        self.start, self.end, self.first_day, self.last_day = scope.start, scope.end, scope.first_day, scope.last_day
        self.months = scope.months

    def _party(self) -> ColumnElement[bool]:
        scope = R.consortium_id == self.consortium_id
        if self.org_id:
            scope = and_(scope, or_(R.from_org_id == self.org_id, R.to_org_id == self.org_id))
        return scope

    def _count(self, *where: ColumnElement[bool]) -> int:
        return self.s.scalar(select(func.count()).select_from(R).where(self._party(), *where)) or 0

    def _created(self) -> ColumnElement[bool]:
        return and_(R.created_at >= self.start, R.created_at < self.end)

    def _served(self) -> ColumnElement[bool]:
        return and_(R.service_date >= self.first_day, R.service_date <= self.last_day)

    def _decisions(self, actions: tuple[str, ...]):  # noqa: ANN202
        query = select(T.response_minutes).join(R, T.referral_id == R.referral_id).where(
            R.consortium_id == self.consortium_id, R.direction == "upward", T.action.in_(actions),
            T.at >= self.start, T.at < self.end, T.response_minutes.is_not(None))
        if self.org_id:
            # a hospital answers; a township's own figures are the answers its referrals got
            query = query.where(or_(T.actor_org_id == self.org_id, R.from_org_id == self.org_id))
        return query

    def _count_decisions(self, actions: tuple[str, ...]) -> int:
        return self.s.scalar(select(func.count()).select_from(self._decisions(actions).subquery())) or 0

    def _response_percentile(self, percent: int) -> int | None:
        rank = nearest_rank(self._count_decisions(DECISIONS), percent)
        if rank is None:
            return None
        return self.s.scalar(self._decisions(DECISIONS).order_by(T.response_minutes).offset(rank - 1).limit(1))

    def _reported_visits(self) -> int:
        query = select(func.coalesce(func.sum(V.visits), 0)).where(V.month.in_(self.months))
        if self.org_id:
            query = query.where(V.org_id == self.org_id)
        else:
            members = select(organisations.c.org_id).where(organisations.c.consortium_id == self.consortium_id)
            query = query.where(V.org_id.in_(members))
        return self.s.scalar(query) or 0

    def _chronic_patients(self, *directions: str) -> int:
        query = select(func.count(func.distinct(R.patient_key))).where(
            self._party(), self._created(), R.chronic_condition.is_not(None), R.direction.in_(directions))
        return self.s.scalar(query) or 0

    def counts(self) -> IndicatorCounts:
        return IndicatorCounts(
            completed_upward=self._count(R.direction == "upward", R.status == "completed", self._served()),
            reported_visits=self._reported_visits(),
            out_of_county=self._count(R.direction == "out_of_county", self._served()),
            upward=self._count(R.direction == "upward", self._created()),
            downward=self._count(R.direction == "downward", self._created()),
            decisions=self._count_decisions(DECISIONS),
            acceptances=self._count_decisions(("accept",)),
            chronic_patients=self._chronic_patients("upward", "downward"),
            chronic_patients_down=self._chronic_patients("downward"),
            median_response_minutes=self._response_percentile(50),
            p90_response_minutes=self._response_percentile(90),
        )
