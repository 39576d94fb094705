"""Reconciliation (对账) against the insurance office's own claim file.

The file (CSV with at least `claim_no` and `amount_fen` columns) is streamed into a staging
table; the comparison with the platform's claims of the consortium is then four SQL joins:
matched, amount mismatches, missing on the platform (not recorded at all), missing in the file
(recorded and booked in the period, absent from the file).
"""
from __future__ import annotations

import csv
import uuid
from typing import BinaryIO

from sqlalchemy import and_, cast, func, insert, null, or_, select, union_all

from platform_common.auth import Principal
from platform_common.errors import InvalidInput, NotFound
from platform_common.events import utcnow

from ..adapters import tables as t
from ..domain.claims import RowError, parse_amount, parse_claim_no
from ..domain.periods import Period
from ..settings import PaymentSettings
from .access import require_consortium_reader, require_manager
from .claim_import import open_csv_any
from .unit_of_work import PaymentUnitOfWork

CATEGORIES = ("matched", "amount_mismatch", "missing_on_platform", "missing_in_file")


def reconcile(uow: PaymentUnitOfWork, principal: Principal, settings: PaymentSettings, *, consortium_id: str,
              period_code: str, raw: BinaryIO, filename: str | None) -> dict:
    require_manager(principal)
    try:
        period = Period.parse(period_code)
    except ValueError as e:
        raise InvalidInput(str(e), field="period") from None
    if not uow.directory.all(uow.session, consortium_id):
        raise InvalidInput("no such consortium", field="consortium_id")
    reader, columns = open_csv_any(raw, settings.max_upload_bytes, ("claim_no", "amount_fen"))
    recon_id, now = str(uuid.uuid4()), utcnow()
    uow.session.execute(insert(t.uploads).values(
        upload_id=recon_id, purpose="reconciliation", filename=filename, uploaded_by=principal.username,
        uploader_org_id=principal.org_id, uploaded_at=now, rows=0, inserted=0, duplicates=0, rejected=0,
        amount_fen=0, errors=[]))
    uow.session.execute(insert(t.reconciliations).values(
        recon_id=recon_id, consortium_id=consortium_id, period=period.code, upload_id=recon_id, summary={},
        created_by=principal.username, created_at=now))
    errors, seen, batch, rows, rejected = [], set(), [], 0, 0
    no_col, amount_col = columns["claim_no"], columns["amount_fen"]
    try:
        for values in reader:
            if not values or values == [""]:
                continue
            rows += 1
            if rows > settings.upload_max_rows:
                raise InvalidInput(f"the file has more than {settings.upload_max_rows} rows", field="file")
            try:
                if len(values) != len(columns):
                    raise RowError("row", f"expected {len(columns)} columns, found {len(values)}")
                claim_no = parse_claim_no(values[no_col])
                amount = parse_amount(values[amount_col], settings.claim_max_fen)
                if claim_no in seen:
                    raise RowError("claim_no", "appears twice in the file")
            except RowError as e:
                rejected += 1
                if len(errors) < settings.upload_errors_listed:
                    errors.append({"line": reader.line_num, "field": e.field, "reason": e.reason})
                continue
            seen.add(claim_no)
            batch.append({"recon_id": recon_id, "claim_no": claim_no, "amount_fen": amount, "line": reader.line_num})
            if len(batch) >= settings.upload_batch_rows:
                uow.session.execute(insert(t.reconciliation_rows), batch)
                batch = []
    except (csv.Error, UnicodeDecodeError) as e:
        raise InvalidInput(f"unreadable CSV near line {reader.line_num}: {e}", field="file") from None
    if batch:
        uow.session.execute(insert(t.reconciliation_rows), batch)
    summary = {"rows": rows, "rejected": rejected, "errors": errors,
               "errors_truncated": rejected > len(errors)} | _totals(uow, recon_id, consortium_id, period)
    uow.session.execute(t.reconciliations.update().where(t.reconciliations.c.recon_id == recon_id)
                        .values(summary=summary))
    uow.session.execute(t.uploads.update().where(t.uploads.c.upload_id == recon_id).values(
        rows=rows, inserted=rows - rejected, rejected=rejected, errors=errors))
    uow.commit()
    return report(uow, principal, recon_id, settings.page_size_default)


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


def report(uow: PaymentUnitOfWork, principal: Principal, recon_id: str, limit: int) -> dict:
    """The summary with the first `limit` items of each category; page further with `items()`."""
    recon = _load(uow, recon_id)
    require_consortium_reader(principal, recon["consortium_id"])
    period = Period.parse(recon["period"])
    queries = _queries(recon_id, recon["consortium_id"], period)
    listed = {name: [dict(r._mapping) for r in uow.session.execute(q.order_by("claim_no").limit(limit))]
              for name, q in queries.items()}
    return {"recon_id": recon_id, "consortium_id": recon["consortium_id"], "period": recon["period"],
            "created_by": recon["created_by"], "created_at": recon["created_at"], **recon["summary"],
            "items": listed}


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
