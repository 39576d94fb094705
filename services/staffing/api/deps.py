"""Route dependencies and ORM-to-response conversion shared by the routers."""
from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Query

from platform_common.deps import CallerDep as Caller
from platform_common.deps import RuntimeDep as Runtime

from ..adapters.tables import Posting, SecondmentRequest, Staff, TitleChange
from . import schemas

__all__ = ["Caller", "Runtime", "Limit", "Offset"]
Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0, le=2**31 - 1)]  # beyond: an integer the database cannot bind


def posting_out(p: Posting) -> schemas.PostingOut:
    return schemas.PostingOut.model_validate(p, from_attributes=True)


def staff_out(s: Staff, current: Posting | None = None, postings: list[Posting] | None = None,
              titles: list[TitleChange] | None = None) -> schemas.StaffOut:
    return schemas.StaffOut(
        staff_id=s.staff_id, name=s.name, id_number=s.id_number_masked, qualification=s.qualification,
        title_level=s.title_level, specialty=s.specialty, pool=s.pool, home_org_id=s.home_org_id,
        current_posting=posting_out(current) if current else None,
        postings=[posting_out(p) for p in postings] if postings is not None else None,
        title_changes=[schemas.TitleChangeOut.model_validate(t, from_attributes=True) for t in titles]
        if titles is not None else None)


def current_posting(postings: list[Posting], day: date) -> Posting | None:
    """Where the person is today: a temporary posting in force, else their establishment."""
    for p in postings:
        if p.kind != "establishment" and p.start_date <= day <= (p.ended_on or p.end_date):
            return p
    return next((p for p in postings if p.kind == "establishment" and p.status != "ended"), None)


def request_out(r: SecondmentRequest, postings: list[Posting]) -> schemas.SecondmentOut:
    out = schemas.SecondmentOut.model_validate(r, from_attributes=True)
    return out.model_copy(update={"postings": [posting_out(p) for p in postings]})
