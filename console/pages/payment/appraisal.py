"""Appraisal of the member units (成员单位绩效考核) for a month, a quarter or a year: each unit's and the consortium's
total, and for the one chosen every indicator's value, target, weight and points, so a unit sees why it scored what
it scored. Beside the consortium's, the primary units' share of the fund (基层医保基金占比) and the chronic (两慢病)
patients' primary-care visit rate, month by month, as the API gives them. A township's manager sees the
consortium's total and its own unit's indicators (the fund's figures stay with the insurance and finance offices)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response

from ... import labels as L
from ...access import FINANCE, INSURANCE, TOWNSHIP_MANAGER, Page, register
from ...gateway_client import ApiError
from ...render import minutes, pct
from ...web import Ctx, Form, guard
from .common import GROUP_APPRAISAL, check_period, consortia, consortium_name, consortium_of, period_label

router = APIRouter()
APPRAISAL = register(Page("/appraisal", "成员单位绩效考核", GROUP_APPRAISAL, (INSURANCE, FINANCE, TOWNSHIP_MANAGER)))
DIRECTIONS = {"higher": "越高越好", "lower": "越低越好"}
RULES = {"proportional": "按完成比例计分", "threshold": "达标得满分"}


def measure(code: str, value: int | None) -> str:
    """An indicator's value or target in its unit: minutes for the response time, basis points otherwise."""
    if value is None:
        return "无数据，不参与计分"
    return minutes(value) if code.endswith("_minutes") else pct(value)


@router.get(APPRAISAL.path)
async def appraisal(ctx: Annotated[Ctx, Depends(guard(APPRAISAL))], consortium_id: str = "", period: str = "",
                    org_id: str = "") -> Response:
    form = Form({"consortium_id": consortium_of(ctx, consortium_id), "period": period or str(ctx.today.year)})
    report = share = chronic = None
    code = check_period(form)
    if code is None:
        form.errors["period"] = "考核期间应为月份（2026-03）、季度（2026-Q1）或年度（2026）"
    if code:
        scope = {"consortium_id": form.v("consortium_id"), "period": code}
        try:
            report = await ctx.get("/payment/appraisal", **scope)
            if ctx.user.role != "unit_manager":
                share = await ctx.get("/payment/primary-share", **scope)
                chronic = await ctx.get("/payment/chronic-visits", **scope)
        except ApiError as e:
            form.take(e, ctx.org_name)
    chosen = None
    if report:
        units = {u["org_id"]: u for u in report["units"]}
        own = ctx.user.org_id if ctx.user.role == "unit_manager" else None  # a township opens on its own unit
        chosen = units.get(org_id or own or "") or report["consortium"]
    return ctx.render("payment/appraisal.html", title=APPRAISAL.title, form=form, report=report, share=share,
                      chronic=chronic, chosen=chosen, measure=measure, directions=DIRECTIONS, rules=RULES,
                      sources=L.INDICATOR_SOURCES, period_label=period_label, consortia=consortia(ctx),
                      consortium_name=consortium_name)
