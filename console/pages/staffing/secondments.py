"""Secondment requests (支援申请): a township's request for staff; the HR offices' queue to approve or reject; the
candidates ranked with the reasons for their rank; dispatch; and each posting's arrival, extension and early
end. A township centre's manager requests, follows and cancels their own unit's requests."""
from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response

from ... import labels as L
from ...access import HR, TOWNSHIP_MANAGER, UNIT_MANAGER, Page, register
from ...gateway_client import ApiError
from ...messages import translate_message
from ...web import Ctx, Form, NotAllowed, compact, guard, status_for
from .common import GROUP_SUPPORT, deciding

router = APIRouter()
QUEUE = register(Page("/secondments", "支援申请", GROUP_SUPPORT, (HR, TOWNSHIP_MANAGER)))
NEW = register(Page("/secondments/new", "申请人员支援", GROUP_SUPPORT, (TOWNSHIP_MANAGER,)))
REQUEST = Page("/secondments/{request_id}", "支援申请详情", GROUP_SUPPORT, (HR, UNIT_MANAGER), in_menu=False)
Guarded = Annotated[Ctx, Depends(guard(REQUEST))]
STATUSES = ("requested", "approved", "fulfilled", "rejected", "cancelled")


@router.get(QUEUE.path)
async def queue(ctx: Annotated[Ctx, Depends(guard(QUEUE))], status: str = "") -> Response:
    manager = ctx.user.role == "unit_manager"
    status = status if status in STATUSES or status == "all" else ("all" if manager else "requested")
    listing = await ctx.get("/staffing/secondments", status=None if status == "all" else status, limit=100,
                            org_id=ctx.user.org_id if manager else None)
    return ctx.render("staffing/secondments.html", title=QUEUE.title, listing=listing, chosen=status,
                      statuses=[(s, L.REQUEST_STATUSES[s]) for s in STATUSES], manager=manager)


def _render_new(ctx: Ctx, form: Form, status: int = 200) -> Response:
    return ctx.render("staffing/secondment_form.html", status, title=NEW.title, form=form,
                      specialties=list(L.SPECIALTIES.items()), titles=list(L.TITLE_LEVELS.items()))


@router.get(NEW.path)
async def new_request(ctx: Annotated[Ctx, Depends(guard(NEW))]) -> Response:
    start = ctx.today + timedelta(days=7)
    return _render_new(ctx, Form({"headcount": "1", "title_level": "intermediate", "start_date": start.isoformat(),
                                  "end_date": (start + timedelta(days=90)).isoformat()}))


@router.post(NEW.path)
async def submit_request(ctx: Annotated[Ctx, Depends(guard(NEW))]) -> Response:
    form = await ctx.form()
    count = str(form.v("headcount"))
    body = compact({"org_id": ctx.user.org_id, "specialty": form.v("specialty"), "title_level": form.v("title_level"),
                    "headcount": int(count) if count.isdigit() else count, "start_date": form.v("start_date"),
                    "end_date": form.v("end_date"), "reason": form.v("reason")})
    created = await ctx.attempt(form, ctx.post("/staffing/secondments", body))
    if created is None:
        return _render_new(ctx, form, status_for(form))
    return ctx.redirect(f"/secondments/{created['request_id']}", flash="支援申请已提交，等待卫健委或牵头医院人事科审批。")


async def render_request(ctx: Ctx, request_id: str, forms: dict[str, Form] | None = None,
                         status: int = 200) -> Response:
    req = await ctx.record(f"/staffing/secondments/{request_id}")
    candidates = []
    open_ = req["status"] in ("requested", "approved")
    if deciding(ctx) and open_:
        candidates = await ctx.get(f"/staffing/secondments/{request_id}/candidates", limit=20)
    names = {}
    for p in req["postings"]:
        try:
            names[p["staff_id"]] = (await ctx.get(f"/staffing/staff/{p['staff_id']}"))["name"]
        except ApiError:
            names[p["staff_id"]] = "—"
    forms = forms or {}
    for key in ["approve", "reject", "cancel"] + [f"{a}-{p['posting_id']}" for p in req["postings"]
                                                 for a in ("arrive", "extend", "end")]:
        forms.setdefault(key, Form(prefix=f"{key}-"))
    return ctx.render("staffing/secondment.html", status, title=f"支援申请：{ctx.org_name(req['org_id'])}", r=req,
                      candidates=candidates, names=names, forms=forms, deciding=deciding(ctx),
                      manager=ctx.user.role == "unit_manager" and ctx.user.org_id == req["org_id"],
                      reason_text=lambda text: translate_message(text, "invalid", None, ctx.org_name),
                      remaining=req["headcount"] - req["dispatched"], today=ctx.today.isoformat())


@router.get(REQUEST.path)
async def request_page(request_id: str, ctx: Guarded) -> Response:
    return await render_request(ctx, request_id)


async def _act(ctx: Ctx, request_id: str, key: str, path: str, body: dict, flash: str) -> Response:
    form = await ctx.form()
    form.prefix = f"{key}-"
    done = await ctx.attempt(form, ctx.post(path, compact(body(form)) if callable(body) else body))
    if done is None:
        return await render_request(ctx, request_id, {key: form}, status_for(form))
    return ctx.redirect(f"/secondments/{request_id}", flash=flash)


def _decider(ctx: Ctx) -> None:
    if not deciding(ctx):
        raise NotAllowed()


@router.post("/secondments/{request_id}/approve")
async def approve(request_id: str, ctx: Guarded) -> Response:
    _decider(ctx)

    def body(form: Form) -> dict:
        chosen = form.values.get("staff_ids", [])
        return {"reason": form.v("reason") or None, "staff_ids": chosen if isinstance(chosen, list) else [chosen]}
    return await _act(ctx, request_id, "approve", f"/staffing/secondments/{request_id}/approve", body, "申请已批准。")


@router.post("/secondments/{request_id}/reject")
async def reject(request_id: str, ctx: Guarded) -> Response:
    _decider(ctx)
    return await _act(ctx, request_id, "reject", f"/staffing/secondments/{request_id}/reject",
                      lambda f: {"reason": f.v("reason")}, "申请已驳回。")


@router.post("/secondments/{request_id}/cancel")
async def cancel(request_id: str, ctx: Guarded) -> Response:
    return await _act(ctx, request_id, "cancel", f"/staffing/secondments/{request_id}/cancel", {}, "申请已撤销。")


@router.post("/secondments/{request_id}/dispatch/{staff_id}")
async def dispatch(request_id: str, staff_id: str, ctx: Guarded) -> Response:
    _decider(ctx)
    return await _act(ctx, request_id, "approve", f"/staffing/secondments/{request_id}/dispatch",
                      {"staff_id": staff_id}, "人员已派出。")


POSTING_ACTIONS = {"arrive": ("arrived_on", "已登记到岗。"), "extend": ("end_date", "派驻已延期。"),
                   "end": ("ended_on", "派驻已结束。")}


@router.post("/secondments/{request_id}/postings/{posting_id}/{action}")
async def posting_action(request_id: str, posting_id: str, action: str, ctx: Guarded) -> Response:
    if action not in POSTING_ACTIONS or (action != "arrive" and not deciding(ctx)):
        raise NotAllowed()
    field, flash = POSTING_ACTIONS[action]
    return await _act(ctx, request_id, f"{action}-{posting_id}", f"/staffing/postings/{posting_id}/{action}",
                      lambda f: {field: f.v(field)}, flash)
