"""Claims (one by one and bulk CSV), enrolments and capitation."""
from __future__ import annotations

from fastapi import APIRouter, File, Response, UploadFile

from platform_common.errors import InvalidInput

from ..domain.claims import ClaimInput, ClaimKind, RowError, parse_claim_no
from ..service_layer import capitation, claims
from ..service_layer.claim_import import get_upload, import_claims
from .deps import PageDep, PrincipalDep, SettingsDep, UowDep
from .schemas import CapitationRun, ClaimCreate, EnrolmentSet

router = APIRouter(tags=["claims"])


@router.post("/claims", status_code=201)
def record_claim(body: ClaimCreate, uow: UowDep, principal: PrincipalDep, settings: SettingsDep,
                 response: Response) -> dict:
    try:
        claim_no = parse_claim_no(body.claim_no)
    except RowError as e:
        raise InvalidInput(e.reason, field="claim_no") from None
    if body.amount_fen > settings.claim_max_fen:
        raise InvalidInput(f"exceeds the per-claim maximum of {settings.claim_max_fen} fen", field="amount_fen")
    claim, created = claims.record_claim(uow, principal, ClaimInput(
        claim_no, body.kind, body.org_id, body.amount_fen, body.service_date), settings.today())
    if not created:
        response.status_code = 200
    return claim


@router.post("/claims/uploads", status_code=201)
def upload_claims(uow: UowDep, principal: PrincipalDep, settings: SettingsDep,
                  file: UploadFile = File(...)) -> dict:
    """CSV `claim_no,kind,org_id,amount_fen,service_date`, UTF-8; streamed from the spooled upload."""
    return import_claims(uow, principal, settings, file.file, file.filename)


@router.get("/claims/uploads/{upload_id}")
def upload_report(upload_id: str, uow: UowDep, principal: PrincipalDep) -> dict:
    return get_upload(uow, principal, upload_id)


@router.get("/claims")
def list_claims(uow: UowDep, principal: PrincipalDep, page: PageDep, consortium_id: str | None = None,
                org_id: str | None = None, period: str | None = None, kind: ClaimKind | None = None,
                late: bool | None = None, sort: str = "-service_date") -> dict:
    return claims.list_claims(uow, principal, consortium_id=consortium_id, org_id=org_id, period=period, kind=kind,
                              late=late, sort=sort, limit=page.limit, offset=page.offset)


@router.get("/claims/{claim_no}")
def get_claim(claim_no: str, uow: UowDep, principal: PrincipalDep) -> dict:
    return claims.get_claim(uow, principal, claim_no)


@router.put("/enrolments/{org_id}")
def set_enrolment(org_id: str, body: EnrolmentSet, uow: UowDep, principal: PrincipalDep) -> dict:
    return capitation.set_enrolment(uow, principal, org_id, body.effective_month, body.enrolled)


@router.get("/enrolments")
def list_enrolments(consortium_id: str, uow: UowDep, principal: PrincipalDep) -> list[dict]:
    return capitation.list_enrolments(uow, principal, consortium_id)


@router.post("/capitation/runs", status_code=201)
def run_capitation(body: CapitationRun, uow: UowDep, principal: PrincipalDep, settings: SettingsDep) -> dict:
    return capitation.run_capitation(uow, principal, settings, body.consortium_id, body.period)


@router.get("/capitation")
def list_capitation(uow: UowDep, principal: PrincipalDep, consortium_id: str | None = None,
                    period: str | None = None) -> list[dict]:
    return capitation.list_payments(uow, principal, consortium_id, period)
