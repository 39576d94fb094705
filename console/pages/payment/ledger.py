"""The ledger (财务一本账) for the finance office: every account's balance at the end of any day, and an account's
postings, each linked to what caused it (a claim or an upload of claims, a month's advance, a capitation payment,
a settlement and its distribution). Also the capitation payments (按人头付费) that postings link to, where the
insurance office pays a month."""
from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response

from ... import labels as L
from ...access import FINANCE, INSURANCE, Page, register
from ...gateway_client import ApiError
from ...web import Ctx, Form, guard, status_for
from .common import GROUP_LEDGER, MONTH, consortia, consortium_name, consortium_of, last_month, managing, \
    require_manager

router = APIRouter()
BALANCES = register(Page("/ledger", "账户余额", GROUP_LEDGER, (FINANCE, INSURANCE)))
CAPITATION = register(Page("/capitation", "按人头付费", GROUP_LEDGER, (FINANCE, INSURANCE)))
ACCOUNT = Page("/ledger/accounts/{account}", "账户明细", GROUP_LEDGER, (FINANCE, INSURANCE), in_menu=False)
PER_PAGE = 50


def account_name(ctx: Ctx, code: str) -> str:
    kind, _, rest = code.partition(":")
    if kind == "unit":
        return ctx.org_name(rest)
    return f"{L.label(L.ACCOUNT_KINDS, kind)}（{rest}）"


DESCRIPTIONS = {"claim": "理赔支付", "claim_upload": "批量理赔支付（按单位、类别、月份汇总）", "advance": "月度预拨",
                "capitation": "按人头付费", "settlement": "期间结算", "distribution": "结余留用分配到成员单位"}


def description(source_type: str, period: str | None) -> str:
    """What a posting was for, in Chinese (the service's own description is English)."""
    text = DESCRIPTIONS.get(source_type, L.label(L.SOURCE_TYPES, source_type))
    return f"{text} {period}" if period and source_type != "claim_upload" else text


def source_link(source_type: str, source_id: str) -> str | None:
    """Where a posting's source is shown on the console."""
    head = source_id.split(":")[0]
    if source_type == "claim":
        return f"/claims/{source_id}"
    if source_type == "claim_upload":
        return f"/claims/uploads/{head}"
    if source_type == "advance":
        return f"/budgets/{head}"
    if source_type in ("settlement", "distribution"):
        return f"/settlements/{source_id}"
    if source_type == "capitation":
        org, _, month = source_id.partition(":")
        return f"/capitation?period={month}#{org}"
    return None


@router.get(BALANCES.path)
async def balances(ctx: Annotated[Ctx, Depends(guard(BALANCES))], consortium_id: str = "", as_of: str = "") -> Response:
    form = Form({"as_of": as_of or ctx.today.isoformat(), "consortium_id": consortium_of(ctx, consortium_id)})
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", form.v("as_of")):
        form.add("as_of", "请填写日期，如 2026-03-31")
        form.values["as_of"] = ctx.today.isoformat()
    result = {"accounts": [], "total_fen": 0}
    try:
        result = await ctx.get("/payment/ledger/balances", consortium_id=form.v("consortium_id"), as_of=form.v("as_of"))
    except ApiError as e:
        form.take(e, ctx.org_name)
    order = {"fund": 0, "consortium": 1, "unit": 2, "external": 3}
    accounts = sorted(result["accounts"], key=lambda a: (order.get(a["kind"], 9), account_name(ctx, a["account"])))
    return ctx.render("payment/ledger.html", title=BALANCES.title, form=form, result=result, accounts=accounts,
                      account_name=lambda code: account_name(ctx, code), consortia=consortia(ctx),
                      consortium_name=consortium_name)


@router.get(ACCOUNT.path)
async def account(account: str, ctx: Annotated[Ctx, Depends(guard(ACCOUNT))], page: int = 1) -> Response:
    page = max(1, page)
    postings = await ctx.record(f"/payment/ledger/accounts/{account}/postings", limit=PER_PAGE,
                                offset=(page - 1) * PER_PAGE)
    return ctx.render("payment/account.html", title=f"账户明细：{account_name(ctx, account)}", p=postings, page_no=page,
                      per_page=PER_PAGE, source_link=source_link, code=account, description=description,
                      url=lambda **kw: f"/ledger/accounts/{account}?page={kw.get('page', page)}")


async def _render_capitation(ctx: Ctx, form: Form, status: int = 200) -> Response:
    consortium_id = consortium_of(ctx, form.v("consortium_id"))
    period = form.v("period") if MONTH.fullmatch(str(form.v("period"))) else None
    payments = await ctx.get("/payment/capitation", consortium_id=consortium_id, period=period)
    return ctx.render("payment/capitation.html", status, title=CAPITATION.title, form=form, payments=payments,
                      period=period, consortium_id=consortium_id, consortium_name=consortium_name,
                      manager=managing(ctx))


@router.get(CAPITATION.path)
async def capitation(ctx: Annotated[Ctx, Depends(guard(CAPITATION))], consortium_id: str = "",
                     period: str = "") -> Response:
    return await _render_capitation(ctx, Form({"consortium_id": consortium_of(ctx, consortium_id),
                                               "period": period or last_month(ctx)}))


@router.post(CAPITATION.path)
async def run_capitation(ctx: Annotated[Ctx, Depends(guard(CAPITATION))]) -> Response:
    require_manager(ctx)
    form = await ctx.form()
    body = {"consortium_id": consortium_of(ctx, form.v("consortium_id")), "period": form.v("period")}
    done = await ctx.attempt(form, ctx.post("/payment/capitation/runs", body))
    if done is None:
        return await _render_capitation(ctx, form, status_for(form))
    if done.get("run_id"):  # paid over the contract roster: the run's page lists what it paid
        skipped = f"；此前已拨付的 {len(done['already_paid'])} 个单位已跳过" if done["already_paid"] else ""
        return ctx.redirect(f"/capitation/runs/{done['run_id']}",
                            flash=f"{done['period']} 按人头付费已拨付：本次 {done['contracts']:,} 份签约{skipped}。")
    return ctx.redirect(f"/capitation?period={form.v('period')}", flash=f"{form.v('period')} 按人头付费已拨付。")
