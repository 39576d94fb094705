"""The monthly allowance report (津贴月报): GP allowances by title and secondment allowances by day, per person,
with the totals; a CSV download for the finance office's payroll."""
from __future__ import annotations

import csv
import io
from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response

from ... import labels as L
from ...access import ANALYST, HR, Page, register
from ...gateway_client import ApiError
from ...render import yuan
from ...web import Ctx, Form, guard
from ..payment.common import MONTH, last_month
from .common import GROUP_SUPPORT

router = APIRouter()
ALLOWANCES = register(Page("/allowances", "津贴月报", GROUP_SUPPORT, (HR, ANALYST)))


async def _report(ctx: Ctx, month: str, form: Form) -> dict | None:
    if not MONTH.fullmatch(month):
        form.add("month", "请选择月份，如 2026-03")
        return None
    try:
        return await ctx.get("/staffing/allowances", month=month)
    except ApiError as e:
        form.take(e, ctx.org_name)
        return None


@router.get(ALLOWANCES.path)
async def allowances(ctx: Annotated[Ctx, Depends(guard(ALLOWANCES))], month: str = "") -> Response:
    form = Form({"month": month or last_month(ctx)})
    report = await _report(ctx, form.v("month"), form)
    return ctx.render("staffing/allowances.html", title=ALLOWANCES.title, form=form, report=report)


@router.get("/allowances.csv")
async def allowances_csv(ctx: Annotated[Ctx, Depends(guard(ALLOWANCES))], month: str = "") -> Response:
    form = Form({"month": month})
    report = await _report(ctx, month, form)
    if report is None:
        return ctx.render("staffing/allowances.html", 422, title=ALLOWANCES.title, form=form, report=None)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["月份", "姓名", "津贴类别", "所在单位", "职称", "天数", "金额（元）", "金额（分）"])
    for line in report["lines"]:
        w.writerow([report["month"], line["name"], L.label(L.ALLOWANCE_KINDS, line["kind"]), ctx.org_name(line["org_id"]),
                    L.label(L.TITLE_LEVELS, line["title_level"]), line["days"], yuan(line["amount_fen"]).lstrip("¥"),
                    line["amount_fen"]])
    w.writerow([report["month"], "合计", "", "", "", "", yuan(report["total_fen"]).lstrip("¥"), report["total_fen"]])
    return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="allowances-{report["month"]}.csv"'})
