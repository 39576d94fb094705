"""Performance, settlement, statements, distributions, ledger and reconciliation."""
from __future__ import annotations

from fastapi import APIRouter, File, Form, Response, UploadFile

from platform_common.api_types import IsoDate
from platform_common.errors import NotFound

from ..service_layer import reconciliation, settlement, statements
from ..service_layer.performance import received
from ..service_layer.upload_rows import load_upload
from . import schemas_reconciliation as recon
from . import schemas_uploads as uploads
from . import schemas_settlement as out
from . import views
from .downloads import CsvResponse, XlsxResponse, download
from .deps import JobsDep, PageDep, PrincipalDep, ReadUowDep, RespondAsync, SettingsDep, UowDep
from .schemas import SettlementCreate

router = APIRouter(tags=["settlement"])


@router.get("/indicators", response_model=out.ReceivedIndicatorsOut)
def get_indicators(consortium_id: str, period: str, uow: ReadUowDep, principal: PrincipalDep) -> dict:
    return views.indicators_received(consortium_id, period, received(uow, principal, consortium_id, period))


@router.get("/performance", response_model=out.PerformancePreview)
def preview_performance(consortium_id: str, period: str, uow: ReadUowDep, principal: PrincipalDep,
                        settings: SettingsDep) -> dict:
    return settlement.preview(uow, principal, settings, consortium_id, period)


@router.post("/settlements", status_code=201, response_model=out.SettlementOut,
             responses={200: {"model": out.SettlementOut, "description": "closed before with the same inputs"}})
def close_settlement(body: SettlementCreate, uow: UowDep, principal: PrincipalDep, settings: SettingsDep,
                     response: Response) -> dict:
    settlement_id, created = settlement.close_period(
        uow, principal, settings, consortium_id=body.consortium_id, period_code=body.period,
        assessed_score=body.performance_score, score_reason=body.score_reason)
    if not created:
        response.status_code = 200
    return statements.statement(uow, principal, settlement_id)


@router.get("/settlements", response_model=list[out.SettlementSummary])
def list_settlements(consortium_id: str, uow: ReadUowDep, principal: PrincipalDep) -> list[dict]:
    return statements.list_settlements(uow, principal, consortium_id)


@router.get("/settlements/{settlement_id}", response_model=out.SettlementOut)
def get_statement(settlement_id: str, uow: ReadUowDep, principal: PrincipalDep) -> dict:
    return statements.statement(uow, principal, settlement_id)


@router.get("/settlements/{settlement_id}/statement.csv", response_class=CsvResponse, responses=download(
    "text/csv", "the statement as CSV (UTF-8): item, value, yuan; then the distributions",
    "settlement-<consortium>-<period>.csv"))
def download_statement(settlement_id: str, uow: ReadUowDep, principal: PrincipalDep) -> Response:
    view = statements.statement(uow, principal, settlement_id)
    name = f"settlement-{view['consortium_id']}-{view['period']}.csv"
    return CsvResponse(statements.statement_csv(view),
                       headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/settlements/{settlement_id}/statement.xlsx", response_class=XlsxResponse, responses=download(
    XlsxResponse.media_type, "the statement as an XLSX workbook", "settlement-<consortium>-<period>.xlsx"))
def download_statement_xlsx(settlement_id: str, uow: ReadUowDep, principal: PrincipalDep) -> Response:
    view = statements.statement(uow, principal, settlement_id)
    name = f"settlement-{view['consortium_id']}-{view['period']}.xlsx"
    return XlsxResponse(statements.statement_xlsx(view),
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/distributions", response_model=list[out.DistributionOut])
def list_distributions(uow: ReadUowDep, principal: PrincipalDep, consortium_id: str | None = None,
                       org_id: str | None = None, period: str | None = None) -> list[dict]:
    return statements.list_distributions(uow, principal, consortium_id, org_id, period)


@router.get("/ledger/balances", response_model=out.Balances)
def ledger_balances(consortium_id: str, uow: ReadUowDep, principal: PrincipalDep, settings: SettingsDep,
                    as_of: IsoDate | None = None) -> dict:
    return statements.balances(uow, principal, consortium_id, as_of, settings.tz())


@router.get("/ledger/accounts/{account}/postings", response_model=out.LedgerPostingPage)
def ledger_postings(account: str, uow: ReadUowDep, principal: PrincipalDep, page: PageDep) -> dict:
    return statements.postings(uow, principal, account, page.limit, page.offset)


@router.post("/reconciliations", status_code=201,
             response_model=recon.ReconciliationOut | uploads.ReconciliationInProgress,
             responses={202: {"model": uploads.ReconciliationInProgress,
                              "description": "Prefer: respond-async: stored, being read; GET it for progress"}})
def reconcile(principal: PrincipalDep, jobs: JobsDep, respond_async: RespondAsync, response: Response,
              consortium_id: str = Form(...), period: str = Form(...), file: UploadFile = File(...)) -> dict:
    """The office's file: CSV with `claim_no` and `amount_fen` columns, or an XLSX workbook whose first sheet
    has them. With `Prefer: respond-async`: 202 and the reconciliation's progress."""
    job = jobs.submit(principal, "reconciliation", file.file, file.filename,
                      {"consortium_id": consortium_id, "period": period}, wait=not respond_async)
    return views.submitted(response, respond_async, job, f"/reconciliations/{job['recon_id']}")


@router.get("/reconciliations/{recon_id}", response_model=recon.ReconciliationOut | uploads.ReconciliationInProgress)
def get_reconciliation(recon_id: str, uow: ReadUowDep, principal: PrincipalDep, settings: SettingsDep,
                       jobs: JobsDep) -> dict:
    """The report; while the file is being read its `status` (running) and `progress`; `failed` and why."""
    running = jobs.running(principal, recon_id, "reconciliation")
    if running:
        return running
    try:
        return reconciliation.report(uow, principal, recon_id, settings.page_size_default,
                                     settings.upload_errors_listed)
    except NotFound:
        row = load_upload(uow, principal, recon_id, "reconciliation")
        if row["status"] == "done":
            raise
        return views.upload_not_done(recon_id, row)


@router.get("/reconciliations/{recon_id}/items", response_model=recon.ReconItemPage)
def reconciliation_items(recon_id: str, category: str, uow: ReadUowDep, principal: PrincipalDep,
                         page: PageDep) -> dict:
    return reconciliation.items(uow, principal, recon_id, category, page.limit, page.offset)
