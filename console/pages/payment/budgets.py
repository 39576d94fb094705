"""Fund-year budgets (总额预算): the list and a new budget; one budget's composition, its adjustments with their
reasons, and the monthly advance schedule (预拨) with a button for each month that is due."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response

from ...access import FINANCE, INSURANCE, Page, register
from ...convert import fen_from_yuan
from ...web import Ctx, Form, compact, guard, status_for
from .common import GROUP_BUDGET, consortia, consortium_name, consortium_of, managing, require_manager

router = APIRouter()
BUDGETS = register(Page("/budgets", "基金预算", GROUP_BUDGET, (INSURANCE, FINANCE)))
BUDGET = Page("/budgets/{budget_id}", "预算详情", GROUP_BUDGET, (INSURANCE, FINANCE), in_menu=False)


async def _render_list(ctx: Ctx, form: Form, consortium_id: str, status: int = 200) -> Response:
    budgets = await ctx.get("/payment/budgets", consortium_id=consortium_id)
    return ctx.render("payment/budgets.html", status, title=BUDGETS.title, budgets=budgets, form=form,
                      consortium_id=consortium_id, consortia=consortia(ctx), consortium_name=consortium_name,
                      consortium_options=[(c, consortium_name(c)) for c in consortia(ctx)],
                      manager=managing(ctx))


@router.get(BUDGETS.path)
async def budgets(ctx: Annotated[Ctx, Depends(guard(BUDGETS))], consortium_id: str = "") -> Response:
    chosen = consortium_of(ctx, consortium_id)
    form = Form({"consortium_id": chosen, "fund_year": str(ctx.today.year), "out_of_area_reserve_yuan": "0"})
    return await _render_list(ctx, form, chosen)


@router.post(BUDGETS.path)
async def create_budget(ctx: Annotated[Ctx, Depends(guard(BUDGETS))]) -> Response:
    require_manager(ctx)
    form = await ctx.form()
    form.aliases |= {"per_capita_fen": "per_capita_yuan", "out_of_area_reserve_fen": "out_of_area_reserve_yuan"}
    year, people = str(form.v("fund_year")), str(form.v("enrolled_population")).replace(",", "")
    body = compact({
        "consortium_id": form.v("consortium_id"), "fund_year": int(year) if year.isdigit() else year,
        "enrolled_population": int(people) if people.isdigit() else (people or None),
        "per_capita_fen": fen_from_yuan(form, "per_capita_yuan", "per_capita_fen"),
        "out_of_area_reserve_fen": fen_from_yuan(form, "out_of_area_reserve_yuan", "out_of_area_reserve_fen"),
        "note": form.v("note") or None})
    created = None if form.errors else await ctx.attempt(form, ctx.post("/payment/budgets", body))
    if created is None:
        return await _render_list(ctx, form, consortium_of(ctx, form.v("consortium_id")), status_for(form))
    return ctx.redirect(f"/budgets/{created['budget_id']}", flash=f"{created['fund_year']} 基金年度预算已建立。")


async def _render_budget(ctx: Ctx, budget_id: str, forms: dict[str, Form] | None = None,
                         status: int = 200) -> Response:
    budget = await ctx.record(f"/payment/budgets/{budget_id}")
    forms = {"adjust": Form(prefix="adjust-")} | (forms or {})
    this_month = ctx.today.strftime("%Y-%m")
    return ctx.render("payment/budget.html", status, title=f"{budget['fund_year']} 基金年度预算", b=budget,
                      forms=forms, this_month=this_month, manager=managing(ctx),
                      consortium_name=consortium_name)


@router.get(BUDGET.path)
async def budget(budget_id: str, ctx: Annotated[Ctx, Depends(guard(BUDGET))]) -> Response:
    return await _render_budget(ctx, budget_id)


@router.post("/budgets/{budget_id}/adjust")
async def adjust(budget_id: str, ctx: Annotated[Ctx, Depends(guard(BUDGET))]) -> Response:
    require_manager(ctx)
    form = await ctx.form()
    form.prefix = "adjust-"
    form.aliases["delta_fen"] = "delta_yuan"
    sign = -1 if form.v("direction") == "decrease" else 1
    delta = fen_from_yuan(form, "delta_yuan", "delta_fen")
    version = str(form.v("expected_version"))
    body = compact({"delta_fen": None if delta is None else sign * delta, "reason": form.v("reason"),
                    "expected_version": int(version) if version.isdigit() else None})
    done = None if form.errors else await ctx.attempt(form, ctx.post(f"/payment/budgets/{budget_id}/adjustments", body))
    if done is None:
        return await _render_budget(ctx, budget_id, {"adjust": form}, status_for(form))
    return ctx.redirect(f"/budgets/{budget_id}", flash="预算已调整，调整记录已保存。")


@router.post("/budgets/{budget_id}/advances/{month}")
async def pay_advance(budget_id: str, month: str, ctx: Annotated[Ctx, Depends(guard(BUDGET))]) -> Response:
    require_manager(ctx)
    form = await ctx.form()
    form.prefix = f"pay-{month}-"
    paid = await ctx.attempt(form, ctx.post(f"/payment/budgets/{budget_id}/advances/{month}/pay"))
    if paid is None:
        return await _render_budget(ctx, budget_id, {f"pay-{month}": form}, status_for(form))
    return ctx.redirect(f"/budgets/{budget_id}", flash=f"{month} 月度预拨已拨付。")
