"""A primary unit's population by group (人口底数): the denominators of key-group coverage. Kept by the township's
manager for its own unit, the consortium's finance office and the insurance office; a group left blank keeps the
figure given before (the registry's service population stands in for all residents until one is given)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response

from ... import labels as L
from ...access import Page, register
from ...convert import whole
from ...gateway_client import ApiError
from ...web import Ctx, Form, guard, status_for
from .common import GROUP_ROSTER, primary_units
from .roster import DESKS

router = APIRouter()
CENSUS = register(Page("/roster/census", "人口底数", GROUP_ROSTER, DESKS))


async def _render(ctx: Ctx, form: Form, status: int = 200) -> Response:
    units = primary_units(ctx)
    org_id = form.v("org_id") or (units[0][0] if units else "")
    form.values["org_id"] = org_id
    given: dict[str, int] = {}
    if org_id:
        try:
            unit = ctx.registry.by_id.get(org_id)
            report = await ctx.get("/payment/roster/coverage", consortium_id=unit.consortium_id if unit else "",
                                   on=ctx.today.isoformat())
            given = {x["group"]: x["population"] for x in report["lines"]
                     if x["org_id"] == org_id and x["population_source"] == "census"}
        except ApiError:
            given = {}  # no figures to show beside the fields; the form still works
    return ctx.render("payment/census.html", status, title=CENSUS.title, form=form, units=units, given=given,
                      groups=list(L.COVERAGE_GROUPS.items()))


@router.get(CENSUS.path)
async def census(ctx: Annotated[Ctx, Depends(guard(CENSUS))], org_id: str = "") -> Response:
    return await _render(ctx, Form({"org_id": org_id, "as_of": ctx.today.isoformat()}))


@router.post(CENSUS.path)
async def set_census(ctx: Annotated[Ctx, Depends(guard(CENSUS))]) -> Response:
    form = await ctx.form()
    form.aliases |= {f"populations.{g}": f"pop-{g}" for g in L.COVERAGE_GROUPS}
    populations = {g: n for g in L.COVERAGE_GROUPS
                   if (n := whole(form, f"pop-{g}", f"populations.{g}", "人数")) is not None}
    if not populations and not form.errors:
        form.add("populations", "请至少填写一个人群的人数")
    org_id = str(form.v("org_id"))
    body = {"as_of": form.v("as_of") or None, "populations": populations}
    done = None if form.errors else await ctx.attempt(form, ctx.put(f"/payment/census/{org_id}", body))
    if done is None:
        return await _render(ctx, form, status_for(form))
    return ctx.redirect(f"/roster/coverage?on={ctx.today.isoformat()}",
                        flash=f"{ctx.org_name(org_id)}的人口底数已保存（{len(populations)} 个人群）。")
