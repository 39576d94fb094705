"""Reconciliation (对账) against the insurance office's own claim file: the upload (CSV or XLSX, passed on as it
arrives, read by the service with a progress), the report — matched claims, claims missing on either side,
amount mismatches, the totals — each category listed and the whole report downloadable."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import JSONResponse, Response

from ... import labels as L
from ...access import FINANCE, INSURANCE, Page, register
from ...charts import Series, grouped_bar_chart
from ...web import Ctx, Form, guard, status_for
from .common import GROUP_SETTLE, consortia, consortium_name, consortium_of, last_month, managing, require_manager
from .uploads import ERROR_HEADER, error_row, failure_text, pass_on, progress_view, row_reason, translated_csv

router = APIRouter()
RECONCILIATIONS = register(Page("/reconciliations", "对账", GROUP_SETTLE, (INSURANCE, FINANCE)))
REPORT = Page("/reconciliations/{recon_id}", "对账报告", GROUP_SETTLE, (INSURANCE, FINANCE), in_menu=False)
Guarded = Annotated[Ctx, Depends(guard(REPORT))]
PER_PAGE = 50
REPORT_HEADER = ["类别", "理赔编号", "医保文件金额（分）", "平台金额（分）", "文件行号", "单位", "平台入账月份", "迟到理赔"]


async def _render_list(ctx: Ctx, form: Form, status: int = 200) -> Response:
    consortium_id = consortium_of(ctx, form.v("consortium_id"))
    listing = await ctx.get("/payment/reconciliations", consortium_id=consortium_id, limit=50)
    return ctx.render("payment/reconciliations.html", status, title=RECONCILIATIONS.title, form=form,
                      listing=listing, consortium_id=consortium_id, consortium_name=consortium_name,
                      consortium_options=[(c, consortium_name(c)) for c in consortia(ctx)], manager=managing(ctx),
                      action=RECONCILIATIONS.path, kind="reconciliation")


@router.get(RECONCILIATIONS.path)
async def reconciliations(ctx: Annotated[Ctx, Depends(guard(RECONCILIATIONS))], consortium_id: str = "") -> Response:
    return await _render_list(ctx, Form({"consortium_id": consortium_of(ctx, consortium_id), "period": last_month(ctx)}))


@router.post(RECONCILIATIONS.path)
async def upload(ctx: Annotated[Ctx, Depends(guard(RECONCILIATIONS))]) -> Response:
    require_manager(ctx)
    form = Form()
    result = await pass_on(ctx, "/payment/reconciliations", form)
    if result is None:
        return await _render_list(ctx, form, status_for(form))
    return ctx.redirect(f"/reconciliations/{result['recon_id']}")


async def _load(ctx: Ctx, recon_id: str) -> dict:
    return await ctx.record(f"/payment/reconciliations/{recon_id}")


@router.get(REPORT.path)
async def report(recon_id: str, ctx: Guarded, category: str = "amount_mismatch", page: int = 1) -> Response:
    r = await _load(ctx, recon_id)
    items = None
    category = category if category in L.RECON_CATEGORIES else "amount_mismatch"
    page = max(1, page)
    chart = None
    if r["status"] == "done":
        items = await ctx.get(f"/payment/reconciliations/{recon_id}/items", category=category, limit=PER_PAGE,
                              offset=(page - 1) * PER_PAGE)
        names = list(L.RECON_CATEGORIES)
        chart = grouped_bar_chart("各类别金额", [L.RECON_CATEGORIES[c] for c in names], [
            Series("医保文件", [r["totals"][c]["file_amount_fen"] / 100 for c in names]),
            Series("平台", [r["totals"][c]["platform_amount_fen"] / 100 for c in names])], "元")
    return ctx.render("payment/reconciliation.html", title=REPORT.title, r=r, items=items, category=category,
                      page_no=page, per_page=PER_PAGE, chart=chart, row_reason=row_reason, failure_text=failure_text,
                      consortium_name=consortium_name, progress_url=f"/reconciliations/{recon_id}/progress",
                      url=lambda **kw: f"/reconciliations/{recon_id}?category={category}&page={kw.get('page', page)}#items")


@router.get("/reconciliations/{recon_id}/progress")
async def progress(recon_id: str, ctx: Guarded) -> Response:
    return JSONResponse(progress_view(await _load(ctx, recon_id)))


def _report_row(values: list[str]) -> list[str]:
    category, claim_no, file_fen, platform_fen, line, org, period, late = (values + [""] * 8)[:8]
    return [L.label(L.RECON_CATEGORIES, category), claim_no, file_fen, platform_fen, line, org, period,
            {"True": "是", "False": "否", "true": "是", "false": "否"}.get(late, late)]


@router.get("/reconciliations/{recon_id}/report.csv")
async def report_csv(recon_id: str, ctx: Guarded) -> Response:
    return await translated_csv(ctx, f"/payment/reconciliations/{recon_id}/report.csv", REPORT_HEADER, _report_row)


@router.get("/reconciliations/{recon_id}/errors.csv")
async def errors_csv(recon_id: str, ctx: Guarded) -> Response:
    return await translated_csv(ctx, f"/payment/reconciliations/{recon_id}/errors.csv", ERROR_HEADER, error_row)
