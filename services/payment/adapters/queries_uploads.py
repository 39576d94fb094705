"""Upload read models: the listing, and the rejected rows paged or in slices for a download."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import tables as t

ERROR_COLUMNS = ("line", "claim_no", "field", "reason")


class UploadQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def page(self, purpose: str, consortium_id: str | None, limit: int, offset: int) -> tuple[int, list[dict]]:
        """Uploads newest first; with `consortium_id` only those of its units' users."""
        u, o = t.uploads, t.organisations
        query = select(*t.upload_columns(purpose)).where(u.c.purpose == purpose)
        if consortium_id is not None:
            query = query.where(u.c.uploader_org_id.in_(select(o.c.org_id).where(o.c.consortium_id == consortium_id)))
        total = self.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
        rows = self.session.execute(query.order_by(u.c.uploaded_at.desc()).limit(limit).offset(offset))
        return total, [dict(r._mapping) for r in rows]

    def errors(self, upload_id: str, limit: int, offset: int = 0) -> list[dict]:
        e = t.upload_errors
        rows = self.session.execute(select(*(e.c[k] for k in ERROR_COLUMNS)).where(e.c.upload_id == upload_id)
                                    .order_by(e.c.seq).limit(limit).offset(offset))
        return [dict(r._mapping) for r in rows]

    def errors_after(self, upload_id: str, after: int, limit: int) -> list[tuple[int, list]]:
        """(seq, row in ERROR_COLUMNS order) of the rejected rows after sequence number `after`: a download's
        slice, read by the sequence number (no OFFSET scan)."""
        e = t.upload_errors
        rows = self.session.execute(select(e.c.seq, *(e.c[k] for k in ERROR_COLUMNS)).where(
            e.c.upload_id == upload_id, e.c.seq > after).order_by(e.c.seq).limit(limit))
        return [(row[0], list(row[1:])) for row in rows]
