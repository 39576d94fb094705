"""Reports over the contract roster for the insurance office and the consortium's finance office: key groups'
contract coverage (重点人群签约覆盖率) per unit and group against the policy's target, below-target lines marked with
the contracts still needed (a township's manager: its own unit's); the contract fee split (签约服务费分担) of a month among the fund, basic public-health
funds and residents, with the fund's share as the ledger booked it."""
from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response

from ...access import FINANCE, INSURANCE, TOWNSHIP_MANAGER, Page, register
from ...gateway_client import ApiError
from ...web import Ctx, Form, guard
from .common import GROUP_ROSTER, MONTH, consortia, consortium_name, consortium_of, last_month

router = APIRouter()
# a township's manager sees its own unit's lines (the service keeps the others out)
COVERAGE = register(Page("/roster/coverage", "重点人群签约覆盖率", GROUP_ROSTER, (INSURANCE, FINANCE, TOWNSHIP_MANAGER)))
FEE_SPLIT = register(Page("/roster/fee-split", "签约服务费分担", GROUP_ROSTER, (INSURANCE, FINANCE)))


async def _report(ctx: Ctx, form: Form, path: str, field: str) -> dict | None:
    """The report of the consortium chosen (the user's own, or the first one) for the day or month typed; None
    with the API's error beside its field."""
    form.values["consortium_id"] = consortium_of(ctx, form.v("consortium_id"))
    try:
        return await ctx.get(path, consortium_id=form.v("consortium_id"), **{field: form.v(field)})
    except ApiError as e:
        form.take(e, ctx.org_name)
        return None


@router.get(COVERAGE.path)
async def coverage(ctx: Annotated[Ctx, Depends(guard(COVERAGE))], consortium_id: str = "", on: str = "",
                   everything: str = "") -> Response:
    form = Form({"consortium_id": consortium_id, "on": on or ctx.today.isoformat(), "everything": everything})
    report = None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", form.v("on")):
        report = await _report(ctx, form, "/payment/roster/coverage", "on")
    else:
        form.add("on", "请填写日期，如 2026-03-31")
    lines = []
    if report:
        # a group with neither contracts nor a population says nothing; "everything" shows it anyway
        lines = [x for x in report["lines"] if everything or x["contracted"] or x["population"] is not None]
    below = sum(1 for x in lines if x["meets_target"] is False)
    return ctx.render("payment/coverage.html", title=COVERAGE.title, form=form, report=report, lines=lines,
                      below=below, consortia=consortia(ctx), consortium_name=consortium_name)


@router.get(FEE_SPLIT.path)
async def fee_split(ctx: Annotated[Ctx, Depends(guard(FEE_SPLIT))], consortium_id: str = "",
                    period: str = "") -> Response:
    form = Form({"consortium_id": consortium_id, "period": period or last_month(ctx)})
    split = None
    if MONTH.fullmatch(form.v("period")):
        split = await _report(ctx, form, "/payment/roster/fee-split", "period")
    else:
        form.add("period", "签约服务费分担按月统计（如 2026-03）")
    return ctx.render("payment/fee_split.html", title=FEE_SPLIT.title, form=form, split=split,
                      consortia=consortia(ctx), consortium_name=consortium_name)
