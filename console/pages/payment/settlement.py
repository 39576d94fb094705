"""Period settlement (期间结算): the settled periods, what closing a period would give (budget, spending, score,
retained or shared), and closing it — after a confirmation dialog, or without JavaScript after a confirmation
page that shows the same figures. A closed period is final; its statement is on statement.py's page."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response

from ...access import FINANCE, INSURANCE, Page, register
from ...gateway_client import ApiError
from ...web import Ctx, Form, compact, guard, status_for
from .common import (GROUP_SETTLE, check_period, consortia, consortium_name, consortium_of, last_month, managing,
                     period_label, require_manager)

router = APIRouter()
SETTLEMENTS = register(Page("/settlements", "期间结算", GROUP_SETTLE, (INSURANCE, FINANCE)))


async def _preview(ctx: Ctx, form: Form, consortium_id: str, period: str | None, quiet: bool) -> dict | None:
    if not period:
        return None
    try:
        return await ctx.get("/payment/performance", consortium_id=consortium_id, period=period)
    except ApiError as e:
        if not quiet:  # the month offered by default may simply have no budget yet: not the user's mistake
            form.take(e, ctx.org_name)
        return None


async def _render(ctx: Ctx, form: Form, status: int = 200, confirm: bool = False, quiet: bool = False) -> Response:
    consortium_id = consortium_of(ctx, form.v("consortium_id"))
    settled = await ctx.get("/payment/settlements", consortium_id=consortium_id)
    period = form.v("period") if not form.err("period") else None
    preview = await _preview(ctx, form, consortium_id, period, quiet) if period else None
    done = next((s for s in settled if s["period"] == period), None)
    return ctx.render("payment/settlements.html", status, title="确认结算" if confirm else SETTLEMENTS.title,
                      form=form, settled=list(reversed(settled)), preview=preview, done=done, confirm=confirm,
                      consortium_id=consortium_id, consortia=consortia(ctx), consortium_name=consortium_name,
                      period_label=period_label, manager=managing(ctx))


@router.get(SETTLEMENTS.path)
async def settlements(ctx: Annotated[Ctx, Depends(guard(SETTLEMENTS))], consortium_id: str = "",
                      period: str = "") -> Response:
    form = Form({"consortium_id": consortium_of(ctx, consortium_id), "period": period.strip().upper()})
    if period:
        check_period(form)
    elif managing(ctx):
        form.values["period"] = last_month(ctx)
    return await _render(ctx, form, quiet=not period)


@router.post("/settlements/close")
async def close(ctx: Annotated[Ctx, Depends(guard(SETTLEMENTS))]) -> Response:
    require_manager(ctx)
    form = await ctx.form()
    period = check_period(form)
    if form.errors:
        return await _render(ctx, form, 422)
    if form.v("confirmed") != "yes":
        # without JavaScript there was no dialog: this page is the confirmation, with the figures
        return await _render(ctx, form, confirm=True)
    body = compact({"consortium_id": consortium_of(ctx, form.v("consortium_id")), "period": period,
                    "performance_score": form.v("performance_score") or None,
                    "score_reason": form.v("score_reason") or None})
    closed = await ctx.attempt(form, ctx.post("/payment/settlements", body))
    if closed is None:
        form.values.pop("confirmed", None)
        return await _render(ctx, form, status_for(form))
    return ctx.redirect(f"/settlements/{closed['settlement_id']}",
                        flash=f"{period_label(closed['period'])}已结算，绩效得分 {closed['performance_score']}。")
