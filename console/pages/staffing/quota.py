"""The quota page (编制) per unit: bars for posts used against the quota, the professional-technical share against
its floor, senior and intermediate titles against their caps; broken rules and the bureau's overrides
highlighted. The HR offices see every unit (the county report); a unit's manager sees their own unit."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.exceptions import HTTPException
from starlette.responses import Response

from ...access import ANALYST, HR, UNIT_MANAGER, Page, register
from ...charts import Gauge, gauge_chart
from ...gateway_client import ApiError
from ...messages import translate_message
from ...web import Ctx, NotAllowed, guard
from .common import GROUP_STAFF, bureau

router = APIRouter()
QUOTA = register(Page("/quota", "编制情况", GROUP_STAFF, (HR, ANALYST, UNIT_MANAGER)))
UNIT = Page("/quota/{org_id}", "单位编制", GROUP_STAFF, (HR, ANALYST, UNIT_MANAGER), in_menu=False)


def gauges(r: dict) -> list[Gauge]:
    """The unit's four rules as bars against their limits, red where the service found the rule broken (the
    professional floor is broken by too many other posts, not by a unit still filling its quota)."""
    broken = {v["rule"] for v in r["violations"]}
    p, s, i = r["professional"], r["senior"], r["intermediate"]
    out = [Gauge("在编人数 / 编制", r["filled"], r["quota"], "max", ok="quota_exceeded" not in broken)] \
        if r["quota"] is not None else []
    return out + [Gauge(f"专业技术人员（≥{p['limit_bp'] / 100:g}%）", p["count"], p["limit"], "min", ok=p["ok"]),
                  Gauge(f"高级职称（≤{s['limit_bp'] / 100:g}%）", s["count"], s["limit"], "max", ok=s["ok"]),
                  Gauge(f"中级职称（≤{i['limit_bp'] / 100:g}%）", i["count"], i["limit"], "max", ok=i["ok"])]


@router.get(QUOTA.path)
async def quota(ctx: Annotated[Ctx, Depends(guard(QUOTA))]) -> Response:
    if ctx.user.role == "unit_manager":
        return ctx.redirect(f"/quota/{ctx.user.org_id}")
    report = await ctx.get("/staffing/quota-report")
    return ctx.render("staffing/quota_report.html", title=QUOTA.title, report=report,
                      detail=lambda v: translate_message(v["detail"], "conflict", None, ctx.org_name))


@router.get(UNIT.path)
async def unit(org_id: str, ctx: Annotated[Ctx, Depends(guard(UNIT))]) -> Response:
    if ctx.user.role == "unit_manager" and org_id != ctx.user.org_id:
        raise NotAllowed()
    try:
        r = await ctx.get(f"/staffing/units/{org_id}/quota")
        overrides = await ctx.get(f"/staffing/units/{org_id}/quota-overrides")
        staff = await ctx.get("/staffing/staff", org_id=org_id, limit=200)
    except ApiError as e:
        if e.status in (403, 404, 422):
            raise HTTPException(404) from e
        raise
    broken = {v["rule"] for v in r["violations"]}
    return ctx.render("staffing/quota_unit.html", title=f"{r['name']} 编制情况", r=r, chart=gauge_chart(
        "编制与职称结构", gauges(r)), overrides=overrides, staff=staff, broken=broken, bureau=bureau(ctx),
        detail=lambda text: translate_message(text, "conflict", None, ctx.org_name))
