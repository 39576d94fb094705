"""Request and response models of the contract roster, its capitation runs and its reports (pydantic v2).
Money in integer fen; no national ID is ever answered (the masked form only)."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import Path
from pydantic import Field, StrictInt

from platform_common.api_types import Fen, ResponseModel, UtcInstant

from .schemas import Body, Code, Id, KeyGroupCode, Month, Reason
from .schemas_uploads import UploadError, UploadRecord

# a contract id as the database holds it (BIGINT): a larger number is a 422, not an overflow in the driver
ContractIdPath = Annotated[int, Path(ge=1, le=2**63 - 1, description="the contract")]
NationalIdText = Annotated[str, Field(min_length=1, max_length=40, description="18-character resident ID; only its "
                                                                                "keyed hash and a masked form are kept")]
CensusGroup = Literal["all_residents", "any_key_group", "elderly", "hypertension", "diabetes", "pregnant", "children",
                      "disabled", "severe_mental", "tuberculosis", "poverty_relief", "family_planning"]


class ContractCreate(Body):
    national_id: NationalIdText
    org_id: Id
    team: Code
    package: Code
    key_groups: list[KeyGroupCode] = []
    start_date: date
    end_date: date | None = None


class ContractEnd(Body):
    end_date: date
    reason: Reason


class ContractTransfer(Body):
    national_id: NationalIdText = Field(description="the resident's ID again: the transfer is checked against it")
    to_org_id: Id
    team: Code
    on: date = Field(description="first day at the new unit; the old contract ends the day before")
    package: Code | None = None


class CensusSet(Body):
    as_of: date
    populations: dict[CensusGroup, Annotated[StrictInt, Field(ge=0, le=10_000_000)]] = Field(min_length=1)


class ContractOut(ResponseModel):
    contract_id: int
    resident_masked: str = Field(description="500237********1234: never the whole number")
    org_id: str
    consortium_id: str
    team: str
    package: str
    key_groups: list[KeyGroupCode]
    start_date: date
    end_date: date | None
    source: Literal["upload", "api", "transfer"]
    upload_id: str | None
    recorded_by: str
    recorded_at: UtcInstant
    ended_by: str | None
    end_reason: str | None


class ContractPage(ResponseModel):
    total: int
    limit: int
    offset: int
    items: list[ContractOut]


class TransferOut(ResponseModel):
    ended: ContractOut
    started: ContractOut


class RosterUploadCounts(ResponseModel):
    """What a roster file stored, answered when it was read within the request."""

    upload_id: str
    filename: str | None
    status: Literal["done"]
    rows: int
    inserted: int
    duplicates: int = Field(description="the same contract again: not stored twice")
    changed: int = Field(description="contracts already on the roster (same resident and start) whose end date the "
                                     "file moved: ended early or extended")
    rejected: int
    errors: list[UploadError] = Field(description="the first rejected rows (`claim_no` holds the masked ID when "
                                                  "the row had a valid one); all of them under /errors")
    errors_truncated: bool


class RosterUploadReport(UploadRecord):
    purpose: Literal["roster"]
    changed: int
    errors: list[UploadError]
    errors_truncated: bool


class CapitationLineOut(ResponseModel):
    contract_id: int
    org_id: str
    resident_masked: str
    package: str
    key_groups: list[KeyGroupCode]
    weight_bp: int
    amount_fen: Fen
    fee_fund_fen: Fen = Field(description="the fund's share of the contract fee, in its first paid month")


class CapitationRunSummaryOut(ResponseModel):
    run_id: str
    consortium_id: str
    month: Month
    policy_version: int
    rate_fen: Fen
    contracts: int
    amount_fen: Fen
    fee_fund_fen: Fen
    entry_id: str | None
    paid_by: str
    paid_at: UtcInstant


class CapitationRunLinesOut(CapitationRunSummaryOut):
    limit: int
    offset: int
    items: list[CapitationLineOut]


class CapitationRunPage(ResponseModel):
    total: int
    limit: int
    offset: int
    items: list[CapitationRunSummaryOut]


class FeeSplitLineOut(ResponseModel):
    org_id: str
    package: str
    contracts: int
    fee_fen: Fen
    fund_fen: Fen = Field(description="booked: paid with the capitation of the contract's first month")
    public_health_fen: Fen = Field(description="reported: basic public-health funds (基本公共卫生服务经费)")
    resident_fen: Fen = Field(description="reported: the resident's own share")


class FeeSplitOut(ResponseModel):
    consortium_id: str
    period: Month
    policy_version: int
    basis: str = Field(description="which contracts: those first paid by capitation in the month")
    lines: list[FeeSplitLineOut]
    fee_fen: Fen
    fund_fen: Fen
    public_health_fen: Fen
    resident_fen: Fen
    booked_fund_fen: Fen = Field(description="the fund's share as the ledger holds it for the month")


class CoverageLineOut(ResponseModel):
    org_id: str
    group: CensusGroup
    contracted: int
    population: int | None
    population_source: Literal["census", "registry"] | None
    coverage_bp: int | None = Field(description="contracted / population, bp; null without a population")
    target_bp: int
    meets_target: bool | None
    shortfall: int | None = Field(description="contracts still needed to reach the target")


class CoverageOut(ResponseModel):
    consortium_id: str
    on: date
    target_bp: int
    policy_version: int
    lines: list[CoverageLineOut]


class CensusOut(ResponseModel):
    org_id: str
    consortium_id: str
    as_of: date
    populations: dict[str, int]


class PackageFeeOut(ResponseModel):
    fee_fen_per_year: Fen
    fund_bp: int
    public_health_bp: int
    resident_bp: int


class PrimaryCareOut(ResponseModel):
    key_group_weights_bp: dict[str, int] = Field(description="capitation weight of a key group, bp of the rate")
    packages: dict[str, PackageFeeOut] = Field(description="contract fee per year and who pays which share")
    coverage_target_bp: int = Field(description="key-group coverage target (7300: seed policy)")


class IndicatorOut(ResponseModel):
    code: str
    name: str
    source: Literal["referral", "claims", "roster", "settlement"]
    direction: Literal["higher", "lower"]
    target: int
    weight_bp: int
    rule: Literal["proportional", "threshold"]


class AppraisalOut(ResponseModel):
    indicators: list[IndicatorOut]
