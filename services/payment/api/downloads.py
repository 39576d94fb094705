"""File downloads (the settlement statement as CSV and XLSX, an upload's rejected rows and a reconciliation
report as CSV), documented with their real media types.

A route returning a file names its response class, so the OpenAPI document shows `text/csv` or the XLSX
type for its 200 answer instead of an untyped `application/json` body, and its errors as the JSON they are.
"""
from __future__ import annotations

from typing import Any

from fastapi.responses import Response, StreamingResponse

from platform_common.openapi import FILE_ROUTE_ERRORS

from ..adapters import spreadsheets


class CsvResponse(Response):
    media_type = "text/csv"  # sent as text/csv; charset=utf-8 (Starlette adds the charset of text types)


class CsvStream(StreamingResponse):
    """A CSV download written as it is read (a million rejected rows never sit in memory)."""

    media_type = "text/csv"


class XlsxResponse(Response):
    media_type = spreadsheets.MEDIA_TYPE


def download(media_type: str, description: str, filename: str) -> dict[int | str, dict[str, Any]]:
    """The `responses` entry of a download route: its 200 is a file of `media_type`, saved as `filename`; its
    errors the platform's JSON error body (FastAPI would otherwise document them in the file's media type)."""
    return FILE_ROUTE_ERRORS | {200: {
        "description": description,
        "content": {media_type: {"schema": {"type": "string", "format": "binary"}}},
        "headers": {"Content-Disposition": {"description": f'attachment; filename="{filename}"',
                                            "schema": {"type": "string"}}},
    }}
