"""Claim search (理赔查询) by number, unit, service date and kind, with the count and sum of what matches; one
claim's page names where it came from (an upload, a completed referral, one entry) and the month it was booked."""
from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends
from starlette.responses import Response

from ... import labels as L
from ...access import FINANCE, INSURANCE, Page, register
from ...gateway_client import ApiError
from ...web import Ctx, Form, guard
from .common import GROUP_CLAIMS, consortia

router = APIRouter()
SEARCH = register(Page("/claims", "理赔查询", GROUP_CLAIMS, (INSURANCE, FINANCE)))
CLAIM = Page("/claims/{claim_no}", "理赔详情", GROUP_CLAIMS, (INSURANCE, FINANCE), in_menu=False)
FILTERS = ("claim_no", "org_id", "date_from", "date_to", "kind", "period")
SORTS = {"-service_date": "就诊日期（新→旧）", "service_date": "就诊日期（旧→新）", "-amount_fen": "金额（大→小）",
         "claim_no": "理赔编号"}
PER_PAGE = 50


def units(ctx: Ctx) -> list[tuple[str, str]]:
    allowed = consortia(ctx)
    return [(o.org_id, o.name) for o in ctx.registry.of_kind("county_hospital", "township_centre", "village_clinic")
            if o.consortium_id in allowed]


@router.get(SEARCH.path)
async def search(ctx: Annotated[Ctx, Depends(guard(SEARCH))]) -> Response:
    params = ctx.request.query_params
    form = Form({k: params.get(k, "").strip() for k in FILTERS} | {"sort": params.get("sort", "-service_date")})
    page = int(params["page"]) if params.get("page", "").isdigit() and int(params["page"]) > 0 else 1
    sort = form.v("sort") if form.v("sort") in SORTS else "-service_date"
    result = None
    if any(form.v(k) for k in FILTERS):
        try:
            result = await ctx.get("/payment/claims", sort=sort, limit=PER_PAGE, offset=(page - 1) * PER_PAGE,
                                   **{k: form.v(k) or None for k in FILTERS})
        except ApiError as e:
            form.take(e, ctx.org_name)

    def url(**change: object) -> str:
        current = {k: form.v(k) for k in FILTERS if form.v(k)} | {"sort": sort, "page": page}
        return SEARCH.path + "?" + urlencode({**current, **change})

    return ctx.render("payment/claims.html", title=SEARCH.title, form=form, result=result, page_no=page, per_page=PER_PAGE,
                      url=url, units=units(ctx), kinds=list(L.CLAIM_KINDS.items()), sorts=list(SORTS.items()))


@router.get(CLAIM.path)
async def claim(claim_no: str, ctx: Annotated[Ctx, Depends(guard(CLAIM))]) -> Response:
    c = await ctx.record(f"/payment/claims/{claim_no}")
    return ctx.render("payment/claim.html", title=f"理赔 {c['claim_no']}", c=c)
