"""Receiving capabilities: which township can receive which specialty, kept from staffing's posting events."""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from .tables import CapabilityRow


class CapabilityRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get_or_new(self, posting_id: str) -> CapabilityRow:
        row = self.session.get(CapabilityRow, posting_id)
        if row is None:
            row = CapabilityRow(posting_id=posting_id)
            self.session.add(row)
        return row

    def _active(self, today: date):  # noqa: ANN202
        return and_(CapabilityRow.start_date.is_not(None), CapabilityRow.start_date <= today,
                    or_(CapabilityRow.end_date.is_(None), CapabilityRow.end_date >= today),
                    or_(CapabilityRow.ended_on.is_(None), CapabilityRow.ended_on > today))

    def can_receive(self, org_id: str, specialty: str, today: date) -> bool:
        query = select(func.count()).select_from(CapabilityRow).where(
            CapabilityRow.org_id == org_id, CapabilityRow.specialty == specialty, self._active(today))
        return bool(self.session.scalar(query))

    def current(self, today: date, org_ids: list[str] | None = None) -> list[CapabilityRow]:
        query = select(CapabilityRow).where(self._active(today))
        if org_ids is not None:
            query = query.where(CapabilityRow.org_id.in_(org_ids))
        return list(self.session.scalars(query.order_by(CapabilityRow.org_id, CapabilityRow.specialty)))
