"""Repositories: the SQL behind the use cases. Sums and groupings happen in the database."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ..domain.ledger import JournalEntry, account_kind
from . import tables as t


def dialect_insert(session: Session, table: Table):  # noqa: ANN201
    """The database's own INSERT, which knows ON CONFLICT (SQLite and PostgreSQL)."""
    return (pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert)(table)


def insert_ignore(session: Session, table: Table):  # noqa: ANN201
    return dialect_insert(session, table).on_conflict_do_nothing()


class Ledger:
    """Writes journal entries (append-only) and answers balance questions."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def post(self, entry: JournalEntry, posted_by: str, now: datetime) -> str | None:
        """Posts the entry; returns its id (None when it has no non-zero posting)."""
        if entry.is_empty:
            return None
        entry_id = str(uuid.uuid4())
        codes = sorted({p.account for p in entry.postings})
        self.session.execute(insert_ignore(self.session, t.accounts), [
            {"code": c, "kind": account_kind(c), "consortium_id": entry.consortium_id,
             "org_id": c.split(":", 1)[1] if account_kind(c) == "unit" else None, "created_at": now}
            for c in codes])
        self.session.execute(insert(t.journal_entries).values(
            entry_id=entry_id, consortium_id=entry.consortium_id, source_type=entry.source_type,
            source_id=entry.source_id, description=entry.description, posted_by=posted_by, posted_at=now))
        self.session.execute(insert(t.postings), [
            {"entry_id": entry_id, "account_code": p.account, "amount_fen": p.amount_fen, "period": p.period,
             "posted_at": now} for p in entry.postings])
        return entry_id


BOOKED_TABLES = ("claims", "capitation_payments", "advances")


def hold_for_booking(session: Session, table: str) -> None:
    """Taken before a transaction reads the closed months and books into one of BOOKED_TABLES.

    PostgreSQL, read committed: without it a claim could read "March open", a settlement of
    March commit, and the claim then land in closed March, outside the settlement's sums.
    ROW EXCLUSIVE lets bookings run side by side but waits for a settlement being closed
    (hold_for_closing), and makes the settlement wait for bookings in flight. SQLite runs every
    write transaction alone (BEGIN IMMEDIATE), so it needs nothing.
    """
    if table in BOOKED_TABLES and session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"LOCK TABLE {table} IN ROW EXCLUSIVE MODE"))


def hold_for_closing(session: Session) -> None:
    """Taken first thing by a settlement: bookings in flight finish, new ones wait until it commits,
    and two settlements of one database are closed one after the other (the mode conflicts with itself).

    SHARE on policies: a policy version being saved commits before the settlement reads the policy in
    force (so the settlement applies it), and one saved meanwhile waits until the settlement commits
    (so its closed-period check sees it). The booked tables first, then policies: the same order
    everywhere, and no policy save locks a booked table, so the two cannot deadlock.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"LOCK TABLE {', '.join(BOOKED_TABLES)} IN SHARE ROW EXCLUSIVE MODE"))
        session.execute(text("LOCK TABLE policies IN SHARE MODE"))


def hold_for_policy_change(session: Session) -> None:
    """Taken by a policy save before it reads the settled months: its check and its insert are one
    step against a settlement being closed (hold_for_closing). Without it, on PostgreSQL, a version
    could read "March open" while a settlement of March read the old policy, and both commit: the
    new version then claims a period settled under another. SHARE ROW EXCLUSIVE conflicts with the
    settlement's SHARE and with itself (two saves of a year number their versions one after the other)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE policies IN SHARE ROW EXCLUSIVE MODE"))


class Claims:
    def __init__(self, session: Session) -> None:
        self.session = session

    def hold_for_booking(self) -> None:
        hold_for_booking(self.session, "claims")

    def closed_months(self, consortium_id: str) -> set[str]:
        s = t.settlements
        rows = self.session.execute(select(s.c.first_month, s.c.last_month).where(s.c.consortium_id == consortium_id))
        months: set[str] = set()
        for first, last in rows:
            year = int(first[:4])
            months.update(f"{year:04d}-{m:02d}" for m in range(int(first[5:]), int(last[5:]) + 1))
        return months

    def existing(self, claim_nos: list[str]) -> dict[str, tuple]:
        c = t.claims
        rows = self.session.execute(select(c.c.claim_no, c.c.kind, c.c.org_id, c.c.amount_fen, c.c.service_date)
                                    .where(c.c.claim_no.in_(claim_nos)))
        return {r.claim_no: (r.kind, r.org_id, r.amount_fen, r.service_date) for r in rows}

    def insert_many(self, rows: list[dict]) -> None:
        if rows:
            self.session.execute(insert(t.claims), rows)

    # -- bulk path: driver-level executemany, values already in the database's own form --------
    BULK_COLUMNS = ("claim_no", "kind", "org_id", "consortium_id", "amount_fen", "service_date", "period", "late",
                    "source", "upload_id", "recorded_by", "recorded_at")

    def to_db(self, column: str, value):  # noqa: ANN001, ANN201
        """A value as the driver receives it (SQLite stores dates as text): convert once, reuse per row."""
        dialect = self.session.get_bind().dialect
        processor = t.claims.c[column].type.dialect_impl(dialect).bind_processor(dialect)
        return processor(value) if processor else value

    def _placeholders(self, n: int) -> str:
        mark = "?" if self.session.get_bind().dialect.paramstyle == "qmark" else "%s"
        return ", ".join([mark] * n)

    def insert_rows(self, rows: list[tuple]) -> None:
        """Rows in BULK_COLUMNS order, converted with `to_db`: one executemany, no per-row objects."""
        if rows:
            sql = (f"INSERT INTO claims ({', '.join(self.BULK_COLUMNS)}) "
                   f"VALUES ({self._placeholders(len(self.BULK_COLUMNS))})")
            self.session.connection().exec_driver_sql(sql, rows)

    def existing_raw(self, claim_nos: list[str]) -> dict[str, tuple]:
        """(kind, org_id, amount_fen, service_date in database form, upload_id) of the numbers already recorded."""
        if not claim_nos:
            return {}
        sql = (f"SELECT claim_no, kind, org_id, amount_fen, service_date, upload_id FROM claims "
               f"WHERE claim_no IN ({self._placeholders(len(claim_nos))})")
        rows = self.session.connection().exec_driver_sql(sql, tuple(claim_nos))
        return {r[0]: tuple(r[1:]) for r in rows}

    def totals(self, consortium_id: str, first_month: str, last_month: str) -> dict[tuple[str, str], int]:
        """Spending by (kind, org) over a month range: one SUM … GROUP BY pass over the claims,
        from which both the per-kind totals and the distribution weights are read."""
        c = t.claims
        rows = self.session.execute(
            select(c.c.kind, c.c.org_id, func.sum(c.c.amount_fen)).where(
                c.c.consortium_id == consortium_id, c.c.period >= first_month, c.c.period <= last_month,
            ).group_by(c.c.kind, c.c.org_id))
        return {(kind, org): int(total) for kind, org, total in rows}
