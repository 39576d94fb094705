"""Bulk claims from a CSV file: streamed, batched, idempotent, bad rows reported and skipped.

The file is read line by line (csv over a text wrapper of the spooled upload), validated in
plain Python (no model object per row) and inserted in batches with one executemany each.
Claims already recorded under the same number with the same data are counted as duplicates;
with different data they are reported as bad rows. Ledger postings are aggregated per unit,
kind and month: one journal entry per consortium per upload, traceable by the upload id that
every claim of the upload carries.
"""
from __future__ import annotations

import csv
import io
import uuid
from collections import defaultdict
from datetime import date, datetime
from typing import BinaryIO

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from platform_common.auth import Principal, Role
from platform_common.contracts import PAYMENT_TOPIC, PaymentEvent
from platform_common.errors import Conflict, InvalidInput, NotFound, PayloadTooLarge
from platform_common.events import utcnow
from platform_common.web import require_role

from ..adapters import tables as t
from ..domain.claims import CSV_COLUMNS, ClaimKind, ClaimRowParser, RowError
from ..domain.ledger import claims_entry
from ..domain.periods import book_month
from ..settings import PaymentSettings
from .access import CLAIM_WRITERS
from .unit_of_work import PaymentUnitOfWork

TWICE = "appears twice in the file with different data"


class ByteCounter(io.RawIOBase):
    """Passes bytes through and stops the read once the upload cap is passed."""

    def __init__(self, raw: BinaryIO, limit: int) -> None:
        self.raw, self.limit, self.count = raw, limit, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # noqa: ANN001
        data = self.raw.read(len(buffer))
        self.count += len(data)
        if self.count > self.limit:
            raise PayloadTooLarge(f"the file exceeds {self.limit} bytes", field="file", limit_bytes=self.limit)
        buffer[: len(data)] = data
        return len(data)


def _reader(raw: BinaryIO, limit_bytes: int):  # noqa: ANN202
    text = io.TextIOWrapper(io.BufferedReader(ByteCounter(raw, limit_bytes), 1 << 20), encoding="utf-8-sig",
                            newline="")
    reader = csv.reader(text)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InvalidInput("the file is empty", field="file") from None
    except (UnicodeDecodeError, csv.Error):
        raise InvalidInput("the file is not UTF-8 CSV text", field="file") from None
    return reader, header


def open_csv(raw: BinaryIO, limit_bytes: int, expected: tuple[str, ...]):  # noqa: ANN201
    """A csv reader past a header that must be exactly `expected`."""
    reader, header = _reader(raw, limit_bytes)
    if tuple(header) != expected:
        raise InvalidInput(f"the header must be {','.join(expected)}", field="file", found=header)
    return reader


def open_csv_any(raw: BinaryIO, limit_bytes: int, required: tuple[str, ...]):  # noqa: ANN201
    """A csv reader and the column index of each header name; `required` columns must be there."""
    reader, header = _reader(raw, limit_bytes)
    missing = [c for c in required if c not in header]
    if missing or len(set(header)) != len(header):
        raise InvalidInput(f"the header needs the columns {','.join(required)} once each", field="file",
                           found=header)
    return reader, {name: i for i, name in enumerate(header)}


def member_units(uow: PaymentUnitOfWork, principal: Principal) -> dict[str, str]:
    consortium = principal.consortium_id if principal.role is Role.FINANCE_OFFICER else None
    return {o.org_id: o.consortium_id for o in uow.directory.all(uow.session, consortium)
            if o.consortium_id and (o.is_county_hospital or o.is_primary_unit)}


def import_claims(uow: PaymentUnitOfWork, principal: Principal, settings: PaymentSettings, raw: BinaryIO,
                  filename: str | None) -> dict:
    require_role(principal, *CLAIM_WRITERS)
    units = member_units(uow, principal)  # finance: only the units of its own consortium
    reader = open_csv(raw, settings.max_upload_bytes, CSV_COLUMNS)
    upload_id, now = str(uuid.uuid4()), utcnow()
    parser = ClaimRowParser(units, settings.today(), settings.claim_max_fen)
    uow.claims.hold_for_booking()
    closed = {c: uow.claims.closed_months(c) for c in set(units.values())}
    to_db = uow.claims.to_db
    constant = ("upload", upload_id, principal.username, to_db("recorded_at", now))
    late_flag = {flag: to_db("late", flag) for flag in (False, True)}
    booked: dict[tuple[str, date], tuple] = {}  # (consortium, day) -> (day in db form, month, late in db form)
    errors: list[dict] = []
    counts = {"rows": 0, "inserted": 0, "duplicates": 0, "rejected": 0, "amount_fen": 0}
    batch: dict[str, tuple] = {}  # claim_no -> row in Claims.BULK_COLUMNS order
    # Ledger lines of the upload, (consortium, org, kind, month) -> fen, summed as the batches go in:
    # re-reading a million fresh claims to sum them would cost an index the import cannot afford.
    ledger_lines: dict[tuple[str, str, str, str], int] = defaultdict(int)
    lines: dict[str, int] = {}

    twice: list[dict] = []  # listed errors of numbers whose first line went in with an earlier batch

    def reject(line: int, field: str, reason: str, claim_no: str | None = None) -> dict | None:
        counts["rejected"] += 1
        if len(errors) < settings.upload_errors_listed:
            errors.append({"line": line, "claim_no": claim_no, "field": field, "reason": reason})
            return errors[-1]
        return None

    def flush() -> None:
        existing = uow.claims.existing_raw(list(batch))
        fresh = []
        for claim_no, row in batch.items():
            found = existing.get(claim_no)
            if found is None:
                fresh.append(row)
            elif found[:4] == (row[1], row[2], row[4], row[5]):
                counts["duplicates"] += 1
            elif found[4] == upload_id:  # recorded by an earlier batch of this very file
                error = reject(lines[claim_no], "claim_no", TWICE, claim_no)
                if error:
                    twice.append(error)
            else:
                reject(lines[claim_no], "claim_no", "already recorded with different data", claim_no)
        uow.claims.insert_rows(fresh)
        counts["inserted"] += len(fresh)
        for row in fresh:
            ledger_lines[(row[3], row[2], row[1], row[6])] += row[4]
        batch.clear()
        lines.clear()

    try:
        for values in reader:
            if not values or values == [""]:
                continue
            counts["rows"] += 1
            if counts["rows"] > settings.upload_max_rows:
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
            row = (claim.claim_no, claim.kind.value, claim.org_id, consortium_id, claim.amount_fen, day, month,
                   late, *constant)
            if claim.claim_no in batch:
                if batch[claim.claim_no][1:6] == row[1:6]:
                    counts["duplicates"] += 1
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
    except IntegrityError:
        # Another upload or request recorded some of these numbers after our duplicate check.
        # Nothing of this upload is kept; sending the file again is safe (idempotent by number).
        uow.rollback()
        raise Conflict("some claim numbers were recorded by another request at the same time; nothing of "
                       "this file was stored, upload it again", field="file") from None

    if twice:
        _name_first_lines(raw, settings.max_upload_bytes, twice)
    counts["amount_fen"] = sum(ledger_lines.values())
    consortium_ids = _post_upload(uow, upload_id, principal.username, now, ledger_lines)
    summary = {"upload_id": upload_id, "filename": filename, **counts, "errors": errors,
               "errors_truncated": counts["rejected"] > len(errors)}
    uow.session.execute(insert(t.uploads).values(
        upload_id=upload_id, purpose="claims", filename=filename, uploaded_by=principal.username,
        uploader_org_id=principal.org_id, uploaded_at=now, rows=counts["rows"], inserted=counts["inserted"],
        duplicates=counts["duplicates"], rejected=counts["rejected"], amount_fen=counts["amount_fen"],
        errors=errors))
    if counts["inserted"]:
        # One summary event per upload rather than one ClaimRecorded per row (see docs/payment.md).
        uow.record(PAYMENT_TOPIC, PaymentEvent.CLAIMS_IMPORTED, "claim_upload", upload_id, {
            "upload_id": upload_id, "inserted": counts["inserted"], "amount_fen": counts["amount_fen"],
            "consortium_ids": consortium_ids})
    uow.commit()
    return summary


def _name_first_lines(raw: BinaryIO, limit_bytes: int, twice: list[dict]) -> None:
    """Name the first line of numbers repeated across batches. The batches keep no file-wide index of numbers
    (a million rows would double the import's memory); such repeats are rare, so the file is read once more."""
    first: dict[str, int] = {}
    wanted = {e["claim_no"] for e in twice}
    raw.seek(0)
    reader, _ = _reader(raw, limit_bytes)
    for values in reader:
        if values and (number := values[0].strip()) in wanted and number not in first:
            first[number] = reader.line_num
            if len(first) == len(wanted):
                break
    for error in twice:
        error["reason"] = f"{TWICE} (first on line {first[error['claim_no']]})"


def get_upload(uow: PaymentUnitOfWork, principal: Principal, upload_id: str) -> dict:
    """The report of an earlier claims upload (its uploader's consortium, or the insurance office)."""
    require_role(principal, *CLAIM_WRITERS)
    row = uow.session.execute(select(t.uploads).where(t.uploads.c.upload_id == upload_id,
                                                      t.uploads.c.purpose == "claims")).first()
    if row is None or (principal.role is Role.FINANCE_OFFICER and _consortium_of(uow, row.uploader_org_id)
                       != principal.consortium_id):
        raise NotFound("no such upload", upload_id=upload_id)
    return dict(row._mapping) | {"errors_truncated": row.rejected > len(row.errors)}


def _consortium_of(uow: PaymentUnitOfWork, org_id: str) -> str | None:
    org = uow.directory.get(uow.session, org_id)
    return org.consortium_id if org else None


def _post_upload(uow: PaymentUnitOfWork, upload_id: str, posted_by: str, now: datetime,
                 ledger_lines: dict[tuple[str, str, str, str], int]) -> list[str]:
    """One journal entry per consortium for the upload, one posting pair per unit, kind and month."""
    by_consortium: dict[str, list] = defaultdict(list)
    for (consortium_id, org_id, kind, month), amount in sorted(ledger_lines.items()):
        by_consortium[consortium_id].append((org_id, ClaimKind(kind), month, amount))
    for consortium_id, lines in by_consortium.items():
        uow.ledger.post(claims_entry(consortium_id, "claim_upload", f"{upload_id}:{consortium_id}", lines),
                        posted_by, now)
    return sorted(by_consortium)
