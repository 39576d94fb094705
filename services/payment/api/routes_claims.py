"""Claims (one by one and bulk CSV), enrolments and capitation."""
from __future__ import annotations


from fastapi import APIRouter, File, Response, UploadFile

from platform_common.api_types import IsoDate
from platform_common.errors import InvalidInput

from ..domain.claims import ClaimInput, ClaimKind, parse_claim_no, parse_diagnosis
from ..service_layer import capitation, claims, roster_capitation
from ..service_layer.claim_import import get_upload
from . import schemas_claims as out
from . import schemas_uploads as uploads
from . import views
from .deps import JobsDep, PageDep, PrincipalDep, RespondAsync, SettingsDep, UowDep
from .schemas import CapitationRun, ClaimCreate, EnrolmentSet

router = APIRouter(tags=["claims"])


@router.post("/claims", status_code=201, response_model=out.ClaimOut,
             responses={200: {"model": out.ClaimOut, "description": "recorded before: the stored claim"}})
def record_claim(body: ClaimCreate, uow: UowDep, principal: PrincipalDep, settings: SettingsDep,
                 response: Response) -> dict:
    claim_no = parse_claim_no(body.claim_no)  # RowError: 422 naming claim_no
    if body.amount_fen > settings.claim_max_fen:
        raise InvalidInput(f"exceeds the per-claim maximum of {settings.claim_max_fen} fen", field="amount_fen")
    diagnosis = parse_diagnosis(body.diagnosis_code)  # RowError: 422 naming diagnosis_code
    claim, created = claims.record_claim(uow, principal, ClaimInput(
        claim_no, body.kind, body.org_id, body.amount_fen, body.service_date, diagnosis), settings.today())
    if not created:
        response.status_code = 200
    return views.claim(claim)


@router.post("/claims/uploads", status_code=201, response_model=uploads.UploadCounts | uploads.UploadInProgress,
             responses={202: {"model": uploads.UploadInProgress, "description": "Prefer: respond-async: stored, "
                                                                               "being read; GET it for progress"}})
def upload_claims(principal: PrincipalDep, jobs: JobsDep, respond_async: RespondAsync, response: Response,
                  file: UploadFile = File(...)) -> dict:
    """CSV `claim_no,kind,org_id,amount_fen,service_date` (UTF-8) or an XLSX workbook whose first sheet has
    those columns; read as a stream. With `Prefer: respond-async`: 202 and the upload's progress."""
    job = jobs.submit(principal, "claims", file.file, file.filename, wait=not respond_async)
    return views.submitted(response, respond_async, job, f"/claims/uploads/{job['upload_id']}")


@router.get("/claims/uploads/{upload_id}", response_model=uploads.UploadReport | uploads.UploadInProgress)
def upload_report(upload_id: str, uow: UowDep, principal: PrincipalDep, settings: SettingsDep,
                  jobs: JobsDep) -> dict:
    """The report; while the file is still being read, its `status` (running) and `progress`."""
    return jobs.running(principal, upload_id, "claims") or get_upload(uow, principal, upload_id,
                                                                      settings.upload_errors_listed)


@router.get("/claims", response_model=out.ClaimPage)
def list_claims(uow: UowDep, principal: PrincipalDep, page: PageDep, consortium_id: str | None = None,
                org_id: str | None = None, period: str | None = None, kind: ClaimKind | None = None,
                late: bool | None = None, sort: str = "-service_date", claim_no: str | None = None,
                date_from: IsoDate | None = None, date_to: IsoDate | None = None) -> dict:
    """`claim_no`: the number or its beginning; `date_from`/`date_to`: the service date (inclusive)."""
    found = claims.list_claims(uow, principal, consortium_id=consortium_id, org_id=org_id, period=period, kind=kind,
                               late=late, sort=sort, limit=page.limit, offset=page.offset, claim_no=claim_no,
                               date_from=date_from, date_to=date_to)
    return views.claim_page(found, page.limit, page.offset)


@router.get("/claims/{claim_no}", response_model=out.ClaimOut)
def get_claim(claim_no: str, uow: UowDep, principal: PrincipalDep) -> dict:
    return views.claim(claims.get_claim(uow, principal, claim_no))


@router.put("/enrolments/{org_id}", response_model=out.EnrolmentOut)
def set_enrolment(org_id: str, body: EnrolmentSet, uow: UowDep, principal: PrincipalDep) -> dict:
    return capitation.set_enrolment(uow, principal, org_id, body.effective_month, body.enrolled)


@router.get("/enrolments", response_model=list[out.EnrolmentOut])
def list_enrolments(consortium_id: str, uow: UowDep, principal: PrincipalDep) -> list[dict]:
    return capitation.list_enrolments(uow, principal, consortium_id)


@router.post("/capitation/runs", status_code=201, response_model=out.CapitationRunOut)
def run_capitation(body: CapitationRun, uow: UowDep, principal: PrincipalDep, settings: SettingsDep) -> dict:
    return roster_capitation.pay_capitation(uow, principal, settings, body.consortium_id, body.period)


@router.get("/capitation", response_model=list[out.CapitationPaymentOut])
def list_capitation(uow: UowDep, principal: PrincipalDep, consortium_id: str | None = None,
                    period: str | None = None) -> list[dict]:
    return capitation.list_payments(uow, principal, consortium_id, period)
