"""Upload listings, every rejected row of an upload (paged, and as a CSV download) and the reconciliation report
as a CSV download. The downloads are streamed: a million rows never sit in memory."""
from __future__ import annotations

import csv
import io
from typing import Callable, Iterator

from fastapi import APIRouter

from platform_common.web import require_role

from ..adapters.queries_uploads import ERROR_COLUMNS
from ..service_layer import reconciliation
from ..service_layer.access import CLAIM_WRITERS
from ..service_layer.upload_rows import error_rows, list_uploads as uploads_page, listed_errors, load_upload
from .deps import PageDep, PrincipalDep, ReadUowDep, RuntimeDep
from .downloads import CsvStream, download
from .schemas_reconciliation import ReconciliationPage
from .schemas_uploads import UploadErrorsPage, UploadPage

router = APIRouter(tags=["uploads"])
CHUNK = 5000


def _csv_stream(header: tuple[str, ...], rows: Callable[[], Iterator[list]]) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark, so a spreadsheet program opens the Chinese and the numbers as they are."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    yield "\ufeff".encode() + out.getvalue().encode()
    out.seek(0), out.truncate()
    for n, row in enumerate(rows(), start=1):
        writer.writerow(row)
        if n % 2000 == 0:
            yield out.getvalue().encode()
            out.seek(0), out.truncate()
    yield out.getvalue().encode()


def _download(name: str, header: tuple[str, ...], rows: Callable[[], Iterator[list]]) -> CsvStream:
    return CsvStream(_csv_stream(header, rows), media_type="text/csv; charset=utf-8",
                     headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _error_rows(runtime: RuntimeDep, upload_id: str) -> Callable[[], Iterator[list]]:
    return lambda: error_rows(runtime.uow, upload_id, CHUNK)


@router.get("/claims/uploads", response_model=UploadPage)
def list_uploads(uow: ReadUowDep, principal: PrincipalDep, page: PageDep) -> dict:
    """Claim uploads, newest first: the insurance office sees all, a finance office those of its consortium."""
    return uploads_page(uow, principal, page.limit, page.offset)


@router.get("/claims/uploads/{upload_id}/errors", response_model=UploadErrorsPage)
def upload_errors(upload_id: str, uow: ReadUowDep, principal: PrincipalDep, page: PageDep) -> dict:
    """Every rejected row of a claims upload, in file order, paged."""
    require_role(principal, *CLAIM_WRITERS)
    row = load_upload(uow, principal, upload_id, "claims")
    return {"upload_id": upload_id, "total": row["rejected"], "limit": page.limit, "offset": page.offset,
            "items": listed_errors(uow, upload_id, page.limit, page.offset)}


@router.get("/claims/uploads/{upload_id}/errors.csv", response_class=CsvStream, responses=download(
    "text/csv", "every rejected row: line, claim_no, field, reason", "claims-upload-<id>-errors.csv"))
def upload_errors_csv(upload_id: str, uow: ReadUowDep, principal: PrincipalDep, runtime: RuntimeDep) -> CsvStream:
    """Every rejected row of a claims upload as CSV: line, claim_no, field, reason."""
    require_role(principal, *CLAIM_WRITERS)
    load_upload(uow, principal, upload_id, "claims")
    uow.rollback()  # the rows are read in slices of their own
    return _download(f"claims-upload-{upload_id[:8]}-errors.csv", ERROR_COLUMNS, _error_rows(runtime, upload_id))


@router.get("/reconciliations", response_model=ReconciliationPage)
def list_reconciliations(consortium_id: str, uow: ReadUowDep, principal: PrincipalDep, page: PageDep) -> dict:
    """The consortium's reconciliations, newest first, with their totals."""
    return reconciliation.list_reconciliations(uow, principal, consortium_id, page.limit, page.offset)


@router.get("/reconciliations/{recon_id}/errors.csv", response_class=CsvStream, responses=download(
    "text/csv", "every row of the file that could not be compared", "reconciliation-<consortium>-<period>-errors.csv"))
def reconciliation_errors_csv(recon_id: str, uow: ReadUowDep, principal: PrincipalDep,
                              runtime: RuntimeDep) -> CsvStream:
    """Every row of the office's file that could not be compared, as CSV."""
    recon = reconciliation.report(uow, principal, recon_id, 0, 0)
    uow.rollback()  # the rows are read in slices of their own
    return _download(f"reconciliation-{recon['consortium_id']}-{recon['period']}-errors.csv", ERROR_COLUMNS,
                     _error_rows(runtime, recon_id))


@router.get("/reconciliations/{recon_id}/report.csv", response_class=CsvStream, responses=download(
    "text/csv", "every item of the report, category by category", "reconciliation-<consortium>-<period>.csv"))
def reconciliation_report_csv(recon_id: str, uow: ReadUowDep, principal: PrincipalDep,
                              runtime: RuntimeDep) -> CsvStream:
    """Every item of the report, category by category (matched, amount_mismatch, missing_on_platform,
    missing_in_file), as CSV."""
    recon = reconciliation.report(uow, principal, recon_id, 0, 0)
    uow.rollback()  # the rows are read in slices of their own

    def rows() -> Iterator[list]:
        for row in reconciliation.report_rows(runtime.read_uow, recon_id, CHUNK):
            yield ["" if v is None else v for v in row]
    return _download(f"reconciliation-{recon['consortium_id']}-{recon['period']}.csv",
                     reconciliation.REPORT_COLUMNS, rows)

