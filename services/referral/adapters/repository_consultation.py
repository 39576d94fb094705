"""Consultations: load and save, the lists a desk reads, and the overdue announcement stamp."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from .tables_consultation import ConsultationRow as C


class ConsultationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: C) -> None:
        self.session.add(row)

    def get(self, consultation_id: str) -> C | None:
        return self.session.get(C, consultation_id)

    def of_unit(self, org_id: str, box: str, statuses: tuple[str, ...], offset: int, limit: int) -> tuple[int, list[C]]:
        mine = {"incoming": C.to_org_id == org_id, "outgoing": C.from_org_id == org_id}.get(
            box, or_(C.to_org_id == org_id, C.from_org_id == org_id))
        where = [mine] + ([C.status.in_(statuses)] if statuses else [])
        query = select(C).where(*where)
        total = self.session.scalar(select(func.count()).select_from(C).where(*where))
        rows = self.session.scalars(query.order_by(C.asked_at.desc(), C.consultation_id).offset(offset).limit(limit))
        return total or 0, list(rows)

    def past_deadline(self, now: datetime, status: str, org_id: str | None = None,
                      unannounced_only: bool = False) -> list[C]:
        query = select(C).where(C.status == status, C.answer_deadline.is_not(None), C.answer_deadline < now)
        if org_id:
            query = query.where(or_(C.to_org_id == org_id, C.from_org_id == org_id))
        if unannounced_only:
            query = query.where(C.overdue_announced_at.is_(None))
        return list(self.session.scalars(query.order_by(C.answer_deadline)))

    def mark_overdue_announced(self, consultation_id: str, now: datetime, status: str) -> bool:
        """Stamped without moving the version: a specialist answering late must not get a 409 for it."""
        result = self.session.execute(
            update(C).where(C.consultation_id == consultation_id, C.status == status,
                            C.overdue_announced_at.is_(None), C.answer_deadline < now)
            .values(overdue_announced_at=now).execution_options(synchronize_session=False))
        return result.rowcount == 1
