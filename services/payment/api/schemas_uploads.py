"""Response models of the upload listings and of the rows an upload rejected."""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class UploadError(BaseModel):
    line: int
    claim_no: str | None
    field: str
    reason: str


class UploadErrorsPage(BaseModel):
    upload_id: str
    total: int
    limit: int
    offset: int
    items: list[UploadError]


class UploadSummary(BaseModel):
    upload_id: str
    filename: str | None
    file_format: str | None
    size_bytes: int | None
    uploaded_by: str
    uploader_org_id: str
    uploaded_at: datetime
    status: str  # running | done | failed
    rows: int
    inserted: int
    duplicates: int
    rejected: int
    amount_fen: int
    failure: dict | None
    finished_at: datetime | None


class UploadPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[UploadSummary]


class ReconciliationSummary(BaseModel):
    recon_id: str
    period: str
    filename: str | None
    created_by: str
    created_at: datetime
    rows: int | None
    rejected: int | None
    totals: dict | None


class ReconciliationPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[ReconciliationSummary]
