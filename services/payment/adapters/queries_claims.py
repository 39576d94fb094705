"""Claim read models: a filtered, sorted page with the count and sum of every match."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import tables as t

SORT_KEYS = {"service_date": t.claims.c.service_date, "amount_fen": t.claims.c.amount_fen,
             "claim_no": t.claims.c.claim_no, "recorded_at": t.claims.c.recorded_at}


@dataclass(frozen=True)
class ClaimFilter:
    consortium_id: str | None = None
    org_id: str | None = None
    period: str | None = None
    kind: str | None = None
    late: bool | None = None
    claim_no_prefix: str | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class ClaimPage:
    total: int
    amount_fen: int
    items: list[dict]


class ClaimQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def page(self, f: ClaimFilter, sort: str, descending: bool, limit: int, offset: int) -> ClaimPage:
        """`sort` one of SORT_KEYS. The service dates also bound the booked month from below (a claim is never
        booked before its service month), so the (consortium, month) index narrows the search."""
        c = t.claims
        where = []
        for column, value in ((c.c.consortium_id, f.consortium_id), (c.c.org_id, f.org_id),
                              (c.c.period, f.period), (c.c.kind, f.kind)):
            if value:
                where.append(column == value)
        if f.late is not None:
            where.append(c.c.late == f.late)
        if f.claim_no_prefix:
            where.append(c.c.claim_no.startswith(f.claim_no_prefix, autoescape=True))
        if f.date_from:
            where.append(c.c.service_date >= f.date_from)
            where.append(c.c.period >= f"{f.date_from.year:04d}-{f.date_from.month:02d}")
        if f.date_to:
            where.append(c.c.service_date <= f.date_to)
        column = SORT_KEYS[sort]
        total, amount = self.session.execute(select(func.count(), func.coalesce(func.sum(c.c.amount_fen), 0))
                                             .select_from(c).where(*where)).one()
        rows = self.session.execute(select(c).where(*where).order_by(column.desc() if descending else column,
                                                                     c.c.claim_no).limit(limit).offset(offset))
        # int(): PostgreSQL sums bigint to numeric (Decimal)
        return ClaimPage(total, int(amount), [dict(r._mapping) for r in rows])
