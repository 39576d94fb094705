"""The contract roster from a CSV or XLSX upload: streamed, batched, idempotent, every bad row reported.

Township centres keep the roster on their contracting platform and export it; the file carries the national ID,
which is replaced at once by the resident key (HMAC) and a masked form: the number is never stored. A contract
is the resident and its start date: the same row again is a duplicate; the same resident and start with other
data is refused (end or transfer the contract instead), as is a contract overlapping another of the resident's
(one contract at a time). Rows are checked a batch at a time against the resident's stored contracts, which
include the rows of this file's earlier batches (same transaction), so no file-wide index is kept in memory.
An XLSX upload arrives here rewritten as CSV lines (upload_jobs): both formats share this path.
"""
from __future__ import annotations

import csv
import uuid
from contextlib import closing
from datetime import date
from operator import itemgetter
from typing import BinaryIO

from platform_common.auth import Principal, Role
from platform_common.collector import collector_paused
from platform_common.contracts import PAYMENT_TOPIC, PaymentEvent
from platform_common.errors import Conflict, Forbidden, InvalidInput
from platform_common.events import utcnow
from platform_common.web import require_role

from ..adapters.sql import KeyTaken
from ..domain.roster import ROSTER_COLUMNS, ContractRow, first_day, overlaps
from ..settings import PaymentSettings
from . import policies
from .access import ROSTER_KEEPERS
from .roster_parsing import Batch, RowShape, parsed_rows
from .unit_of_work import PaymentUnitOfWork
from .upload_rows import Progress, RejectedRows, csv_text, open_csv, save_upload

TWICE = "the same resident and start date appear twice in the file with different data"
DIFFERENT = ("this resident's contract from this date is recorded with another unit, team, package or key groups; "
             "end or transfer it instead (a new end date alone is taken)")


def roster_units(uow: PaymentUnitOfWork, principal: Principal) -> dict[str, str]:
    """The primary units the caller keeps a roster for, with their consortium: the insurance office all, a
    finance office its consortium's, a township or village unit's manager its own."""
    require_role(principal, *ROSTER_KEEPERS)
    consortium = None if principal.role is Role.INSURANCE_OFFICER else principal.consortium_id
    units = {o.org_id: o.consortium_id for o in uow.orgs.all(uow.session, consortium)
             if o.consortium_id and o.is_primary_unit}
    if principal.role is Role.UNIT_MANAGER:
        units = {o: c for o, c in units.items() if o == principal.org_id}
        if not units:
            raise Forbidden("only a township centre or village clinic keeps a contract roster")
    return units


def import_roster(uow: PaymentUnitOfWork, principal: Principal, settings: PaymentSettings, raw: BinaryIO,
                  filename: str | None, upload_id: str | None = None, progress: Progress | None = None) -> dict:
    units = roster_units(uow, principal)
    _, policy = policies.effective(uow, settings, settings.today())
    text = csv_text(raw, settings.max_upload_bytes, progress)
    reader = open_csv(raw, settings.max_upload_bytes, ROSTER_COLUMNS, progress, text)
    exists, now = upload_id is not None, utcnow()
    upload_id = upload_id or str(uuid.uuid4())
    if not exists:
        save_upload(uow, upload_id, False, purpose="roster", filename=filename, uploaded_by=principal.username,
                    uploader_org_id=principal.org_id, uploaded_at=now, rows=0, inserted=0, duplicates=0,
                    rejected=0, amount_fen=0, status="running", file_format="csv")
    parser_args = (set(units), set(policy.primary_care.packages), settings.resident_key_secret, settings.today())
    roster = uow.roster
    recording = roster.new_recording("upload", upload_id, principal.username, now)  # this file's contracts'
    errors = RejectedRows(uow, upload_id, settings.upload_errors_listed, settings.upload_batch_rows)
    counts = {"rows": 0, "inserted": 0, "duplicates": 0, "changed": 0, "rejected": 0}
    consortia: set[str] = set()

    refused: list[tuple] = []  # a batch's refused rows, reported in file order at its end

    def reject(line: int, field: str, reason: str, who: str | None) -> None:
        refused.append((line, field, reason, who))

    def change_end(line: int, row: ContractRow, stored, theirs: list) -> None:  # noqa: ANN001
        """The same contract with a new end date: ended early or extended, unless that takes back a paid month
        or makes it overlap another of the resident's contracts (then the row is refused)."""
        paid = roster.last_paid_month(stored.contract_id)
        if paid and row.end_date is not None and row.end_date < first_day(paid):
            reject(line, "end_date", f"capitation for {paid} is paid for this contract; it can end on "
                                     f"{first_day(paid).isoformat()} at the earliest", row.resident_masked)
            return
        for other in theirs:
            if other is not stored and overlaps(other.start_date, other.end_date, row.start_date, row.end_date):
                reject(line, "end_date", f"the new end overlaps the resident's contract at {other.org_id} from "
                                         f"{other.start_date.isoformat()} (one contract at a time)",
                       row.resident_masked)
                return
        roster.change_end(stored.contract_id, stored.end_date, row.end_date, principal.username, upload_id, line, now)
        theirs[theirs.index(stored)] = stored._replace(end_date=row.end_date, recording_id=recording)
        counts["changed"] += 1
        uow.record(PAYMENT_TOPIC, PaymentEvent.CONTRACT_END_CHANGED, "contract", str(stored.contract_id), {
            "contract_id": stored.contract_id, "org_id": stored.org_id, "consortium_id": units[stored.org_id],
            "previous_end_date": stored.end_date, "end_date": row.end_date, "upload_id": upload_id},
            org_id=stored.org_id)

    def flush(batch: Batch) -> None:
        """A slice of the file, its rows sorted by resident key (roster_parsing.Batch)."""
        stored: dict = roster.of_residents([row[0] for row in batch.rows])
        # a first import's batch: no resident in it has a contract nor a second row, so every row is new
        fresh = checked(batch, stored) if stored or batch.repeats else batch.rows
        roster.insert_rows(fresh)
        consortia.update({row[3] for row in fresh})
        counts["inserted"] += len(fresh)
        refused.extend((*row, None) for row in batch.refused)
        refused.sort(key=itemgetter(0))  # reported in file order
        for line, field, reason, who in refused:
            errors.add(line, field, reason, who)
        counts["rejected"] += len(refused)
        refused.clear()
        if progress is not None:
            progress.rows = counts["rows"]

    def checked(batch: Batch, stored: dict) -> list[tuple]:
        """The batch's new contracts; the others counted as duplicates, refused, or their end date changed."""
        fresh = []
        take = fresh.append
        for line, row in zip(batch.lines, batch.rows):
            theirs = stored.get(row[0])
            if theirs is None:  # a resident with no other contract (kept as the bare row)
                stored[row[0]] = row
                take(row)
                continue
            if theirs.__class__ is tuple:  # the resident's earlier row in this batch
                theirs = stored[row[0]] = [_contract(theirs)]
            contract = _contract(row)
            problem = _conflict(contract, theirs, recording)
            if problem is None:
                theirs.append(contract)
                take(row)
            elif problem.__class__ is not str:
                change_end(line, contract, problem, theirs)
            elif problem:
                reject(line, "start_date", problem, contract.resident_masked)
            else:
                counts["duplicates"] += 1
        return fresh

    max_rows, seen = settings.upload_max_rows, 0
    shape = RowShape(units, isinstance(roster.to_db("start_date", date(2000, 1, 1)), str), recording)
    rows = parsed_rows(reader, text, parser_args, shape, settings.roster_batch_rows,
                       settings.roster_parse_process_after_rows)
    try:
        with roster.bulk(settings.roster_import_cache_mb), collector_paused(), closing(rows):
            for batch in rows:
                seen += len(batch.rows) + len(batch.refused)
                if seen > max_rows:
                    raise InvalidInput(f"the file has more than {max_rows} rows; split it", field="file",
                                       max_rows=max_rows)
                counts["rows"] = seen
                flush(batch)
    except (csv.Error, UnicodeDecodeError) as e:
        raise InvalidInput(f"unreadable CSV near line {reader.line_num}: {e}", field="file") from None
    except KeyTaken as e:  # another request recorded some of these residents' contracts after our check
        uow.rollback()
        raise Conflict(e.message, field="file") from None
    errors.flush()
    save_upload(uow, upload_id, True, rows=counts["rows"], inserted=counts["inserted"],
                duplicates=counts["duplicates"], changed=counts["changed"], rejected=counts["rejected"], amount_fen=0,
                status="done",
                finished_at=utcnow())
    if counts["inserted"]:
        uow.record(PAYMENT_TOPIC, PaymentEvent.CONTRACTS_IMPORTED, "roster_upload", upload_id, {
            "upload_id": upload_id, "inserted": counts["inserted"], "consortium_ids": sorted(consortia)})
    uow.commit()
    return {"upload_id": upload_id, "filename": filename, "status": "done", **counts, "errors": errors.view(),
            "errors_truncated": counts["rejected"] > len(errors.listed)}


def _contract(row: tuple) -> ContractRow:
    """A batch's row (roster_parsing.Batch) as the checks read it, with dates (SQLite's are ISO text)."""
    start, end = row[7], row[8]
    if start.__class__ is str:
        start, end = date.fromisoformat(start), end and date.fromisoformat(end)
    return ContractRow(row[0], row[1], row[2], row[4], row[5], row[6], start, end)


def _conflict(row: ContractRow, theirs: list, recording: int):  # noqa: ANN201
    """None: the row is a new contract; "": the same contract again; the stored contract itself when the row is
    that contract (from another upload or the API) with only its end date changed; else why it is refused.
    `theirs` holds the resident's stored contracts and this file's rows already taken (ContractRow, no id)."""
    for c in theirs:
        if c.start_date == row.start_date:
            if (c.org_id, c.team, c.package, c.key_groups) == (row.org_id, row.team, row.package, row.key_groups):
                if c.end_date == row.end_date:
                    return ""
                if c.__class__ is not ContractRow and c.recording_id != recording:
                    return c
            return TWICE if c.__class__ is ContractRow or c.recording_id == recording else DIFFERENT
    for c in theirs:
        if overlaps(c.start_date, c.end_date, row.start_date, row.end_date):
            return (f"overlaps the resident's contract at {c.org_id} from {c.start_date.isoformat()} (one contract "
                    f"at a time)")
    return None
