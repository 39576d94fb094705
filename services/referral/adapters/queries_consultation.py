"""Consultation indicators in SQL: how many each unit asked of each county department, answer times, and the share
resolved without a referral (the referrals the advice avoided)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from ..domain.indicators import nearest_rank
from .tables_consultation import ConsultationRow as C


@dataclass(frozen=True)
class ConsultationCount:
    from_org_id: str
    to_org_id: str
    specialty: str
    count: int


@dataclass(frozen=True)
class AnswerFigures:
    answers: int
    resolved_without_referral: int
    median_minutes: int | None
    p90_minutes: int | None


class ConsultationQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _scope(self, consortium_id: str, org_id: str | None) -> list[ColumnElement[bool]]:
        where = [C.consortium_id == consortium_id]
        if org_id:
            where.append(or_(C.from_org_id == org_id, C.to_org_id == org_id))
        return where

    def asked(self, consortium_id: str, org_id: str | None, start: datetime, end: datetime) -> list[ConsultationCount]:
        keys = (C.from_org_id, C.to_org_id, C.specialty)
        query = (select(*keys, func.count()).where(*self._scope(consortium_id, org_id), C.asked_at >= start,
                                                   C.asked_at < end)
                 .group_by(*keys).order_by(*keys))
        return [ConsultationCount(*row) for row in self.session.execute(query)]

    def answers(self, consortium_id: str, org_id: str | None, start: datetime, end: datetime) -> AnswerFigures:
        answered = and_(*self._scope(consortium_id, org_id), C.answered_at >= start, C.answered_at < end,
                        C.answer_minutes.is_not(None))
        n, resolved = self.session.execute(
            select(func.count(), func.sum(case((C.outcome != "refer_up", 1), else_=0))).where(answered)).one()
        return AnswerFigures(n or 0, resolved or 0, self._percentile(answered, n or 0, 50),
                             self._percentile(answered, n or 0, 90))

    def _percentile(self, answered: ColumnElement[bool], n: int, percent: int) -> int | None:
        rank = nearest_rank(n, percent)
        if rank is None:
            return None
        return self.session.scalar(select(C.answer_minutes).where(answered).order_by(C.answer_minutes)
                                   .offset(rank - 1).limit(1))
