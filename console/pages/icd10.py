"""The ICD-10 picker: the catalogue for the forms' datalist, and a search the page script calls as one types."""
from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from starlette.responses import JSONResponse

from ..access import REFERRAL_DESKS, Page
from ..gateway_client import GatewayUnavailable
from ..web import Ctx, guard

router = APIRouter()
SEARCH = Page("/icd10/search", "诊断检索", "转诊业务", REFERRAL_DESKS, in_menu=False)
_CACHE: dict[str, Any] = {"at": 0.0, "items": []}
CATALOGUE_TTL_SECONDS = 600


async def catalogue(ctx: Ctx) -> list[dict[str, str]]:
    """The whole catalogue (a few hundred rows) for the datalist: a picker that works without JavaScript."""
    if not _CACHE["items"] or time.monotonic() - _CACHE["at"] > CATALOGUE_TTL_SECONDS:
        try:
            _CACHE["items"] = (await ctx.get("/referral/icd10", limit=500))["items"]
            _CACHE["at"] = time.monotonic()
        except GatewayUnavailable:
            pass  # the picker is a help: the form still opens (and keeps what was typed) while referral is down
    return _CACHE["items"]


def name_of(items: list[dict[str, str]], code: str) -> str | None:
    code = code.strip().upper()
    return next((d["name"] for d in items if d["code"] == code), None)


@router.get(SEARCH.path)
async def search(ctx: Annotated[Ctx, Depends(guard(SEARCH))], q: str = "") -> JSONResponse:
    body = await ctx.get("/referral/icd10", q=q[:50], limit=20)
    return JSONResponse(body)
