"""Uploads (claim files and reconciliation files): the upload's own row, its report, and every rejected row."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from . import tables as t


class UploadRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, upload_id: str, **values: object) -> None:
        self.session.execute(insert(t.uploads).values(upload_id=upload_id, **values))

    def update(self, upload_id: str, **values: object) -> None:
        self.session.execute(update(t.uploads).where(t.uploads.c.upload_id == upload_id).values(**values))

    def get(self, upload_id: str, purpose: str) -> dict | None:
        u = t.uploads
        row = self.session.execute(select(*t.upload_columns(purpose)).where(
            u.c.upload_id == upload_id, u.c.purpose == purpose)).first()
        return dict(row._mapping) if row else None

    def fail_running(self, failure: dict, now: datetime) -> int:
        """Every upload still `running` marked failed (at start-up: no job of this process reads it any more)."""
        return self.session.execute(update(t.uploads).where(t.uploads.c.status == "running").values(
            status="failed", finished_at=now, failure=failure)).rowcount

    def add_errors(self, rows: list[dict]) -> None:
        """Rejected rows: upload_id, seq (file order), line, claim_no, field, reason."""
        if rows:
            self.session.execute(insert(t.upload_errors), rows)

    def amend_errors(self, upload_id: str, reasons: dict[int, str]) -> None:
        """New reasons for rejected rows already recorded, by sequence number."""
        if reasons:
            e = t.upload_errors
            self.session.execute(
                update(e).where(e.c.upload_id == bindparam("u"), e.c.seq == bindparam("s")).values(reason=bindparam("r")),
                [{"u": upload_id, "s": seq, "r": reason} for seq, reason in reasons.items()])
