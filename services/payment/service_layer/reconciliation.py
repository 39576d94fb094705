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

from sqlalchemy import and_, cast, func, insert, null, or_, select, union_all

from platform_common.auth import Principal
from platform_common.errors import InvalidInput, NotFound
from platform_common.events import utcnow

from ..adapters import tables as t
from ..domain.claims import RowError, parse_amount, parse_claim_no
from ..domain.periods import Period
from ..settings import PaymentSettings
from .access import require_consortium_reader, require_manager
from .upload_rows import Progress, RejectedRows, listed_errors, open_csv_any, save_upload
from .unit_of_work import PaymentUnitOfWork

CATEGORIES = ("matched", "amount_mismatch", "missing_on_platform", "missing_in_file")


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
    uow.session.execute(insert(t.reconciliations).values(
        recon_id=recon_id, consortium_id=consortium_id, period=period.code, upload_id=recon_id, summary={},
        created_by=principal.username, created_at=now))
    errors = RejectedRows(uow, recon_id, settings.upload_errors_listed, settings.upload_batch_rows)
    batch: dict[str, dict] = {}
    rows = 0
    no_col, amount_col = columns["claim_no"], columns["amount_fen"]

    def flush() -> None:
        # a number already staged by an earlier batch is a repeat: one lookup per batch, no file-wide set
        r = t.reconciliation_rows
        staged = set(uow.session.scalars(select(r.c.claim_no).where(r.c.recon_id == recon_id,
                                                                     r.c.claim_no.in_(list(batch)))))
        for claim_no in staged:
            errors.add(batch.pop(claim_no)["line"], "claim_no", "appears twice in the file", claim_no)
        if batch:
            uow.session.execute(insert(r), list(batch.values()))
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
    summary = {"rows": rows, "rejected": errors.count} | _totals(uow, recon_id, consortium_id, period)
    uow.session.execute(t.reconciliations.update().where(t.reconciliations.c.recon_id == recon_id)
                        .values(summary=summary))
    save_upload(uow, recon_id, True, rows=rows, inserted=rows - errors.count, rejected=errors.count,
                status="done", finished_at=utcnow())
    uow.commit()
    return report(uow, principal, recon_id, settings.page_size_default, settings.upload_errors_listed)


def check_params(uow: PaymentUnitOfWork, consortium_id: str, period_code: str) -> Period:
    """The period and the consortium of a reconciliation, checked before its file is read."""
    try:
        period = Period.parse(period_code)
    except ValueError as e:
        raise InvalidInput(str(e), field="period") from None
    if not uow.directory.all(uow.session, consortium_id):
        raise InvalidInput("no such consortium", field="consortium_id")
    return period


def _queries(recon_id: str, consortium_id: str, period: Period) -> dict:
    """The four categories. A file claim is looked up among all the consortium's claims, not only
    those booked in the period: a claim booked late into the next month (or the insurance office
    dating it differently) is not missing, it is matched and its booked `period` shown."""
    r, c = t.reconciliation_rows, t.claims

    def none(column):  # noqa: ANN001, ANN202 - a typed NULL: PostgreSQL takes an untyped one for text
        return cast(null(), column.type)
    ours = select(c).where(c.c.consortium_id == consortium_id).subquery()
    scoped = select(c).where(c.c.consortium_id == consortium_id, c.c.period >= period.first_month,
                             c.c.period <= period.last_month).subquery()
    mine = select(r).where(r.c.recon_id == recon_id).subquery()
    both = mine.join(ours, ours.c.claim_no == mine.c.claim_no)
    cols = (mine.c.claim_no.label("claim_no"), mine.c.amount_fen.label("file_amount_fen"),
            ours.c.amount_fen.label("platform_amount_fen"), mine.c.line.label("line"),
            ours.c.org_id.label("org_id"), ours.c.period.label("period"), ours.c.late.label("late"))
    return {
        "matched": select(*cols).select_from(both).where(mine.c.amount_fen == ours.c.amount_fen),
        "amount_mismatch": select(*cols).select_from(both).where(mine.c.amount_fen != ours.c.amount_fen),
        "missing_on_platform": select(
            mine.c.claim_no.label("claim_no"), mine.c.amount_fen.label("file_amount_fen"),
            none(c.c.amount_fen).label("platform_amount_fen"), mine.c.line.label("line"),
            none(c.c.org_id).label("org_id"), none(c.c.period).label("period"), none(c.c.late).label("late"),
        ).select_from(mine.outerjoin(ours, ours.c.claim_no == mine.c.claim_no)).where(ours.c.claim_no.is_(None)),
        "missing_in_file": select(
            scoped.c.claim_no.label("claim_no"), none(r.c.amount_fen).label("file_amount_fen"),
            scoped.c.amount_fen.label("platform_amount_fen"), none(r.c.line).label("line"),
            scoped.c.org_id.label("org_id"), scoped.c.period.label("period"), scoped.c.late.label("late"),
        ).select_from(scoped.outerjoin(mine, and_(mine.c.claim_no == scoped.c.claim_no)))
        .where(mine.c.claim_no.is_(None)),
    }


def _totals(uow: PaymentUnitOfWork, recon_id: str, consortium_id: str, period: Period) -> dict:
    totals = {}
    queries = _queries(recon_id, consortium_id, period)
    for name, query in queries.items():
        sub = query.subquery()
        count, file_fen, platform_fen = uow.session.execute(select(
            func.count(), func.coalesce(func.sum(sub.c.file_amount_fen), 0),
            func.coalesce(func.sum(sub.c.platform_amount_fen), 0))).one()
        totals[name] = {"count": count, "file_amount_fen": int(file_fen), "platform_amount_fen": int(platform_fen)}
    # found on the platform, but booked outside the period (late claims, other months)
    found = union_all(queries["matched"], queries["amount_mismatch"]).subquery()
    count, file_fen, platform_fen = uow.session.execute(select(
        func.count(), func.coalesce(func.sum(found.c.file_amount_fen), 0),
        func.coalesce(func.sum(found.c.platform_amount_fen), 0)).where(
        or_(found.c.period < period.first_month, found.c.period > period.last_month))).one()
    elsewhere = {"count": count, "file_amount_fen": int(file_fen), "platform_amount_fen": int(platform_fen)}
    return {"totals": totals, "booked_in_other_period": elsewhere}


def _load(uow: PaymentUnitOfWork, recon_id: str) -> dict:
    row = uow.session.execute(select(t.reconciliations).where(t.reconciliations.c.recon_id == recon_id)).first()
    if row is None:
        raise NotFound("no such reconciliation", recon_id=recon_id)
    return dict(row._mapping)


def report(uow: PaymentUnitOfWork, principal: Principal, recon_id: str, limit: int, errors_listed: int) -> dict:
    """The summary with the first `limit` items of each category; page further with `items()`."""
    recon = _load(uow, recon_id)
    require_consortium_reader(principal, recon["consortium_id"])
    period = Period.parse(recon["period"])
    queries = _queries(recon_id, recon["consortium_id"], period)
    listed = {name: [dict(r._mapping) for r in uow.session.execute(q.order_by("claim_no").limit(limit))]
              for name, q in queries.items()}
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
    query = _queries(recon_id, recon["consortium_id"], Period.parse(recon["period"]))[category]
    rows = uow.session.execute(query.order_by("claim_no").limit(limit).offset(offset))
    return {"recon_id": recon_id, "category": category, "limit": limit, "offset": offset,
            "total": recon["summary"]["totals"][category]["count"], "items": [dict(r._mapping) for r in rows]}


REPORT_COLUMNS = ("category", "claim_no", "file_amount_fen", "platform_amount_fen", "line", "org_id", "period",
                  "late")


def report_rows(uow_factory: Callable[[], PaymentUnitOfWork], recon_id: str, chunk: int) -> Iterator[list]:
    """Every item of every category, for the report download: slices of `chunk` items in order of the claim
    number, each read in a short transaction of its own (never all the items at once, never a long one)."""
    with uow_factory() as uow:
        recon = _load(uow, recon_id)
    period = Period.parse(recon["period"])
    for category in CATEGORIES:
        after = ""
        while True:
            with uow_factory() as uow:
                query = _queries(recon_id, recon["consortium_id"], period)[category].subquery()
                rows = uow.session.execute(select(query).where(query.c.claim_no > after)
                                           .order_by(query.c.claim_no).limit(chunk)).all()
            for row in rows:
                yield [category, *(row._mapping[k] for k in REPORT_COLUMNS[1:])]
            if len(rows) < chunk:
                break
            after = rows[-1].claim_no


def list_reconciliations(uow: PaymentUnitOfWork, principal: Principal, consortium_id: str, limit: int,
                         offset: int) -> dict:
    require_consortium_reader(principal, consortium_id)
    r, u = t.reconciliations, t.uploads
    where = (r.c.consortium_id == consortium_id,)
    total = uow.session.execute(select(func.count()).select_from(r).where(*where)).scalar_one()
    rows = uow.session.execute(
        select(r.c.recon_id, r.c.period, r.c.created_by, r.c.created_at, r.c.summary, u.c.filename)
        .join(u, u.c.upload_id == r.c.upload_id).where(*where)
        .order_by(r.c.created_at.desc()).limit(limit).offset(offset))
    items = [{"recon_id": row.recon_id, "period": row.period, "filename": row.filename,
              "created_by": row.created_by, "created_at": row.created_at, "rows": row.summary.get("rows"),
              "rejected": row.summary.get("rejected"), "totals": row.summary.get("totals")} for row in rows]
    return {"total": total, "limit": limit, "offset": offset, "items": items}
