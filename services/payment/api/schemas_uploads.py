"""Response models of claim and reconciliation uploads: reports, progress while a file is read, the claim
uploads listed, and the rows an upload rejected (pydantic v2). Money in integer fen."""
from __future__ import annotations

from typing import Any, Annotated, Literal

from pydantic import Field

from platform_common.api_types import Fen, ResponseModel, UtcInstant, open_content

FileFormat = Literal["csv", "xlsx"]


class UploadError(ResponseModel):
    line: int = Field(description="the line of the file, the header being line 1")
    claim_no: str | None
    field: str
    reason: str


class UploadErrorsPage(ResponseModel):
    upload_id: str
    total: int
    limit: int
    offset: int
    items: list[UploadError]


class UploadFailure(ResponseModel):
    """Why reading the file failed (nothing of it was stored): the error the upload would have answered."""

    code: str = Field(description="e.g. `invalid`, `payload_too_large`, `interrupted`")
    message: str
    field: str | None = None
    # what an error names beside its message differs from error to error (a limit, the header found)
    details: Annotated[dict[str, Any] | None, open_content("the details of the error, as in an error body")] = None


class UploadProgress(ResponseModel):
    phase: Literal["queued", "reading", "importing", "done", "failed", "running"] = Field(
        description="reading: an XLSX sheet into rows; importing: the rows into the platform")
    fraction: float | None = Field(description="of the file read so far, 0-1; null when not known")
    rows: int


class InProgress(ResponseModel):
    """A file still being read (answered 202 with `Prefer: respond-async`), or one whose reading failed."""

    status: Literal["running", "failed"]
    failure: UploadFailure | None
    filename: str | None
    file_format: FileFormat | None
    size_bytes: int | None
    progress: UploadProgress


class UploadInProgress(InProgress):
    upload_id: str


class ReconciliationInProgress(InProgress):
    recon_id: str


class UploadCounts(ResponseModel):
    """What a claims file booked, answered when it was read within the request."""

    upload_id: str
    filename: str | None
    status: Literal["done"]
    rows: int
    inserted: int
    duplicates: int = Field(description="the same claim again (same number and data): not booked twice")
    rejected: int
    amount_fen: Fen = Field(description="the sum of the claims this upload booked")
    errors: list[UploadError] = Field(description="the first rejected rows; all of them under /errors")
    errors_truncated: bool


class UploadRecord(ResponseModel):
    """The fields every stored upload answers (claims and roster files alike): who sent which file when, and
    what came of it. Not answered as such: each purpose's report narrows `purpose` and adds its own counts."""

    upload_id: str
    purpose: str
    filename: str | None
    file_format: FileFormat | None
    size_bytes: int | None
    uploaded_by: str
    uploader_org_id: str
    uploaded_at: UtcInstant
    status: Literal["running", "done", "failed"]
    rows: int
    inserted: int
    duplicates: int
    rejected: int
    amount_fen: Fen
    failure: UploadFailure | None
    finished_at: UtcInstant | None


class UploadSummary(UploadRecord):
    """An upload as stored: who sent which file when, and what came of it."""

    purpose: Literal["claims"]


class UploadReport(UploadSummary):
    errors: list[UploadError] = Field(description="the first rejected rows; all of them under /errors")
    errors_truncated: bool


class UploadPage(ResponseModel):
    total: int
    limit: int
    offset: int
    items: list[UploadSummary]
