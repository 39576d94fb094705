"""Capitation runs over the contract roster (按人头付费): the list of runs, the latest first (of one month if chosen);
a run's page with what it paid each unit for the month (the contracts and the amount in yuan from fen), and every
contract it paid with its weight, paged. The insurance office is brought here
after running a month on the capitation page; the finance office reads it too."""
from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends
from starlette.responses import Response

from ... import labels as L
from ...access import FINANCE, INSURANCE, Page, register
from ...gateway_client import ApiError
from ...web import Ctx, Form, guard
from .common import GROUP_LEDGER, MONTH, consortia, consortium_name, consortium_of

router = APIRouter()
RUNS = register(Page("/capitation/runs", "人头费拨付批次", GROUP_LEDGER, (INSURANCE, FINANCE)))
RUN = Page("/capitation/runs/{run_id}", "按人头付费拨付结果", GROUP_LEDGER, (INSURANCE, FINANCE), in_menu=False)
PER_PAGE = 100
RUNS_PER_PAGE = 50


@router.get(RUNS.path)
async def runs(ctx: Annotated[Ctx, Depends(guard(RUNS))], consortium_id: str = "", period: str = "",
               page: int = 1) -> Response:
    """Every run over the roster, the latest first; of one month when one is chosen."""
    form, page = Form({"consortium_id": consortium_of(ctx, consortium_id), "period": period}), max(1, page)
    listing = {"total": 0, "limit": RUNS_PER_PAGE, "offset": 0, "items": []}
    if period and not MONTH.fullmatch(period):
        form.add("period", "请填写月份，如 2026-03")
    else:
        try:
            listing = await ctx.get("/payment/capitation/runs", consortium_id=form.v("consortium_id"), period=period,
                                    limit=RUNS_PER_PAGE, offset=(page - 1) * RUNS_PER_PAGE)
        except ApiError as e:
            form.take(e, ctx.org_name)
    query = {k: form.v(k) for k in ("consortium_id", "period") if form.v(k)}
    return ctx.render("payment/capitation_runs.html", title=RUNS.title, form=form, listing=listing, page_no=page,
                      consortia=consortia(ctx), consortium_name=consortium_name,
                      url=lambda **kw: RUNS.path + "?" + urlencode(query | {"page": kw.get("page", page)}))


@router.get(RUN.path)
async def run(run_id: str, ctx: Annotated[Ctx, Depends(guard(RUN))], page: int = 1) -> Response:
    page = max(1, page)
    r = await ctx.record(f"/payment/capitation/runs/{run_id}/contracts", limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    month = await ctx.get("/payment/capitation", consortium_id=r["consortium_id"], period=r["month"])
    return ctx.render("payment/capitation_run.html", title=f"{r['month']} {RUN.title}", r=r, month=month,
                      page_no=page, per_page=PER_PAGE, key_groups=L.KEY_GROUPS,
                      url=lambda **kw: f"/capitation/runs/{run_id}?page={kw.get('page', page)}#contracts")
