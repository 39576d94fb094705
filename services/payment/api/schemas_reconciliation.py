"""Response models of reconciliation (对账): the insurance office's file against the platform's claims."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from platform_common.api_types import Fen, MonthCode, PeriodCode, ResponseModel, UtcInstant

from .schemas_uploads import UploadError

Category = Literal["matched", "amount_mismatch", "missing_on_platform", "missing_in_file"]


class ReconItem(ResponseModel):
    claim_no: str
    file_amount_fen: Fen | None
    platform_amount_fen: Fen | None
    line: int | None = Field(description="the line in the insurance office's file")
    org_id: str | None
    period: MonthCode | None = Field(description="the month the platform booked it in")
    late: bool | None


class ReconTotal(ResponseModel):
    count: int
    file_amount_fen: Fen
    platform_amount_fen: Fen


class ReconTotals(ResponseModel):
    matched: ReconTotal
    amount_mismatch: ReconTotal
    missing_on_platform: ReconTotal
    missing_in_file: ReconTotal


class ReconItems(ResponseModel):
    matched: list[ReconItem]
    amount_mismatch: list[ReconItem]
    missing_on_platform: list[ReconItem]
    missing_in_file: list[ReconItem]


class ReconciliationOut(ResponseModel):
    """对账: the insurance office's file against the platform's claims; the first items of each category."""

    recon_id: str
    status: Literal["done"]
    consortium_id: str
    period: PeriodCode
    created_by: str
    created_at: UtcInstant
    rows: int
    rejected: int
    errors: list[UploadError] = Field(description="the first rows that could not be compared; all in errors.csv")
    errors_truncated: bool
    totals: ReconTotals
    booked_in_other_period: ReconTotal = Field(description="found, but booked outside the period")
    items: ReconItems


class ReconItemPage(ResponseModel):
    recon_id: str
    category: Category
    limit: int
    offset: int
    total: int
    items: list[ReconItem]



class ReconciliationSummary(ResponseModel):
    recon_id: str
    period: str
    filename: str | None
    created_by: str
    created_at: UtcInstant
    rows: int | None = Field(description="null while its file is being read")
    rejected: int | None
    totals: ReconTotals | None


class ReconciliationPage(ResponseModel):
    total: int
    limit: int
    offset: int
    items: list[ReconciliationSummary]
