"""Rotation plans (轮岗计划): 下沉轮岗 (county hospital staff take turns at a township) and 上挂培养 (township staff
take turns training at a county hospital), laid end to end in blocks; all postings are created or none. The
health bureau plans them; the HR offices read them."""
from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response

from ... import labels as L
from ...access import HR, Page, register
from ...web import Ctx, Form, compact, guard, status_for
from .common import GROUP_SUPPORT, bureau, require_bureau

router = APIRouter()
ROTATIONS = register(Page("/rotations", "轮岗计划", GROUP_SUPPORT, (HR,)))
PLAN = Page("/rotations/{plan_id}", "轮岗计划详情", GROUP_SUPPORT, (HR,), in_menu=False)
TARGET = {"rotation_down": "township_centre", "rotation_up": "county_hospital"}
HOME = {"rotation_down": "county_hospital", "rotation_up": "township_centre"}


async def _render(ctx: Ctx, form: Form, status: int = 200) -> Response:
    listing = await ctx.get("/staffing/rotation-plans", limit=50)
    kind = form.v("kind") if form.v("kind") in TARGET else "rotation_down"
    home = form.v("home_org_id")
    people = (await ctx.get("/staffing/staff", org_id=home, limit=200))["items"] if home else []
    return ctx.render("staffing/rotations.html", status, title=ROTATIONS.title, listing=listing, form=form,
                      kind=kind, people=people, bureau=bureau(ctx), kinds=[(k, L.POSTING_KINDS[k]) for k in TARGET],
                      targets=[(o.org_id, o.name) for o in ctx.registry.of_kind(TARGET[kind])],
                      homes=[(o.org_id, o.name) for o in ctx.registry.of_kind(HOME[kind])])


@router.get(ROTATIONS.path)
async def rotations(ctx: Annotated[Ctx, Depends(guard(ROTATIONS))], kind: str = "rotation_down",
                    home_org_id: str = "", org_id: str = "") -> Response:
    start = ctx.today + timedelta(days=14)
    return await _render(ctx, Form({"kind": kind, "home_org_id": home_org_id, "org_id": org_id,
                                    "start_date": start.isoformat(), "block_days": "30", "rounds": "1"}))


@router.post(ROTATIONS.path)
async def create(ctx: Annotated[Ctx, Depends(guard(ROTATIONS))]) -> Response:
    require_bureau(ctx)
    form = await ctx.form()
    chosen = form.values.get("staff_ids", [])
    chosen = chosen if isinstance(chosen, list) else [chosen]
    form.aliases |= {"staff_ids": "home_org_id"}
    numbers = {k: int(str(form.v(k))) if str(form.v(k)).isdigit() else form.v(k) or None for k in ("block_days", "rounds")}
    body = compact({"name": form.v("name"), "kind": form.v("kind"), "org_id": form.v("org_id"), "staff_ids": chosen,
                    "start_date": form.v("start_date"), **numbers})
    body.setdefault("staff_ids", [])
    created = await ctx.attempt(form, ctx.post("/staffing/rotation-plans", body))
    if created is None:
        return await _render(ctx, form, status_for(form))
    return ctx.redirect(f"/rotations/{created['plan_id']}", flash=f"轮岗计划「{created['name']}」已建立，"
                                                                    f"共 {len(created['postings'])} 个轮次。")


@router.get(PLAN.path)
async def plan(plan_id: str, ctx: Annotated[Ctx, Depends(guard(PLAN))]) -> Response:
    p = await ctx.record(f"/staffing/rotation-plans/{plan_id}")
    names = {}
    for staff_id in p["staff_ids"]:
        names[staff_id] = (await ctx.get(f"/staffing/staff/{staff_id}"))["name"]
    return ctx.render("staffing/rotation.html", title=f"轮岗计划：{p['name']}", p=p, names=names)


