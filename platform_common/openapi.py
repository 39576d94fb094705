"""The error answers every route may give, documented once: the one error body (`ErrorBody`, the shape
`platform_common.web` writes) and the statuses every route may answer with.

Each service's app and the gateway's declare `ERROR_RESPONSES` for all their routes, so every document (each
service's own, and the gateway's merged one, gateway/openapi.py) has the same `ErrorBody`. A route answering
a file documents its errors with `FILE_ROUTE_ERRORS` (JSON, not the file's media type).
"""
from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, Field

from .api_types import open_content


class FieldError(BaseModel):
    field: str = Field(description="where, e.g. `body.patient.national_id`")
    reason: str = Field(description="why, in words")
    type: str = Field(description="a machine-readable kind, e.g. `missing`")


class ErrorDetail(BaseModel):
    code: str = Field(description="machine-readable, e.g. `invalid`, `conflict`, `upstream_timeout`")
    message: str = Field(description="for people")
    field: str | None = Field(default=None, description="the one input field at fault")
    fields: list[FieldError] | None = Field(default=None, description="every input field at fault")
    details: Annotated[dict[str, Any] | None, open_content("what the rule that refused names, case by case")] = \
        Field(default=None, description="e.g. `current_status` and `allowed_actions` of a 409")
    service: str | None = Field(default=None, description="the service a 502/503/504 concerns")
    request_id: str | None = Field(default=None, description="the X-Request-ID, to find the logs")


class ErrorBody(BaseModel):
    """Every error the platform answers with, whatever its status."""

    error: ErrorDetail


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _error("malformed request (a body that is not JSON, a path or query that cannot be read)"),
    401: _error("missing, expired or invalid bearer token"),
    403: _error("the caller's role or organisation may not do this"),
    404: _error("no such record, or not one the caller's organisation may see"),
    409: _error("illegal state transition, a rule refusing the change, or a concurrent change that got there first"),
    413: _error("request body over the route's cap"),
    422: _error("invalid input: `fields` (or `field`) names each value and why"),
}

# For a route whose success answer is a file (CSV, XLSX): FastAPI would document its errors in the file's
# media type; they are JSON like everywhere else (`ErrorBody` is in every document through the other routes).
FILE_ROUTE_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": r["description"],
           "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}
    for code, r in ERROR_RESPONSES.items()
}

