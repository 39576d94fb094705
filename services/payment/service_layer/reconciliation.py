"""Reconciliation (对账) against the insurance office's own claim file.

The file (CSV with at least `claim_no` and `amount_fen` columns) is streamed into a staging
table; the comparison with the platform's claims of the consortium is then four SQL joins:
matched, amount mismatches, missing on the platform (not recorded at all), missing in the file
(recorded and booked in the period, absent from the file).
"""
from __future__ import annotations

import csv
import uuid
from typing import BinaryIO, Callable, Iterator

from platform_common.auth import Principal
from platform_common.errors import InvalidInput, NotFound
from platform_common.events import utcnow

from ..adapters.queries_reconciliations import CATEGORIES, ITEM_COLUMNS
from ..domain.claims import RowError, parse_amount, parse_claim_no
from ..domain.periods import Period
from ..settings import PaymentSettings
from .access import require_consortium_reader, require_manager
from .upload_rows import Progress, RejectedRows, listed_errors, open_csv_any, save_upload
from .unit_of_work import PaymentUnitOfWork

REPORT_COLUMNS = ("category", *ITEM_COLUMNS)


def reconcile(uow: PaymentUnitOfWork, principal: Principal, settings: PaymentSettings, *, consortium_id: str,
              period_code: str, raw: BinaryIO, filename: str | None, recon_id: str | None = None,
              progress: Progress | None = None) -> dict:
    """Stages the file, compares and commits. `recon_id`: the upload row a job created (upload_jobs)."""
    require_manager(principal)
    period = check_params(uow, consortium_id, period_code)
    reader, columns = open_csv_any(raw, settings.max_upload_bytes, ("claim_no", "amount_fen"), progress)
    exists, now = recon_id is not None, utcnow()
    recon_id = recon_id or str(uuid.uuid4())
    if not exists:
        save_upload(uow, recon_id, False, purpose="reconciliation", filename=filename,
                    uploaded_by=principal.username, uploader_org_id=principal.org_id, uploaded_at=now, rows=0,
                    inserted=0, duplicates=0, rejected=0, amount_fen=0, status="running", file_format="csv")
    uow.reconciliations.add({"recon_id": recon_id, "consortium_id": consortium_id, "period": period.code,
                             "upload_id": recon_id, "summary": {}, "created_by": principal.username,
                             "created_at": now})
    errors = RejectedRows(uow, recon_id, settings.upload_errors_listed, settings.upload_batch_rows)
    batch: dict[str, dict] = {}
    rows = 0
    no_col, amount_col = columns["claim_no"], columns["amount_fen"]

    def flush() -> None:
        # a number already staged by an earlier batch is a repeat: one lookup per batch, no file-wide set
        for claim_no in uow.reconciliations.staged(recon_id, list(batch)):
            errors.add(batch.pop(claim_no)["line"], "claim_no", "appears twice in the file", claim_no)
        uow.reconciliations.stage(list(batch.values()))
        batch.clear()
        if progress is not None:
            progress.rows = rows

    try:
        for values in reader:
            if not values or values == [""]:
                continue
            rows += 1
            if rows > settings.upload_max_rows:
                raise InvalidInput(f"the file has more than {settings.upload_max_rows} rows", field="file",
                                   max_rows=settings.upload_max_rows)
            try:
                if len(values) != len(columns):
                    raise RowError("row", f"expected {len(columns)} columns, found {len(values)}")
                claim_no = parse_claim_no(values[no_col])
                amount = parse_amount(values[amount_col], settings.claim_max_fen)
                if claim_no in batch:
                    raise RowError("claim_no", "appears twice in the file")
            except RowError as e:
                number = values[no_col].strip()[:64] if no_col < len(values) else ""
                errors.add(reader.line_num, e.field, e.reason, number or None)
                continue
            batch[claim_no] = {"recon_id": recon_id, "claim_no": claim_no, "amount_fen": amount,
                               "line": reader.line_num}
            if len(batch) >= settings.upload_batch_rows:
                flush()
        flush()
    except (csv.Error, UnicodeDecodeError) as e:
        raise InvalidInput(f"unreadable CSV near line {reader.line_num}: {e}", field="file") from None
    errors.flush()
    summary = {"rows": rows, "rejected": errors.count} | uow.reconciliation_queries.totals(recon_id, consortium_id,
                                                                                           period)
    uow.reconciliations.set_summary(recon_id, summary)
    save_upload(uow, recon_id, True, rows=rows, inserted=rows - errors.count, rejected=errors.count,
                status="done", finished_at=utcnow())
    uow.commit()
    return report(uow, principal, recon_id, settings.page_size_default, settings.upload_errors_listed)


def check_params(uow: PaymentUnitOfWork, consortium_id: str, period_code: str) -> Period:
    """The period and the consortium of a reconciliation, checked before its file is read."""
    period = Period.parse(period_code)
    if not uow.orgs.all(uow.session, consortium_id):
        raise InvalidInput("no such consortium", field="consortium_id")
    return period


def _load(uow: PaymentUnitOfWork, recon_id: str) -> dict:
    recon = uow.reconciliations.get(recon_id)
    if recon is None:
        raise NotFound("no such reconciliation", recon_id=recon_id)
    return recon


def report(uow: PaymentUnitOfWork, principal: Principal, recon_id: str, limit: int, errors_listed: int) -> dict:
    """The summary with the first `limit` items of each category; page further with `items()`."""
    recon = _load(uow, recon_id)
    require_consortium_reader(principal, recon["consortium_id"])
    listed = {name: uow.reconciliation_queries.items(recon, name, limit) for name in CATEGORIES}
    errors = listed_errors(uow, recon_id, errors_listed)
    summary = {k: v for k, v in recon["summary"].items() if k not in ("errors", "errors_truncated")}
    return {"recon_id": recon_id, "status": "done", "consortium_id": recon["consortium_id"], "period": recon["period"],
            "created_by": recon["created_by"], "created_at": recon["created_at"], **summary,
            "errors": errors, "errors_truncated": summary["rejected"] > len(errors), "items": listed}


def items(uow: PaymentUnitOfWork, principal: Principal, recon_id: str, category: str, limit: int,
          offset: int) -> dict:
    recon = _load(uow, recon_id)
    require_consortium_reader(principal, recon["consortium_id"])
    if category not in CATEGORIES:
        raise InvalidInput(f"one of {', '.join(CATEGORIES)}", field="category")
    return {"recon_id": recon_id, "category": category, "limit": limit, "offset": offset,
            "total": recon["summary"]["totals"][category]["count"],
            "items": uow.reconciliation_queries.items(recon, category, limit, offset)}


def report_rows(uow_factory: Callable[[], PaymentUnitOfWork], recon_id: str, chunk: int) -> Iterator[list]:
    """Every item of every category, for the report download: slices of `chunk` items in order of the claim
    number, each read in a short transaction of its own (never all the items at once, never a long one)."""
    with uow_factory() as uow:
        recon = _load(uow, recon_id)
    for category in CATEGORIES:
        after = ""
        while True:
            with uow_factory() as uow:
                rows = uow.reconciliation_queries.items_after(recon, category, after, chunk)
            for row in rows:
                yield [category, *(row[k] for k in ITEM_COLUMNS)]
            if len(rows) < chunk:
                break
            after = rows[-1]["claim_no"]


def list_reconciliations(uow: PaymentUnitOfWork, principal: Principal, consortium_id: str, limit: int,
                         offset: int) -> dict:
    require_consortium_reader(principal, consortium_id)
    total, rows = uow.reconciliation_queries.page(consortium_id, limit, offset)
    items = [{"recon_id": row["recon_id"], "period": row["period"], "filename": row["filename"],
              "created_by": row["created_by"], "created_at": row["created_at"], "rows": row["summary"].get("rows"),
              "rejected": row["summary"].get("rejected"), "totals": row["summary"].get("totals")} for row in rows]
    return {"total": total, "limit": limit, "offset": offset, "items": items}
