"""The referral indicators dashboard (转诊指标): the bureau's analysts and the finance office see the whole
consortium and each unit; a unit's manager sees their own unit.

Twelve months ending at the chosen one, each figure as an SVG chart with its numbers in a table beside it:
the county-domain visit rate against its 90% line, the acceptance rate, the median and p90 response minutes,
the chronic patients' downward share; then every unit side by side for the chosen month.
"""
from __future__ import annotations

import asyncio
import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from starlette.responses import Response

from ..access import ANALYST, FINANCE, UNIT_MANAGER, Page, register
from ..charts import Series, bar_chart, line_chart
from ..gateway_client import ApiError
from ..web import Ctx, Form, guard

router = APIRouter()
DASHBOARD = register(Page("/indicators", "转诊指标看板", "统计分析", (ANALYST, FINANCE, UNIT_MANAGER)))
WIDE = ("bureau_analyst", "finance_officer")
MONTHS = 12
MEMBER_KINDS = ("county_hospital", "township_centre", "village_clinic")


def months_ending(month: str, count: int) -> list[str]:
    year, mon = int(month[:4]), int(month[5:7])
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{mon:02d}")
        year, mon = (year, mon - 1) if mon > 1 else (year - 1, 12)
    return out[::-1]


def _pct(bp: int | None) -> float | None:
    return None if bp is None else bp / 100


@router.get(DASHBOARD.path)
async def dashboard(ctx: Annotated[Ctx, Depends(guard(DASHBOARD))], month: str = "", org_id: str = "") -> Response:
    wide = ctx.user.role in WIDE
    today = ctx.today
    form = Form({"month": month, "org_id": org_id if wide else ctx.user.org_id})
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month or ""):
        if month:
            form.add("month", "请选择月份，如 2026-11")
        month = f"{today.year:04d}-{today.month:02d}"
        form.values["month"] = month
    units = [o for o in ctx.registry.of_kind(*MEMBER_KINDS, consortium_id=ctx.user.consortium_id)] if wide else []
    scope = form.v("org_id") or None
    periods = months_ending(month, MONTHS)

    async def one(period: str, unit: str | None) -> dict[str, Any] | None:
        try:
            return await ctx.get("/referral/indicators", period=period, org_id=unit)
        except ApiError as e:
            form.take(e, ctx.org_name)
            return None

    series = await asyncio.gather(*(one(p, scope) for p in periods))
    per_unit = await asyncio.gather(*(one(month, u.org_id) for u in units)) if wide and not scope else []
    return ctx.render("indicators.html", title=DASHBOARD.title, form=form, wide=wide, units=units,
                      charts=_charts(periods, series, per_unit, units), periods=periods, series=series,
                      per_unit=list(zip(units, per_unit)), month=month, scope=scope,
                      target=next((s["county_domain_target_bp"] for s in series if s), 9000))


def _charts(periods: list[str], series: list[dict | None], per_unit: list[dict | None], units: list) -> dict:
    def values(key: str, convert=_pct) -> list[float | None]:  # noqa: ANN001
        return [convert(s[key]) if s and s.get(key) is not None else None for s in series]

    target = next((s["county_domain_target_bp"] for s in series if s), 9000) / 100
    labels = [p[2:] for p in periods]  # 26-11: twelve labels fit under the chart
    same = lambda v: v  # noqa: E731
    charts = {
        "visit_rate": line_chart("县域内就诊率（按月）", labels, [Series("县域内就诊率", values("county_domain_visit_rate_bp"))],
                                 "%", target, f"目标 {target:.0f}%", y_max=100),
        "acceptance": line_chart("上转接收率（按月）", labels, [Series("接收率", values("acceptance_rate_bp"))], "%",
                                 y_max=100),
        "response": line_chart("应答时间（分钟，按月）", labels,
                               [Series("中位数", values("median_response_minutes", same)),
                                Series("P90", values("p90_response_minutes", same))], " 分"),
        "chronic": line_chart("两慢病患者下转占比（按月）", labels,
                              [Series("下转占比", values("chronic_downward_share_bp"))], "%", y_max=100),
    }
    if per_unit:
        charts["units"] = bar_chart("各单位县域内就诊率", [u.name for u in units],
                                    [_pct(r["county_domain_visit_rate_bp"]) if r else None for r in per_unit],
                                    "%", target, f"目标 {target:.0f}%", x_max=100)
    return charts
