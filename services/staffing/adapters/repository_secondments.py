"""Queries of the two ways temporary postings are decided: a township's secondment requests and rotation plans."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .tables import RotationPlan, SecondmentRequest


class SecondmentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, request: SecondmentRequest) -> None:
        self.session.add(request)

    def get(self, request_id: str) -> SecondmentRequest | None:
        return self.session.get(SecondmentRequest, request_id)

    def list(self, org_id: str | None, status: str | None, limit: int,
             offset: int) -> tuple[list[SecondmentRequest], int]:
        """Newest first."""
        query = select(SecondmentRequest)
        if org_id:
            query = query.where(SecondmentRequest.org_id == org_id)
        if status:
            query = query.where(SecondmentRequest.status == status)
        total = self.session.scalar(select(func.count()).select_from(query.subquery()))
        rows = self.session.scalars(query.order_by(SecondmentRequest.created_at.desc()).limit(limit)
                                    .offset(offset)).all()
        return list(rows), int(total or 0)


class RotationPlanRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, plan: RotationPlan) -> None:
        self.session.add(plan)

    def get(self, plan_id: str) -> RotationPlan | None:
        return self.session.get(RotationPlan, plan_id)

    def list(self, limit: int, offset: int) -> tuple[list[RotationPlan], int]:
        """Newest first."""
        total = self.session.scalar(select(func.count()).select_from(RotationPlan))
        rows = self.session.scalars(select(RotationPlan).order_by(RotationPlan.created_at.desc())
                                    .limit(limit).offset(offset)).all()
        return list(rows), int(total or 0)
