"""What claim and reconciliation uploads share: reading a CSV stream within the size cap while counting
progress, recording every rejected row, and the upload's own row (its report).

Rejected rows go to `upload_errors` in batches as they are found, all of them: a file of a million bad rows
is reported whole without the list growing in memory. The answer lists the first `upload_errors_listed`.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import BinaryIO, Callable, Iterator

from platform_common.auth import Principal, Role
from platform_common.errors import InvalidInput, NotFound, PayloadTooLarge
from platform_common.web import require_role

from .access import CLAIM_WRITERS
from .unit_of_work import PaymentUnitOfWork


@dataclass
class Progress:
    """How far the reading of one upload has come; read by GET while the job runs (no database needed)."""

    phase: str = "queued"  # queued | reading (an XLSX sheet into rows) | importing | done | failed
    done: int = 0          # bytes of the CSV consumed (importing), rows converted (reading)
    total: int | None = None
    rows: int = 0

    def view(self) -> dict:
        fraction = None if not self.total else round(min(1.0, self.done / self.total), 4)
        return {"phase": self.phase, "fraction": fraction, "rows": self.rows}


class ByteCounter(io.RawIOBase):
    """Passes bytes through, counts them for the progress, and stops the read once the upload cap is passed."""

    def __init__(self, raw: BinaryIO, limit: int, progress: Progress | None = None) -> None:
        self.raw, self.limit, self.count, self.progress = raw, limit, 0, progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # noqa: ANN001
        data = self.raw.read(len(buffer))
        self.count += len(data)
        if self.count > self.limit:
            raise PayloadTooLarge(f"the file exceeds {self.limit} bytes", field="file", limit_bytes=self.limit)
        if self.progress is not None:
            self.progress.done = self.count
        buffer[: len(data)] = data
        return len(data)


def csv_text(raw: BinaryIO, limit_bytes: int, progress: Progress | None = None) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BufferedReader(ByteCounter(raw, limit_bytes, progress), 1 << 20),
                            encoding="utf-8-sig", newline="")


def csv_reader(raw: BinaryIO, limit_bytes: int, progress: Progress | None = None,  # noqa: ANN201
               text: io.TextIOWrapper | None = None):
    reader = csv.reader(text or csv_text(raw, limit_bytes, progress))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InvalidInput("the file is empty", field="file") from None
    except (UnicodeDecodeError, csv.Error):
        raise InvalidInput("the file is not UTF-8 CSV text", field="file") from None
    return reader, header


def open_csv(raw: BinaryIO, limit_bytes: int, expected: tuple[str, ...], progress: Progress | None = None,  # noqa: ANN201
             text: io.TextIOWrapper | None = None):
    """A csv reader past a header that must be exactly `expected` (over `text`, when the caller keeps it to read
    the rest of the file by lines)."""
    reader, header = csv_reader(raw, limit_bytes, progress, text)
    if tuple(header) != expected:
        raise InvalidInput(f"the header must be {','.join(expected)}", field="file", found=header)
    return reader


def open_csv_optional(raw: BinaryIO, limit_bytes: int, expected: tuple[str, ...], optional: str,
                      progress: Progress | None = None):  # noqa: ANN201
    """A csv reader past a header that is `expected`, or `expected` and the optional last column; and whether
    that column is there."""
    reader, header = csv_reader(raw, limit_bytes, progress)
    if tuple(header) not in (expected, (*expected, optional)):
        raise InvalidInput(f"the header must be {','.join(expected)} (then {optional}, if given)", field="file",
                           found=header)
    return reader, len(header) > len(expected)


def open_csv_any(raw: BinaryIO, limit_bytes: int, required: tuple[str, ...],
                 progress: Progress | None = None):  # noqa: ANN201
    """A csv reader and the column index of each header name; `required` columns must be there."""
    reader, header = csv_reader(raw, limit_bytes, progress)
    missing = [c for c in required if c not in header]
    if missing or len(set(header)) != len(header):
        raise InvalidInput(f"the header needs the columns {','.join(required)} once each", field="file",
                           found=header)
    return reader, {name: i for i, name in enumerate(header)}


class RejectedRows:
    """Every rejected row of one upload, written to upload_errors in batches; the first `listed` kept."""

    def __init__(self, uow: PaymentUnitOfWork, upload_id: str, listed: int, batch: int = 5000) -> None:
        self.uow, self.upload_id, self.limit, self.batch_size = uow, upload_id, listed, batch
        self.count = 0
        self.listed: list[dict] = []
        self._batch: list[dict] = []

    def add(self, line: int, field: str, reason: str, claim_no: str | None = None) -> int:
        """Records one rejected row; returns its sequence number (for `amend`)."""
        row = {"upload_id": self.upload_id, "seq": self.count, "line": line, "claim_no": claim_no,
               "field": field, "reason": reason}
        self.count += 1
        if len(self.listed) < self.limit:
            self.listed.append(row)
        self._batch.append(row)
        if len(self._batch) >= self.batch_size:
            self.flush()
        return row["seq"]

    def flush(self) -> None:
        if self._batch:
            self.uow.uploads.add_errors(self._batch)
            self._batch = []

    def amend(self, reasons: dict[int, str]) -> None:
        """New reasons for rows already recorded (by sequence number)."""
        self.flush()
        if reasons:
            self.uow.uploads.amend_errors(self.upload_id, reasons)
            for row in self.listed:
                row["reason"] = reasons.get(row["seq"], row["reason"])

    def view(self) -> list[dict]:
        return [{k: row[k] for k in ("line", "claim_no", "field", "reason")} for row in self.listed]


def save_upload(uow: PaymentUnitOfWork, upload_id: str, exists: bool, **values: object) -> None:
    """The upload's row: inserted at the end of a direct import, updated when a job created it first."""
    if exists:
        uow.uploads.update(upload_id, **values)
    else:
        uow.uploads.add(upload_id, **values)


def listed_errors(uow: PaymentUnitOfWork, upload_id: str, limit: int, offset: int = 0) -> list[dict]:
    return uow.upload_queries.errors(upload_id, limit, offset)


def load_upload(uow: PaymentUnitOfWork, principal: Principal, upload_id: str, purpose: str) -> dict:
    """An upload's row, for its uploader's consortium (finance) or the insurance office; 404 otherwise."""
    row = uow.uploads.get(upload_id, purpose)
    if row is None or (principal.role is Role.FINANCE_OFFICER and consortium_of(uow, row["uploader_org_id"])
                       != principal.consortium_id):
        raise NotFound("no such upload", upload_id=upload_id)
    return row


def consortium_of(uow: PaymentUnitOfWork, org_id: str) -> str | None:
    org = uow.orgs.get(uow.session, org_id)
    return org.consortium_id if org else None


def list_uploads(uow: PaymentUnitOfWork, principal: Principal, limit: int, offset: int) -> dict:
    """Claim uploads, newest first: the insurance office sees all, a finance office those of its consortium."""
    require_role(principal, *CLAIM_WRITERS)
    own = principal.consortium_id if principal.role is Role.FINANCE_OFFICER else None
    total, items = uow.upload_queries.page("claims", own, limit, offset)
    return {"total": total, "limit": limit, "offset": offset, "items": items}


def error_rows(uow_factory: Callable[[], PaymentUnitOfWork], upload_id: str, chunk: int) -> Iterator[list]:
    """Every rejected row of an upload, in file order, for a download: slices of `chunk` rows, each read in a
    short transaction of its own (the download never holds the database for its whole length)."""
    after = -1
    while True:
        with uow_factory() as uow:
            rows = uow.upload_queries.errors_after(upload_id, after, chunk)
        for _, row in rows:
            yield row
        if len(rows) < chunk:
            return
        after = rows[-1][0]
