"""Worklists: the county desk's queue, and every desk's incoming and outgoing referrals.

Filters (status, urgency, department, dates, direction) are a GET form, so a filtered list is a link a clerk
can bookmark; sorting is by the column headers; paging by the API's pages.
"""
from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends
from starlette.responses import Response

from .. import labels as L
from ..access import COUNTY_DESK, REFERRAL_DESKS, Page, register
from ..gateway_client import ApiError
from ..web import Ctx, Form, guard

router = APIRouter()
GROUP = "转诊业务"
QUEUE = register(Page("/queue", "待处理队列", GROUP, (COUNTY_DESK,)))
INCOMING = register(Page("/referrals/incoming", "转入转诊", GROUP, REFERRAL_DESKS))
OUTGOING = register(Page("/referrals/outgoing", "转出转诊", GROUP, REFERRAL_DESKS))

FILTERS = ("status", "urgency", "specialty", "direction", "date_from", "date_to")
SORTABLE = {"created_at": "提交时间", "urgency": "紧急程度", "status": "状态", "response_deadline": "应答时限",
            "appointment_at": "预约时间"}
AWAITING = ("submitted", "redirected", "issued")


async def _worklist(ctx: Ctx, box: str, params: dict, default_sort: str, fixed: dict | None = None) -> dict:
    form = Form({k: params.get(k, "") for k in FILTERS})
    sort = params.get("sort") or default_sort
    if any(k.lstrip("-") not in SORTABLE for k in sort.split(",")):
        sort = default_sort
    page = int(params["page"]) if str(params.get("page", "")).isdigit() and int(params["page"]) > 0 else 1
    query = {k: form.v(k) or None for k in FILTERS} | (fixed or {})
    result = {"total": 0, "items": [], "page": page, "page_size": 50}
    try:
        result = await ctx.get("/referral/referrals", box=box, sort=sort, page=page, **query)
    except ApiError as e:
        form.take(e, ctx.org_name)

    def url(**change: object) -> str:
        current = {k: form.v(k) for k in FILTERS if form.v(k)} | {"sort": sort, "page": page}
        return ctx.request.url.path + "?" + urlencode({**current, **change})

    return {"form": form, "result": result, "sort": sort, "box": box, "url": url, "awaiting": AWAITING,
            "sortable": SORTABLE, "filter_options": filter_options()}


@router.get(QUEUE.path)
async def queue(ctx: Annotated[Ctx, Depends(guard(QUEUE))]) -> Response:
    """Waiting for this hospital's answer: emergencies first, then the nearest deadline."""
    data = await _worklist(ctx, "incoming", dict(ctx.request.query_params), "-urgency,response_deadline",
                           fixed={"status": ["submitted", "redirected"], "direction": "upward"})
    return ctx.render("worklist.html", title=QUEUE.title, show_filters=False,
                      intro="等待本院答复的上转，急危重症在前，其次按应答时限由近到远。", **data)


@router.get(INCOMING.path)
async def incoming(ctx: Annotated[Ctx, Depends(guard(INCOMING))]) -> Response:
    data = await _worklist(ctx, "incoming", dict(ctx.request.query_params), "-created_at")
    intro = "转到本院的上转及其处理进度。" if ctx.user.org_kind == "county_hospital" \
        else "县级医院下转到本单位的患者：请接收或拒收，并按随访计划登记随访。"
    return ctx.render("worklist.html", title=INCOMING.title, show_filters=True, intro=intro, **data)


@router.get(OUTGOING.path)
async def outgoing(ctx: Annotated[Ctx, Depends(guard(OUTGOING))]) -> Response:
    data = await _worklist(ctx, "outgoing", dict(ctx.request.query_params), "-created_at")
    intro = "本院发出的下转和转外就医登记。" if ctx.user.org_kind == "county_hospital" \
        else "本单位发出的上转和转外就医登记。"
    return ctx.render("worklist.html", title=OUTGOING.title, show_filters=True, intro=intro, **data)


def filter_options() -> dict[str, list[tuple[str, str]]]:
    return {
        "status": [(k, v) for k, v in L.STATUSES.items() if k != "issued"],
        "urgency": list(L.URGENCIES.items()), "specialty": list(L.SPECIALTIES.items()),
        "direction": list(L.DIRECTIONS.items()),
    }
