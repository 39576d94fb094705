"""The family-doctor contract roster: uploads, single contracts (add, end, transfer), the capitation run's
contracts, the fee split, coverage and the census."""
from __future__ import annotations

from fastapi import APIRouter, File, Response, UploadFile

from platform_common.api_types import IsoDate
from platform_common.auth import Role
from platform_common.errors import NotFound

from ..service_layer import primary_care_reports as reports
from ..service_layer import roster, roster_capitation
from ..service_layer.roster_import import roster_units
from ..service_layer.upload_rows import listed_errors, load_upload
from . import schemas_roster as s
from ..domain.roster import KeyGroup
from .schemas import KeyGroupCode, Month
from .schemas_roster import ContractIdPath
from .deps import JobsDep, PageDep, PrincipalDep, ReadUowDep, RespondAsync, SettingsDep, UowDep
from .schemas_uploads import UploadErrorsPage, UploadInProgress

router = APIRouter(tags=["roster"])


@router.post("/roster/uploads", status_code=201, response_model=s.RosterUploadCounts | UploadInProgress,
             responses={202: {"model": UploadInProgress, "description": "Prefer: respond-async: stored, being "
                                                                        "read; GET it for progress"}})
def upload_roster(principal: PrincipalDep, jobs: JobsDep, respond_async: RespondAsync, response: Response,
                  file: UploadFile = File(...)) -> dict:
    """CSV `national_id,org_id,team,package,key_groups,start_date,end_date` (UTF-8) or an XLSX workbook whose
    first sheet has those columns; `key_groups` separated by `;` (`elderly;hypertension`), `end_date` may be
    empty. Read as a stream; with `Prefer: respond-async`: 202 and the upload's progress."""
    result = jobs.submit(principal, "roster", file.file, file.filename, wait=not respond_async)
    if respond_async:
        response.status_code = 202
        response.headers["Location"] = f"/roster/uploads/{result['upload_id']}"
    return result


@router.get("/roster/uploads/{upload_id}", response_model=s.RosterUploadReport | UploadInProgress)
def roster_upload_report(upload_id: str, uow: ReadUowDep, principal: PrincipalDep, settings: SettingsDep,
                         jobs: JobsDep) -> dict:
    running = jobs.running(principal, upload_id, "roster")
    if running:
        return running
    row = _roster_upload(uow, principal, upload_id)
    errors = listed_errors(uow, upload_id, settings.upload_errors_listed)
    return row | {"errors": errors, "errors_truncated": row["rejected"] > len(errors)}


@router.get("/roster/uploads/{upload_id}/errors", response_model=UploadErrorsPage)
def roster_upload_errors(upload_id: str, uow: ReadUowDep, principal: PrincipalDep, page: PageDep) -> dict:
    row = _roster_upload(uow, principal, upload_id)
    return {"upload_id": upload_id, "total": row["rejected"], "limit": page.limit, "offset": page.offset,
            "items": listed_errors(uow, upload_id, page.limit, page.offset)}


def _roster_upload(uow, principal, upload_id: str) -> dict:  # noqa: ANN001
    """A roster upload for its uploader's consortium (finance), its uploader's unit (a unit's manager) or the
    insurance office; 404 otherwise."""
    roster_units(uow, principal)
    row = load_upload(uow, principal, upload_id, "roster")
    if principal.role is Role.UNIT_MANAGER and row["uploader_org_id"] != principal.org_id:
        raise NotFound("no such upload", upload_id=upload_id)
    return row


@router.post("/contracts", status_code=201, response_model=s.ContractOut,
             responses={200: {"model": s.ContractOut, "description": "recorded before: the stored contract"}})
def add_contract(body: s.ContractCreate, uow: UowDep, principal: PrincipalDep, settings: SettingsDep,
                 response: Response) -> dict:
    result = roster.add_contract(uow, principal, settings, roster.NewContract(**body.model_dump()))
    if not result.pop("created"):
        response.status_code = 200
    return result


@router.get("/contracts", response_model=s.ContractPage)
def list_contracts(uow: ReadUowDep, principal: PrincipalDep, page: PageDep, consortium_id: str | None = None,
                   org_id: str | None = None, active_on: IsoDate | None = None, team: str | None = None,
                   key_group: KeyGroupCode | None = None) -> dict:
    """`active_on`: only contracts in force on that day; `team`: one family-doctor team's; `key_group`: only
    contracts of residents in that key group."""
    return reports.list_contracts(uow, principal, consortium_id, org_id, active_on, page.limit, page.offset, team,
                                  KeyGroup(key_group) if key_group else None)


@router.get("/contracts/{contract_id}", response_model=s.ContractOut)
def get_contract(contract_id: ContractIdPath, uow: ReadUowDep, principal: PrincipalDep) -> dict:
    return roster.get_contract(uow, principal, contract_id)


@router.post("/contracts/{contract_id}/end", response_model=s.ContractOut)
def end_contract(contract_id: ContractIdPath, body: s.ContractEnd, uow: UowDep, principal: PrincipalDep) -> dict:
    """Ends it on `end_date` (its last day); not before the first day of a month already paid for it (409)."""
    return roster.end_contract(uow, principal, contract_id, body.end_date, body.reason)


@router.post("/contracts/{contract_id}/transfer", response_model=s.TransferOut)
def transfer_contract(contract_id: ContractIdPath, body: s.ContractTransfer, uow: UowDep, principal: PrincipalDep,
                      settings: SettingsDep) -> dict:
    """The resident moves to another unit from `on`: this contract ends the day before, a new one starts."""
    return roster.transfer_contract(uow, principal, settings, contract_id, body.national_id, body.to_org_id,
                                    body.team, body.on, body.package)


@router.get("/capitation/runs", response_model=s.CapitationRunPage)
def capitation_runs(consortium_id: str, uow: ReadUowDep, principal: PrincipalDep, page: PageDep,
                    period: Month | None = None) -> dict:
    """The capitation runs over the roster (of one month `period`), the latest first, paged."""
    return roster_capitation.list_runs(uow, principal, consortium_id, period, page.limit, page.offset)


@router.get("/capitation/runs/{run_id}/contracts", response_model=s.CapitationRunLinesOut)
def capitation_run_contracts(run_id: str, uow: ReadUowDep, principal: PrincipalDep, page: PageDep) -> dict:
    """Which contracts a capitation run paid, with each one's weight and amounts, paged."""
    result = roster_capitation.run_lines(uow, principal, run_id, page.limit, page.offset)
    from ..domain.roster import groups_of
    for item in result["items"]:
        item["key_groups"] = [g.value for g in groups_of(item["key_groups"])]
    return result


@router.get("/roster/fee-split", response_model=s.FeeSplitOut)
def fee_split(consortium_id: str, period: str, uow: ReadUowDep, principal: PrincipalDep, settings: SettingsDep) -> dict:
    """家庭医生签约服务费: the fees of the contracts first paid in the month, by payer."""
    return reports.fee_split_report(uow, principal, settings, consortium_id, period)


@router.get("/roster/coverage", response_model=s.CoverageOut)
def coverage(consortium_id: str, on: IsoDate, uow: ReadUowDep, principal: PrincipalDep, settings: SettingsDep) -> dict:
    """签约覆盖率 per unit and key group on a day, against the policy's target."""
    return reports.coverage(uow, principal, settings, consortium_id, on)


@router.put("/census/{org_id}", response_model=s.CensusOut)
def set_census(org_id: str, body: s.CensusSet, uow: UowDep, principal: PrincipalDep) -> dict:
    """A unit's population by group (the coverage denominators); groups left out keep their earlier figure."""
    return reports.set_census(uow, principal, org_id, body.as_of, dict(body.populations))
