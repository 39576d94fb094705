"""The settlement statement (结算单): budget against actual, the surplus retained by the score's band or the
overspend shared, the retained surplus split by purpose, and its distribution to member units — each as a chart
drawn on the server with its numbers in a table beside it — and the CSV and XLSX downloads."""
from __future__ import annotations

from collections import defaultdict
from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.exceptions import HTTPException
from starlette.responses import Response

from ... import labels as L
from ...access import FINANCE, INSURANCE, Page
from ...charts import Series, Step, bar_chart, grouped_bar_chart, waterfall_chart
from ...web import Ctx, guard
from .common import GROUP_SETTLE, consortium_name, period_label

router = APIRouter()
STATEMENT = Page("/settlements/{settlement_id}", "结算单", GROUP_SETTLE, (INSURANCE, FINANCE), in_menu=False)
Guarded = Annotated[Ctx, Depends(guard(STATEMENT))]
CHART_UNITS = 12


def steps(s: dict) -> list[Step]:
    """The waterfall: a surplus from the budget down to what the consortium keeps; an overspend from the budget up
    to the actual spending, by who bears it."""
    y = lambda fen: fen / 100  # noqa: E731 - yuan, for drawing only (the tables show the exact amounts)
    if s["balance_fen"] >= 0:
        return [Step("预算", y(s["budget_fen"]), True), Step("实际支出", -y(s["actual_fen"])),
                Step("结余", y(s["balance_fen"]), True), Step("返还医保基金", -y(s["returned_to_fund_fen"])),
                Step("结余留用", y(s["retained_fen"]), True)]
    return [Step("预算", y(s["budget_fen"]), True), Step("医保基金分担", y(s["fund_share_fen"])),
            Step("医共体承担", y(s["consortium_share_fen"])), Step("实际支出", y(s["actual_fen"]), True)]


def by_unit(distributions: list[dict]) -> list[dict]:
    """One row per unit: its amount per purpose and in all."""
    rows: dict[str, dict] = defaultdict(lambda: {"purposes": {}, "total_fen": 0})
    for d in distributions:
        row = rows[d["org_id"]]
        row |= {"org_id": d["org_id"], "org_name": d["org_name"] or d["org_id"], "basis": d["basis"],
                "weight": d["weight"]}
        row["purposes"][d["purpose"]] = d["amount_fen"]
        row["total_fen"] += d["amount_fen"]
    return sorted(rows.values(), key=lambda r: -r["total_fen"])


@router.get(STATEMENT.path)
async def statement(settlement_id: str, ctx: Guarded) -> Response:
    s = await ctx.record(f"/payment/settlements/{settlement_id}")
    units = by_unit(s["distributions"])
    purposes = list(s["split"])
    charts = {"waterfall": waterfall_chart("预算与实际支出", steps(s), "元")}
    if s["retained_fen"]:
        charts["split"] = bar_chart("结余留用的用途", [L.label(L.PURPOSES, p) for p in purposes],
                                    [s["split"][p] / 100 for p in purposes], "元")
    if units:
        top = units[:CHART_UNITS]  # the largest shares; the table below lists every unit
        charts["units"] = grouped_bar_chart("分配到各成员单位", [u["org_name"] for u in top],
                                            [Series(L.label(L.PURPOSES, p), [u["purposes"].get(p, 0) / 100 for u in top])
                                             for p in purposes], "元")
    return ctx.render("payment/statement.html", title=f"{period_label(s['period'])}结算单", s=s, units=units,
                      purposes=purposes, charts=charts, consortium_name=consortium_name, chart_units=CHART_UNITS)


@router.get("/settlements/{settlement_id}/statement.{fmt}")
async def download(settlement_id: str, fmt: str, ctx: Guarded) -> Response:
    if fmt not in ("csv", "xlsx"):
        raise HTTPException(404)
    return await ctx.download(f"/payment/settlements/{settlement_id}/statement.{fmt}")
