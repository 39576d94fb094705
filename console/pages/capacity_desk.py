"""科室号源/床位: a county department's published places over the coming weeks (booked and free), a weekly
template applied over a range, and one day's numbers edited. A number below what is already booked is refused
by the platform (409 naming each slot): the error stands beside that band's field. The hospital's referral desk and
its manager both publish (the referral service admits either at a county hospital)."""
from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends
from starlette.responses import Response

from .. import labels as L
from ..access import COUNTY_DESK, COUNTY_MANAGER, Page, register
from ..gateway_client import ApiError
from ..slots import band_text, day_text
from ..web import Ctx, Form, compact, guard, status_for

router = APIRouter()
DEPARTMENT = register(Page("/capacity/department", "科室号源/床位", "转诊业务", (COUNTY_DESK, COUNTY_MANAGER)))
Guarded = Annotated[Ctx, Depends(guard(DEPARTMENT))]
SHOWN_DAYS = 28  # four weeks ahead: what a department plans its referral places over
FILTERS = ("specialty", "kind", "exam_type", "date_from")
BANDS = (("08:00", "12:00"), ("14:00", "17:00"))  # the template form's default bands: morning and afternoon
WEEK = range(1, 8)


def _filters(values: dict) -> Form:
    form = Form({k: values.get(k, "") for k in FILTERS})
    form.values["kind"] = form.v("kind") or "outpatient"
    return form


def _department(form: Form) -> dict:
    return compact({"specialty": form.v("specialty"), "kind": form.v("kind"),
                    "exam_type": form.v("exam_type") if form.v("kind") == "exam" else None})


def _template_defaults(ctx: Ctx) -> Form:
    today = ctx.today
    bands = {f"b{i}_{end}": t for i, band in enumerate(BANDS, 1) for end, t in zip(("start", "end"), band)}
    return Form({"first_day": today.isoformat(), "last_day": (today + timedelta(days=13)).isoformat()} | bands,
                prefix="tpl-")


async def _render(ctx: Ctx, filt: Form, tpl: Form | None = None, edit: Form | None = None,
                  status: int = 200) -> Response:
    slots: list[dict] = []
    first = filt.v("date_from") or ctx.today.isoformat()
    if filt.v("specialty"):
        try:
            last = (date.fromisoformat(first) + timedelta(days=SHOWN_DAYS - 1)).isoformat()
        except ValueError:
            last = None
        try:
            found = await ctx.get("/referral/capacity/slots", org_id=ctx.user.org_id, date_from=first, date_to=last,
                                  **_department(filt))
            slots = found["items"]
        except ApiError as e:
            filt.take(e, ctx.org_name)
    edit_day = (edit.v("day") if edit else "") or ctx.request.query_params.get("edit", "")
    if edit is None:
        edit = Form({"day": edit_day} | {f"count_{s['band_start']}": str(s["places"])
                                         for s in slots if s["day"] == edit_day}, prefix="day-")
    query = urlencode({k: filt.v(k) for k in FILTERS if filt.v(k)})
    return ctx.render("capacity_department.html", status, title=DEPARTMENT.title, filt=filt, slots=slots,
                      tpl=tpl or _template_defaults(ctx), edit=edit, edit_day=edit_day, query=query,
                      day_slots=[s for s in slots if s["day"] == edit_day], week=WEEK, day_text=day_text,
                      band_text=band_text, specialties=list(L.SPECIALTIES.items()),
                      kinds=list(L.CAPACITY_KINDS.items()), exam_types=list(L.EXAM_TYPES.items()))


@router.get(DEPARTMENT.path)
async def department(ctx: Guarded) -> Response:
    return await _render(ctx, _filters(dict(ctx.request.query_params)))


def _week(form: Form, kind: str) -> list[dict]:
    """The template grid as the API's week rows; each row's fields lead back to the grid's inputs (aliases)."""
    rows: list[dict] = []
    for b in (1,) if kind == "bed" else (1, 2):
        band = {} if kind == "bed" else {"start": form.v(f"b{b}_start") or None, "end": form.v(f"b{b}_end") or None}
        for wd in WEEK:
            count = str(form.v(f"c{b}_{wd}")).strip()
            if not count:
                continue
            i = len(rows)
            form.aliases |= {f"week.{i}.count": f"c{b}_{wd}", f"week.{i}.start": f"b{b}_start",
                             f"week.{i}.end": f"b{b}_end", f"week.{i}": f"c{b}_{wd}"}
            rows.append({"weekday": wd, "count": count} | band)
    return rows


def _beside_cells(form: Form) -> None:
    """The API numbers its rows (第3行号源数…); beside a cell of the grid the row is the cell itself."""
    form.errors = {k: re.sub(r"^第\d+行", "", v) for k, v in form.errors.items()}


@router.post(f"{DEPARTMENT.path}/template")
async def apply_template(ctx: Guarded) -> Response:
    tpl = await ctx.form()
    tpl.prefix, tpl.aliases = "tpl-", {"date_from": "first_day", "date_to": "last_day"}
    filt = _filters(tpl.values)
    body = _department(filt) | {"week": _week(tpl, filt.v("kind")), "date_from": tpl.v("first_day"),
                                "date_to": tpl.v("last_day")}
    done = await ctx.attempt(tpl, ctx.post("/referral/capacity/templates/apply", compact(body)))
    if done is None:
        _beside_cells(tpl)
        return await _render(ctx, filt, tpl=tpl, status=status_for(tpl))
    return ctx.redirect(f"{DEPARTMENT.path}?{urlencode({k: filt.v(k) for k in FILTERS if filt.v(k)})}",
                        flash=f"已按周模板发布：{done['slot_count']} 个号源，共 {done['places']} 个号")


@router.post(f"{DEPARTMENT.path}/day")
async def edit_day(ctx: Guarded) -> Response:
    edit = await ctx.form()
    edit.prefix = "day-"
    filt = _filters(edit.values)
    bands = [k.removeprefix("count_") for k in edit.values if k.startswith("count_")]
    ends = {b: edit.v(f"end_{b}") for b in bands}
    slots = []
    for i, b in enumerate(bands):
        edit.aliases[f"slots.{i}.count"] = f"count_{b}"
        slot = {"day": edit.v("day"), "count": edit.v(f"count_{b}")}
        slots.append(slot | ({} if filt.v("kind") == "bed" else {"start": b, "end": ends[b]}))
    done = await ctx.attempt(edit, ctx.post("/referral/capacity/slots", compact(_department(filt) | {"slots": slots})))
    if done is None:
        for refused in edit.details.get("slots", []):  # below what is booked: beside that band's number
            edit.errors.pop("slots", None)
            edit.add(f"count_{refused['band_start']}", f"不能少于已预约的 {refused['booked']} 个号")
        _beside_cells(edit)
        return await _render(ctx, filt, edit=edit, status=409 if edit.details.get("slots") else status_for(edit))
    query = urlencode({k: filt.v(k) for k in FILTERS if filt.v(k)})
    return ctx.redirect(f"{DEPARTMENT.path}?{query}", flash=f"已修改 {edit.v('day')} 的号源")
