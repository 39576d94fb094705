"""A unit manager's monthly visit volumes (就诊人次): the outpatient visits and admissions of county residents at
the unit, which the county-domain visit rate is counted against. The last twelve months as reported, and a
form for a month (a correction replaces the figure)."""
from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response

from ...access import UNIT_MANAGER, Page, register
from ...convert import whole
from ...gateway_client import ApiError
from ...web import Ctx, Form, guard, status_for
from ..indicators import months_ending
from ..payment.common import MONTH, last_month
from .common import GROUP_UNIT

router = APIRouter()
VISITS = register(Page("/visit-volumes", "就诊人次填报", GROUP_UNIT, (UNIT_MANAGER,)))


async def _render(ctx: Ctx, form: Form, status: int = 200) -> Response:
    months = months_ending(last_month(ctx), 12)

    async def one(month: str) -> dict | None:
        try:
            return await ctx.get("/referral/indicators", period=month, org_id=ctx.user.org_id)
        except ApiError:
            return None
    figures = await asyncio.gather(*(one(m) for m in months))
    rows = [(m, f["reported_visits"] if f else None, f["county_domain_visit_rate_bp"] if f else None)
            for m, f in zip(months, figures)]
    return ctx.render("staffing/visits.html", status, title=VISITS.title, form=form, rows=list(reversed(rows)))


@router.get(VISITS.path)
async def visits(ctx: Annotated[Ctx, Depends(guard(VISITS))], month: str = "") -> Response:
    return await _render(ctx, Form({"month": month if MONTH.fullmatch(month) else last_month(ctx)}))


@router.post(VISITS.path)
async def report(ctx: Annotated[Ctx, Depends(guard(VISITS))]) -> Response:
    form = await ctx.form()
    count = whole(form, "visits", label="就诊人次")
    month = str(form.v("month"))
    if not MONTH.fullmatch(month):
        form.add("month", "请选择月份，如 2026-03")
    if count is None and not form.err("visits"):
        form.add("visits", "请填写就诊人次")
    done = None if form.errors else await ctx.attempt(form, ctx.put(f"/referral/visit-volumes/{month}",
                                                                   {"visits": count}))
    if done is None:
        return await _render(ctx, form, status_for(form))
    return ctx.redirect(f"/visit-volumes?month={month}", flash=f"{month} 就诊人次 {done['visits']:,} 已保存。")
