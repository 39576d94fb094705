"""可预约号源: the free places of the consortium's county hospitals per department and day (GET /capacity), for the
referral desks. A township clerk picks a day with room and lands on the upward form with that department and its
slots offered, the day's first free one chosen."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends
from starlette.responses import Response

from .. import labels as L
from ..access import REFERRAL_DESKS, TOWNSHIP_DESK, Page, register
from ..gateway_client import ApiError
from ..slots import day_text
from ..web import Ctx, Form, guard

router = APIRouter()
FREE = register(Page("/capacity", "可预约号源", "转诊业务", REFERRAL_DESKS))
FILTERS = ("org_id", "specialty", "kind", "date_from")


def _date_to(ctx: Ctx, date_from: str) -> str | None:
    """The last day shown: the console's window from the first; None when the first is not a date (the API then
    names it)."""
    try:
        first = date.fromisoformat(date_from)
    except ValueError:
        return None
    return (first + timedelta(days=ctx.app.state.settings.capacity_days - 1)).isoformat()


@router.get(FREE.path)
async def free_capacity(ctx: Annotated[Ctx, Depends(guard(FREE))]) -> Response:
    q = ctx.request.query_params
    form = Form({k: q.get(k, "") for k in FILTERS})
    if "org_id" not in q:  # first visit: the unit's paired hospital
        form.values["org_id"] = ctx.registry.county_hospital_of(ctx.user.org_id) or ""
    if not form.v("date_from"):
        form.values["date_from"] = ctx.today.isoformat()
    grid = {"days": [], "items": []}
    try:
        grid = await ctx.get("/referral/capacity", org_id=form.v("org_id"), specialty=form.v("specialty"),
                             kind=form.v("kind"), date_from=form.v("date_from"),
                             date_to=_date_to(ctx, form.v("date_from")))
    except ApiError as e:
        form.take(e, ctx.org_name)
    referring = TOWNSHIP_DESK.admits(ctx.user)

    def refer_url(line: dict, day: str) -> str | None:
        if not referring or line["kind"] == "exam":
            return None
        return "/referrals/new-upward?" + urlencode({"to_org_id": line["org_id"], "specialty": line["specialty"],
                                                     "day": day})

    hospitals = [(o.org_id, o.name) for o in ctx.registry.of_kind("county_hospital", consortium_id=ctx.user.consortium_id)]
    return ctx.render("capacity.html", title=FREE.title, form=form, grid=grid, hospitals=hospitals,
                      specialties=list(L.SPECIALTIES.items()), kinds=list(L.CAPACITY_KINDS.items()),
                      day_text=day_text, refer_url=refer_url, referring=referring)
