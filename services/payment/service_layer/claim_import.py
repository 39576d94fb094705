"""Bulk claims from a CSV file: streamed, batched, idempotent, bad rows reported and skipped.

The file is read line by line (csv over a text wrapper of the spooled upload), validated in
plain Python (no model object per row) and inserted in batches with one executemany each.
Claims already recorded under the same number with the same data are counted as duplicates;
with different data they are reported as bad rows. Ledger postings are aggregated per unit,
kind and month: one journal entry per consortium per upload, traceable by the upload id that
every claim of the upload carries. An XLSX upload arrives here already rewritten as CSV lines
(upload_jobs), so both formats share this one path.
"""
from __future__ import annotations

import csv
import uuid
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import BinaryIO, NamedTuple

from platform_common.auth import Principal, Role
from platform_common.collector import collector_paused
from platform_common.contracts import PAYMENT_TOPIC, PaymentEvent
from platform_common.errors import Conflict, InvalidInput
from platform_common.events import utcnow
from platform_common.web import require_role

from ..adapters.repository_claims import BulkClaimRow, UploadStamp
from ..adapters.sql import KeyTaken
from ..domain.claims import CSV_COLUMNS, DIAGNOSIS_COLUMN, ClaimKind, ClaimRowParser, RowError
from ..domain.ledger import claims_entry
from ..domain.periods import book_month
from ..settings import PaymentSettings
from .access import CLAIM_WRITERS
from .unit_of_work import PaymentUnitOfWork
from .upload_rows import (Progress, RejectedRows, csv_reader, listed_errors, load_upload, open_csv_optional,
                          save_upload)

TWICE = "appears twice in the file with different data"


@dataclass
class UploadCounts:
    """The figures of an upload's report."""

    rows: int = 0
    inserted: int = 0
    duplicates: int = 0
    rejected: int = 0
    amount_fen: int = 0


class LedgerLine(NamedTuple):
    """What the upload's journal entries sum claims by: one posting pair per unit, kind and month."""

    consortium_id: str
    org_id: str
    kind: str
    month: str


def member_units(uow: PaymentUnitOfWork, principal: Principal) -> dict[str, str]:
    consortium = principal.consortium_id if principal.role is Role.FINANCE_OFFICER else None
    return {o.org_id: o.consortium_id for o in uow.orgs.all(uow.session, consortium)
            if o.consortium_id and (o.is_county_hospital or o.is_primary_unit)}


def import_claims(uow: PaymentUnitOfWork, principal: Principal, settings: PaymentSettings, raw: BinaryIO,
                  filename: str | None, upload_id: str | None = None, progress: Progress | None = None) -> dict:
    """Imports the file in this unit of work and commits. `upload_id`: the row a job created (upload_jobs);
    without it the upload's row is created here. `progress` is advanced as the file is read."""
    require_role(principal, *CLAIM_WRITERS)
    units = member_units(uow, principal)  # finance: only the units of its own consortium
    reader, with_diagnosis = open_csv_optional(raw, settings.max_upload_bytes, CSV_COLUMNS, DIAGNOSIS_COLUMN,
                                               progress)
    exists, now = upload_id is not None, utcnow()
    upload_id = upload_id or str(uuid.uuid4())
    if not exists:
        save_upload(uow, upload_id, False, purpose="claims", filename=filename, uploaded_by=principal.username,
                    uploader_org_id=principal.org_id, uploaded_at=now, rows=0, inserted=0, duplicates=0,
                    rejected=0, amount_fen=0, status="running", file_format="csv")
    parser = ClaimRowParser(units, settings.today(), settings.claim_max_fen, with_diagnosis)
    uow.locks.booking("claims")
    closed = {c: uow.claims.closed_months(c) for c in set(units.values())}
    to_db = uow.claims.to_db
    stamp = UploadStamp("upload", upload_id, principal.username, to_db("recorded_at", now))
    late_flag = {flag: to_db("late", flag) for flag in (False, True)}
    booked: dict[tuple[str, date], tuple] = {}  # (consortium, day) -> (day in db form, month, late in db form)
    errors = RejectedRows(uow, upload_id, settings.upload_errors_listed, settings.upload_batch_rows)
    counts = UploadCounts()
    batch: dict[str, BulkClaimRow] = {}
    # The upload's ledger lines, summed as the batches go in: re-reading a million fresh claims to sum them
    # would cost an index the import cannot afford.
    ledger_lines: dict[LedgerLine, int] = defaultdict(int)
    lines: dict[str, int] = {}
    # Named rows at the cost of plain tuples: a NamedTuple's own constructor is a Python function, which cost
    # the import ~12% more CPU per row (measured on 200,000 rows); tuple.__new__ builds the same object.
    named = tuple.__new__

    twice: dict[int, str] = {}  # rejected rows (by seq) whose number's first line went in with an earlier batch

    def reject(line: int, field: str, reason: str, claim_no: str | None = None) -> int:
        counts.rejected += 1
        return errors.add(line, field, reason, claim_no)

    def flush() -> None:
        existing = uow.claims.existing_raw(list(batch))
        fresh = []
        for claim_no, row in batch.items():
            found = existing.get(claim_no)
            if found is None:
                fresh.append(row)
            elif row.same_claim(found):
                counts.duplicates += 1
            elif found.upload_id == upload_id:  # recorded by an earlier batch of this very file
                twice[reject(lines[claim_no], "claim_no", TWICE, claim_no)] = claim_no
            else:
                reject(lines[claim_no], "claim_no", "already recorded with different data", claim_no)
        uow.claims.add_rows(fresh, stamp)
        counts.inserted += len(fresh)
        for row in fresh:
            ledger_lines[named(LedgerLine, (row.consortium_id, row.org_id, row.kind, row.period))] += row.amount_fen
        batch.clear()
        lines.clear()
        if progress is not None:
            progress.rows = counts.rows

    try:
        with collector_paused():  # the rows are acyclic: the collector's walks over them are waste (collector.py)
            for values in reader:
                if not values or values == [""]:
                    continue
                counts.rows += 1
                if counts.rows > settings.upload_max_rows:
                    raise InvalidInput(f"the file has more than {settings.upload_max_rows} rows; split it",
                                       field="file", max_rows=settings.upload_max_rows)
                try:
                    claim = parser.parse(values)
                except RowError as e:
                    reject(reader.line_num, e.field, e.reason, values[0].strip() if values else None)
                    continue
                consortium_id = units[claim.org_id]
                key = (consortium_id, claim.service_date)
                if key not in booked:
                    month, late = book_month(claim.service_date, closed[consortium_id])
                    booked[key] = (to_db("service_date", claim.service_date), month, late_flag[late])
                day, month, late = booked[key]
                row = named(BulkClaimRow, (claim.claim_no, claim.kind.value, claim.org_id, consortium_id,
                                           claim.amount_fen, day, month, late, claim.diagnosis_code))
                if claim.claim_no in batch:
                    if batch[claim.claim_no].same_claim(row):
                        counts.duplicates += 1
                    else:
                        reject(reader.line_num, "claim_no", f"{TWICE} (first on line {lines[claim.claim_no]})",
                               claim.claim_no)
                    continue
                batch[claim.claim_no] = row
                lines[claim.claim_no] = reader.line_num
                if len(batch) >= settings.upload_batch_rows:
                    flush()
            flush()
    except (csv.Error, UnicodeDecodeError) as e:
        raise InvalidInput(f"unreadable CSV near line {reader.line_num}: {e}", field="file") from None
    except KeyTaken:
        # Another upload or request recorded some of these numbers after our duplicate check.
        # Nothing of this upload is kept; sending the file again is safe (idempotent by number).
        uow.rollback()
        raise Conflict("some claim numbers were recorded by another request at the same time; nothing of "
                       "this file was stored, upload it again", field="file") from None

    if twice:
        errors.amend(_name_first_lines(raw, settings.max_upload_bytes, twice))
    errors.flush()
    counts.amount_fen = sum(ledger_lines.values())
    consortium_ids = _post_upload(uow, upload_id, principal.username, now, ledger_lines)
    save_upload(uow, upload_id, True, **asdict(counts), status="done", finished_at=utcnow())
    if counts.inserted:
        # One summary event per upload rather than one ClaimRecorded per row (see docs/payment.md).
        uow.record(PAYMENT_TOPIC, PaymentEvent.CLAIMS_IMPORTED, "claim_upload", upload_id, {
            "upload_id": upload_id, "inserted": counts.inserted, "amount_fen": counts.amount_fen,
            "consortium_ids": consortium_ids})
    uow.commit()
    return {"upload_id": upload_id, "filename": filename, "status": "done", **asdict(counts),
            "errors": errors.view(), "errors_truncated": counts.rejected > len(errors.listed)}


def _name_first_lines(raw: BinaryIO, limit_bytes: int, twice: dict[int, str]) -> dict[int, str]:
    """The reasons of numbers repeated across batches, naming their first line. The batches keep no file-wide
    index of numbers (a million rows would double the import's memory); such repeats are rare, so the file is
    read once more."""
    first: dict[str, int] = {}
    wanted = set(twice.values())
    raw.seek(0)
    reader, _ = csv_reader(raw, limit_bytes)
    for values in reader:
        if values and (number := values[0].strip()) in wanted and number not in first:
            first[number] = reader.line_num
            if len(first) == len(wanted):
                break
    return {seq: f"{TWICE} (first on line {first[number]})" for seq, number in twice.items()}


def get_upload(uow: PaymentUnitOfWork, principal: Principal, upload_id: str, listed: int) -> dict:
    """The report of an earlier claims upload (its uploader's consortium, or the insurance office)."""
    require_role(principal, *CLAIM_WRITERS)
    row = load_upload(uow, principal, upload_id, "claims")
    errors = listed_errors(uow, upload_id, listed)
    return row | {"errors": errors, "errors_truncated": row["rejected"] > len(errors)}


def _post_upload(uow: PaymentUnitOfWork, upload_id: str, posted_by: str, now: datetime,
                 ledger_lines: dict[LedgerLine, int]) -> list[str]:
    """One journal entry per consortium for the upload, one posting pair per unit, kind and month."""
    by_consortium: dict[str, list] = defaultdict(list)
    for line, amount in sorted(ledger_lines.items()):
        by_consortium[line.consortium_id].append((line.org_id, ClaimKind(line.kind), line.month, amount))
    for consortium_id, lines in by_consortium.items():
        uow.ledger.post(claims_entry(consortium_id, "claim_upload", f"{upload_id}:{consortium_id}", lines),
                        posted_by, now)
    return sorted(by_consortium)
