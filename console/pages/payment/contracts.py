"""The contract roster's contracts (签约名册): the list per unit with its filters (unit, team, key group, in force on
a day) and pages; one contract added by hand; a contract's page with its end (解约) and its transfer to another
unit (转签), each form's errors beside its fields."""
from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends
from starlette.exceptions import HTTPException
from starlette.responses import Response

from ... import labels as L
from ...access import Page, register
from ...gateway_client import ApiError
from ...web import Ctx, Form, compact, guard, status_for
from .common import GROUP_ROSTER, consortium_of, primary_units
from .roster import DESKS

router = APIRouter()
CONTRACTS = register(Page("/contracts", "签约名册", GROUP_ROSTER, DESKS))
NEW = register(Page("/contracts/new", "登记签约", GROUP_ROSTER, DESKS))
CONTRACT = Page("/contracts/{contract_id}", "签约详情", GROUP_ROSTER, DESKS, in_menu=False)
FILTERS = ("org_id", "team", "key_group", "active_on")
PER_PAGE = 50


@router.get(CONTRACTS.path)
async def contracts(ctx: Annotated[Ctx, Depends(guard(CONTRACTS))], page: int = 1) -> Response:
    params = ctx.request.query_params
    form = Form({k: params.get(k, "").strip() for k in FILTERS})
    page = max(1, page)
    result = {"total": 0, "limit": PER_PAGE, "offset": 0, "items": []}
    try:
        result = await ctx.get("/payment/contracts", consortium_id=consortium_of(ctx, params.get("consortium_id")),
                               limit=PER_PAGE, offset=(page - 1) * PER_PAGE, **{k: form.v(k) or None for k in FILTERS})
    except ApiError as e:
        form.take(e, ctx.org_name)

    def url(**change: object) -> str:
        return CONTRACTS.path + "?" + urlencode({k: form.v(k) for k in FILTERS if form.v(k)} | {"page": page} | change)

    return ctx.render("payment/contracts.html", title=CONTRACTS.title, form=form, result=result, page_no=page,
                      per_page=PER_PAGE, url=url, units=primary_units(ctx), key_groups=list(L.KEY_GROUPS.items()))


def _groups_error_beside_its_field(form: Form) -> None:
    """`key_groups.2` (the third box ticked) is shown beside the boxes."""
    for name in [n for n in form.errors if n.startswith("key_groups.")]:
        form.errors.setdefault("key_groups", form.errors.pop(name))


def _render_new(ctx: Ctx, form: Form, status: int = 200) -> Response:
    return ctx.render("payment/contract_new.html", status, title=NEW.title, form=form, units=primary_units(ctx),
                      key_groups=list(L.KEY_GROUPS.items()))


@router.get(NEW.path)
async def new_contract(ctx: Annotated[Ctx, Depends(guard(NEW))]) -> Response:
    units = primary_units(ctx)
    return _render_new(ctx, Form({"org_id": units[0][0] if len(units) == 1 else "", "package": "basic",
                                  "start_date": ctx.today.isoformat()}))


def ticked(form: Form, name: str) -> list[str]:
    value = form.v(name, [])
    return [value] if isinstance(value, str) else list(value)


@router.post(NEW.path)
async def add_contract(ctx: Annotated[Ctx, Depends(guard(NEW))]) -> Response:
    form = await ctx.form()
    body = compact({k: form.v(k) for k in ("national_id", "org_id", "team", "package", "start_date", "end_date")})
    body["key_groups"] = ticked(form, "key_groups")
    made = await ctx.attempt(form, ctx.post("/payment/contracts", body))
    if made is None:
        _groups_error_beside_its_field(form)
        return _render_new(ctx, form, status_for(form))
    return ctx.redirect(f"/contracts/{made['contract_id']}",
                        flash=f"签约已登记：{made['resident_masked']}，{ctx.org_name(made['org_id'])}。")


async def _render_contract(ctx: Ctx, contract_id: int, forms: dict[str, Form] | None = None,
                           status: int = 200) -> Response:
    c = await ctx.record(f"/payment/contracts/{contract_id}")
    day = ctx.today
    forms = {"end": Form({"end_date": day.isoformat()}, prefix="end-"),
             "transfer": Form({"on": day.isoformat(), "team": c["team"]}, prefix="transfer-")} | (forms or {})
    # a contract ended (解约, 转签) is closed; one with the end date its roster gave can still end early or move
    open_ended = c["ended_by"] is None
    # a unit's manager keeps only their own unit's roster: a move elsewhere is filed by the finance office
    targets = [(o, n) for o, n in primary_units(ctx) if o != c["org_id"]]
    return ctx.render("payment/contract.html", status, title=f"签约 {c['resident_masked']}", c=c, forms=forms,
                      open_ended=open_ended, targets=targets, end_reason=end_reason(ctx, c["end_reason"]))


def end_reason(ctx: Ctx, reason: str | None) -> str:
    """The service writes `transferred to <unit>` for a transfer's end; a clerk's own reason is shown as typed."""
    if reason and reason.startswith("transferred to "):
        return f"转签到{ctx.org_name(reason.removeprefix('transferred to '))}"
    return reason or "—"


def _contract_id(raw: str) -> int:
    if not raw.isdigit() or not 0 < int(raw) < 2**63:
        raise HTTPException(404)
    return int(raw)


@router.get(CONTRACT.path)
async def contract(contract_id: str, ctx: Annotated[Ctx, Depends(guard(CONTRACT))]) -> Response:
    return await _render_contract(ctx, _contract_id(contract_id))


@router.post("/contracts/{contract_id}/end")
async def end_contract(contract_id: str, ctx: Annotated[Ctx, Depends(guard(CONTRACT))]) -> Response:
    contract_id, form = _contract_id(contract_id), await ctx.form()
    form.prefix = "end-"
    body = compact({"end_date": form.v("end_date"), "reason": form.v("reason")})
    done = await ctx.attempt(form, ctx.post(f"/payment/contracts/{contract_id}/end", body))
    if done is None:
        return await _render_contract(ctx, contract_id, {"end": form}, status_for(form))
    return ctx.redirect(f"/contracts/{contract_id}", flash=f"已解约，签约至 {done['end_date']} 结束。")


@router.post("/contracts/{contract_id}/transfer")
async def transfer_contract(contract_id: str, ctx: Annotated[Ctx, Depends(guard(CONTRACT))]) -> Response:
    contract_id, form = _contract_id(contract_id), await ctx.form()
    form.prefix = "transfer-"
    body = compact({k: form.v(k) for k in ("national_id", "to_org_id", "team", "on", "package")})
    done = await ctx.attempt(form, ctx.post(f"/payment/contracts/{contract_id}/transfer", body))
    if done is None:
        return await _render_contract(ctx, contract_id, {"transfer": form}, status_for(form))
    started = done["started"]
    return ctx.redirect(f"/contracts/{started['contract_id']}",
                        flash=f"已转签到{ctx.org_name(started['org_id'])}，自 {started['start_date']} 起；"
                              f"原签约至 {done['ended']['end_date']} 结束。")
