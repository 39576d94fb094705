"""The SQL behind the contract roster and the capitation paid over it: bulk inserts with one driver-level
executemany per batch, a resident's contracts by its key, and a month's capitation as INSERT … SELECT."""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Iterable, NamedTuple

from sqlalchemy import and_, case, delete, func, insert, literal, or_, select, text, update
from sqlalchemy.orm import Session

from . import tables as t
from . import tables_roster as r
from .sql import bulk_cache, dialect_insert, insert_ignore, is_postgres, key_taken


class ContractKind(NamedTuple):
    """What a contract's amount depends on: its key groups and its package."""

    key_groups: int
    package: str


class UnitLines(NamedTuple):
    """A run's lines of one unit, summed."""

    org_id: str
    contracts: int
    amount_fen: int
    fee_fund_fen: int


class StoredContract(NamedTuple):
    contract_id: int
    resident_key: str
    org_id: str
    team: str
    package: str
    key_groups: int
    start_date: date
    end_date: date | None
    recording_id: int


def recorded_contracts():  # noqa: ANN201
    """Contracts with who recorded them, when and how (their recording's columns)."""
    c, rec = r.contracts, r.contract_recordings
    return select(c, rec.c.source, rec.c.upload_id, rec.c.recorded_by, rec.c.recorded_at).join(
        rec, rec.c.recording_id == c.c.recording_id)


def _day(value) -> date | None:  # noqa: ANN001
    return date.fromisoformat(value) if isinstance(value, str) else value


class Roster:
    """Contracts: written in bulk by an import, one by one by add, end and transfer."""

    BULK_COLUMNS = ("resident_key", "resident_masked", "org_id", "consortium_id", "team", "package", "key_groups",
                    "start_date", "end_date", "recording_id")

    def __init__(self, session: Session) -> None:
        self.session = session
        self._mark = "?" if session.get_bind().dialect.paramstyle == "qmark" else "%s"

    def to_db(self, column: str, value):  # noqa: ANN001, ANN201
        """A value as the driver receives it (SQLite keeps dates as text): converted once, reused per row."""
        dialect = self.session.get_bind().dialect
        processor = r.contracts.c[column].type.dialect_impl(dialect).bind_processor(dialect)
        return processor(value) if processor else value

    def bulk(self, cache_mb: int):  # noqa: ANN201
        """For the duration of an import: a page cache that holds the (resident key, start) index (SQLite)."""
        return bulk_cache(self.session, cache_mb)

    def new_recording(self, source: str, upload_id: str | None, recorded_by: str, recorded_at) -> int:  # noqa: ANN001
        """Who records contracts, when and how: one row for a whole import, one per API add or transfer."""
        return self.session.execute(insert(r.contract_recordings).values(
            source=source, upload_id=upload_id, recorded_by=recorded_by, recorded_at=recorded_at)
        ).inserted_primary_key[0]

    def insert_rows(self, rows: list[tuple]) -> None:
        if rows:
            sql = (f"INSERT INTO contracts ({', '.join(self.BULK_COLUMNS)}) "
                   f"VALUES ({', '.join([self._mark] * len(self.BULK_COLUMNS))})")
            with key_taken("some of these contracts were recorded by another request at the same time; nothing of "
                           "this file was stored, upload it again"):
                self.session.connection().exec_driver_sql(sql, rows)

    def of_residents(self, keys: list[str]) -> dict[str, list[StoredContract]]:
        """Every contract of these residents (the batch's own earlier rows included: same transaction)."""
        if not keys:
            return {}
        sql = ("SELECT contract_id, resident_key, org_id, team, package, key_groups, start_date, end_date, recording_id "
               f"FROM contracts WHERE resident_key IN ({', '.join([self._mark] * len(keys))})")
        found: dict[str, list[StoredContract]] = defaultdict(list)
        for row in self.session.connection().exec_driver_sql(sql, tuple(keys)):
            found[row[1]].append(StoredContract(row[0], row[1], row[2], row[3], row[4], row[5], _day(row[6]),
                                                _day(row[7]), row[8]))
        return found

    def add(self, values: dict) -> int:
        with key_taken("the same contract was recorded by another request at the same time; read it again"):
            return self.session.execute(insert(r.contracts).values(**values)).inserted_primary_key[0]

    def get(self, contract_id: int, lock: bool = False):  # noqa: ANN201
        query = recorded_contracts().where(r.contracts.c.contract_id == contract_id)
        if lock and is_postgres(self.session):
            query = query.with_for_update(of=r.contracts)
        return self.session.execute(query).first()

    def end(self, contract_id: int, end_date: date, ended_by: str, reason: str) -> None:
        self.session.execute(update(r.contracts).where(r.contracts.c.contract_id == contract_id).values(
            end_date=end_date, ended_by=ended_by, end_reason=reason))

    def change_end(self, contract_id: int, before: date | None, after: date | None, by: str, upload_id: str,
                   line: int, at) -> None:  # noqa: ANN001
        """A re-upload's new end date, with its history row (the contract keeps the latest only)."""
        self.session.execute(update(r.contracts).where(r.contracts.c.contract_id == contract_id).values(
            end_date=after, ended_by=by if after is not None else None,
            end_reason=f"roster upload {upload_id}, line {line}" if after is not None else None))
        self.session.execute(insert(r.contract_end_changes).values(
            contract_id=contract_id, previous_end_date=before, end_date=after, upload_id=upload_id, line=line,
            changed_by=by, changed_at=at))

    def end_changes(self, contract_id: int) -> list[dict]:
        ch = r.contract_end_changes
        return [dict(row._mapping) for row in self.session.execute(
            select(ch).where(ch.c.contract_id == contract_id).order_by(ch.c.change_id))]

    def last_paid_month(self, contract_id: int) -> str | None:
        lines = r.capitation_lines
        return self.session.execute(select(func.max(lines.c.month)).where(lines.c.contract_id == contract_id)
                                    ).scalar_one()

    # -- capitation ---------------------------------------------------------------------------------------------

    def take_month(self, consortium_id: str, month: str) -> None:
        """Runs for one consortium and month go one at a time: the second waits here until the first commits,
        then reads its lines. The roster itself holds still for the run (SHARE: reads go on, a contract being
        written waits), so what the run counts is what it pays. SQLite runs write transactions one at a time."""
        self.session.execute(insert_ignore(self.session, r.capitation_months).values(
            consortium_id=consortium_id, month=month))
        if is_postgres(self.session):
            m = r.capitation_months
            self.session.execute(select(m.c.month).where(m.c.consortium_id == consortium_id, m.c.month == month)
                                 .with_for_update())
            self.session.execute(text("LOCK TABLE contracts IN SHARE MODE"))

    @staticmethod
    def _active(consortium_id: str, day: date):  # noqa: ANN205
        c = r.contracts
        return and_(c.c.consortium_id == consortium_id, c.c.start_date <= day,
                    or_(c.c.end_date.is_(None), c.c.end_date >= day))

    def _active_outside(self, consortium_id: str, day: date, exclude: set[str]):  # noqa: ANN202
        condition = self._active(consortium_id, day)
        return and_(condition, r.contracts.c.org_id.not_in(sorted(exclude))) if exclude else condition

    def units_with_contracts(self, consortium_id: str, day: date) -> set[str]:
        c = r.contracts
        return set(self.session.execute(select(c.c.org_id).where(self._active(consortium_id, day)).distinct()
                                        ).scalars())

    def units_paid_from_roster(self, consortium_id: str, month: str) -> set[str]:
        runs = r.capitation_runs
        return set(self.session.execute(select(r.capitation_lines.c.org_id).join(
            runs, runs.c.run_id == r.capitation_lines.c.run_id).where(
            runs.c.consortium_id == consortium_id, runs.c.month == month).distinct()).scalars())

    def kinds_active(self, consortium_id: str, day: date, exclude: set[str]) -> list[ContractKind]:
        """The (key groups, package) pairs of the contracts in force on the day: a handful, whatever the size of
        the roster; the run's CASE over them prices every contract in SQL."""
        c = r.contracts
        rows = self.session.execute(select(c.c.key_groups, c.c.package).where(
            self._active_outside(consortium_id, day, exclude)).distinct())
        return [ContractKind(int(g), p) for g, p in rows]

    def pay_month(self, run_id: str, consortium_id: str, month: str, day: date,
                  amount_by_groups: dict[int, tuple[int, int]], fee_fund_by_package: dict[str, int],
                  exclude: set[str]) -> None:
        """Inserts one line per active contract not yet paid for the month: its weight and amount looked up by
        its key groups, and the fund's share of its package fee when no month of it has been paid. One
        INSERT … SELECT; a contract paid for the month already is skipped by the (contract, month) key itself
        (ON CONFLICT DO NOTHING), with no lookup of its own."""
        c, lines = r.contracts, r.capitation_lines
        weight = case({g: w for g, (w, _) in amount_by_groups.items()}, value=c.c.key_groups, else_=0)
        amount = case({g: a for g, (_, a) in amount_by_groups.items()}, value=c.c.key_groups, else_=0)
        first = ~select(lines.c.contract_id).where(lines.c.contract_id == c.c.contract_id).exists()
        fee = case((first, case(fee_fund_by_package, value=c.c.package, else_=0)), else_=0) \
            if any(fee_fund_by_package.values()) else literal(0)
        query = select(c.c.contract_id, literal(month), literal(run_id), c.c.org_id, weight, amount, fee).where(
            self._active_outside(consortium_id, day, exclude))
        self.session.execute(insert_ignore(self.session, lines).from_select(
            ["contract_id", "month", "run_id", "org_id", "weight_bp", "amount_fen", "fee_fund_fen"], query))

    def run_totals(self, run_id: str) -> list[UnitLines]:
        """One aggregate over the run's lines, per unit (what it actually paid)."""
        lines = r.capitation_lines
        rows = self.session.execute(
            select(lines.c.org_id, func.count(), func.sum(lines.c.amount_fen), func.sum(lines.c.fee_fund_fen))
            .where(lines.c.run_id == run_id).group_by(lines.c.org_id).order_by(lines.c.org_id))
        return [UnitLines(o, int(n), int(a), int(f)) for o, n, a, f in rows]

    def drop_run(self, run_id: str) -> None:
        """A run that found every contract paid already leaves no row."""
        self.session.execute(delete(r.capitation_runs).where(r.capitation_runs.c.run_id == run_id))

    def unit_payments(self, consortium_id: str, month: str) -> dict:
        """The month's capitation rows of the consortium's units (GET /capitation), by unit."""
        cp = t.capitation_payments
        return {row.org_id: row for row in self.session.execute(
            select(cp).where(cp.c.consortium_id == consortium_id, cp.c.period == month))}

    def save_unit_payment(self, row: dict, exists: bool) -> None:
        cp = t.capitation_payments
        if exists:
            self.session.execute(update(cp).where(cp.c.org_id == row["org_id"], cp.c.period == row["period"])
                                 .values(**row))
        else:
            self.session.execute(insert(cp).values(**row))

    def save_run(self, values: dict) -> None:
        self.session.execute(insert(r.capitation_runs).values(**values))

    def finish_run(self, run_id: str, **totals: object) -> None:
        self.session.execute(update(r.capitation_runs).where(r.capitation_runs.c.run_id == run_id).values(**totals))

    def run(self, run_id: str) -> dict | None:
        row = self.session.execute(select(r.capitation_runs).where(r.capitation_runs.c.run_id == run_id)).first()
        return dict(row._mapping) if row else None

    def lines(self, run_id: str, limit: int, offset: int) -> list[dict]:
        lines, c = r.capitation_lines, r.contracts
        rows = self.session.execute(
            select(lines.c.contract_id, lines.c.org_id, c.c.resident_masked, c.c.package, c.c.key_groups,
                   lines.c.weight_bp, lines.c.amount_fen, lines.c.fee_fund_fen)
            .join(c, c.c.contract_id == lines.c.contract_id).where(lines.c.run_id == run_id)
            .order_by(lines.c.contract_id).limit(limit).offset(offset))
        return [dict(row._mapping) for row in rows]

    def set_census(self, rows: Iterable[dict]) -> None:
        rows = list(rows)
        if rows:
            stmt = dialect_insert(self.session, r.census)
            self.session.execute(stmt.on_conflict_do_update(
                index_elements=["org_id", "group"],
                set_={k: stmt.excluded[k] for k in ("consortium_id", "people", "as_of", "recorded_by", "recorded_at")}),
                rows)


__all__ = ["ContractKind", "Roster", "StoredContract", "UnitLines", "recorded_contracts"]
