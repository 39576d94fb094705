"""One referral: its facts, the timeline from its audit trail, and a form for each step its state allows.

The buttons come from the API's `allowed_actions` for this unit's side, so the page never offers a step the
service would refuse. If the referral moved on meanwhile (a colleague answered it), the 409 is shown as a
plain sentence naming its current state, and the page shows the referral as it is now.
"""
from __future__ import annotations

from typing import Annotated, Any, Callable

from fastapi import APIRouter, Depends
from starlette.exceptions import HTTPException
from starlette.responses import Response

from .. import labels as L
from ..access import REFERRAL_DESKS, Page
from ..convert import checked, fen_from_yuan, local_moment
from ..slots import books_exams, capacity_conflict, day_text, department_slots, exam_slots
from ..web import Ctx, Form, compact, guard, status_for

router = APIRouter()
DETAIL = Page("/referrals/{referral_id}", "转诊详情", "转诊业务", REFERRAL_DESKS, in_menu=False)
Guarded = Annotated[Ctx, Depends(guard(DETAIL))]

SUCCESS = {
    "accept": "已接收", "reject": "已拒绝", "redirect": "已改派", "cancel": "已撤销", "arrive": "已登记到院",
    "complete": "已完成诊疗", "decline": "已拒收", "follow_up": "随访已登记",
}


def _version(form: Form) -> int | None:
    v = form.v("version")
    return int(v) if str(v).isdigit() else None


def _accept(ctx: Ctx, form: Form, referral: dict) -> dict:
    if referral["direction"] == "downward":
        return {"note": form.v("note") or None}
    return {"appointment_at": local_moment(form, "appointment_at", ctx.app.state.settings.tz()),
            "bed_no": form.v("bed_no") or None, "note": form.v("note") or None, "slot_id": form.v("slot_id") or None,
            "priority_reception": checked(form, "priority_reception"),
            "priority_examination": checked(form, "priority_examination"),
            "priority_admission": checked(form, "priority_admission")}


def _complete(ctx: Ctx, form: Form, _referral: dict) -> dict:
    form.aliases["fund_amount_fen"] = "fund_amount_yuan"
    return {"discharge_summary": form.v("discharge_summary"),
            "fund_amount_fen": fen_from_yuan(form, "fund_amount_yuan", "fund_amount_fen"),
            "icd10": form.v("icd10").upper() or None, "service_date": form.v("service_date") or None,
            "recommend_downward": checked(form, "recommend_downward")}


BODIES: dict[str, Callable[[Ctx, Form, dict], dict]] = {
    "accept": _accept,
    "reject": lambda ctx, f, r: {"reason_code": f.v("reason_code"), "reason": f.v("reason")},
    "redirect": lambda ctx, f, r: {"to_org_id": f.v("to_org_id"), "specialty": f.v("specialty") or None,
                                   "reason": f.v("reason")},
    "cancel": lambda ctx, f, r: {"reason": f.v("reason")},
    "decline": lambda ctx, f, r: {"reason": f.v("reason")},
    "arrive": lambda ctx, f, r: {"arrived_at": local_moment(f, "arrived_at", ctx.app.state.settings.tz())},
    "complete": _complete,
}


async def load(ctx: Ctx, referral_id: str) -> dict:
    return await ctx.record(f"/referral/referrals/{referral_id}", hidden=(404, 422))


def held_slot(referral: dict) -> str | None:
    """The outpatient place or bed the referral holds (chosen when referring, or booked on acceptance)."""
    return next((b["slot_id"] for b in referral.get("bookings", [])
                 if b["status"] == "booked" and b["kind"] in ("outpatient", "bed")), None)


async def render_detail(ctx: Ctx, referral: dict, forms: dict[str, Form] | None = None, status: int = 200,
                        notice: str | None = None) -> Response:
    forms = forms or {}
    actions = list(referral.get("allowed_actions", []))
    for action in actions + [f"follow_up-{f['follow_up_id']}" for f in referral["follow_ups"]]:
        forms.setdefault(action, Form(prefix=f"{action}-"))
    slots, held = None, held_slot(referral)
    if "accept" in actions and referral["direction"] == "upward":
        slots = await department_slots(ctx, referral["to_org_id"], referral["specialty"],
                                       emergency=referral["urgency"] == "emergency", held=held)
        if held and not forms["accept"].values:
            forms["accept"].values["slot_id"] = held  # the slot chosen when referring, unless the clerk changes it
    exams, can_book = None, books_exams(ctx.user, referral)  # the exam slots offered where this desk books exams
    if can_book:
        exams = await exam_slots(ctx, referral)
        forms.setdefault("exam", Form(prefix="exam-"))
    hospitals = [(o.org_id, o.name) for o in ctx.registry.of_kind("county_hospital", consortium_id=ctx.user.consortium_id)]
    side = "receiver" if referral["to_org_id"] == ctx.user.org_id else "sender"
    return ctx.render("detail.html", status, title=f"转诊单 · {referral['patient']['name']}", r=referral,
                      forms=forms, actions=actions, hospitals=hospitals, side=side, notice=notice, slots=slots,
                      exams=exams, can_book=can_book, day_text=day_text,
                      consultation=consultation_link(referral, ctx.user.org_id),
                      timeline=timeline(referral, ctx.org_name), specialties=list(L.SPECIALTIES.items()))


def consultation_link(referral: dict, org_id: str) -> str | None:
    """The page of the 科对科 consultation the referral came from, for the units that see that consultation: the
    asking unit (the referral's sender) and the department that answered, which the receiver still is unless the
    referral was redirected on (the hospital it went to then was never asked)."""
    cid = referral.get("consultation_id")
    redirected = any(h["action"] == "redirect" for h in referral["history"])
    if cid and (org_id == referral["from_org_id"] or (org_id == referral["to_org_id"] and not redirected)):
        return f"/consultations/{cid}"
    return None


def timeline(referral: dict, org_name: Callable[[str], str]) -> list[dict[str, Any]]:
    """The audit trail in Chinese: the redirect's and rejection's coded prefixes become words."""
    out = []
    for h in referral["history"]:
        reason = h.get("reason") or ""
        if h["action"] == "redirect" and reason.startswith("to "):
            target, _, text = reason[3:].partition(": ")
            org, _, dept = target.partition(" (")
            where = org_name(org) + (f"（{L.label(L.SPECIALTIES, dept.rstrip(')'))}）" if dept else "")
            reason = f"改派至{where}：{text}"
        elif h["action"] == "reject" and ": " in reason:
            code, _, text = reason.partition(": ")
            reason = f"{L.label(L.REJECT_REASONS, code)}：{text}"
        elif h["action"] == "follow_up" and reason.startswith("follow-up due "):
            reason = f"计划日期 {reason.removeprefix('follow-up due ')} 的随访"
        elif h["action"] == "submit" and reason.startswith("from consultation "):
            reason = "由科对科会诊咨询答复“建议上转”生成"
        elif h["action"] == "complete" and reason == "last scheduled follow-up recorded":
            reason = "最后一次计划随访已登记，下转自动完成"
        out.append(h | {"reason_text": reason, "org": org_name(h["actor_org_id"])})
    return out


@router.get(DETAIL.path)
async def show(referral_id: str, ctx: Guarded) -> Response:
    return await render_detail(ctx, await load(ctx, referral_id))


@router.post("/referrals/{referral_id}/follow-ups/{follow_up_id}")
async def record_follow_up(referral_id: str, follow_up_id: str, ctx: Guarded) -> Response:
    form = await ctx.form()
    body = compact({"done_on": form.v("done_on"), "findings": form.v("findings"), "version": _version(form)})
    done = await ctx.attempt(form, ctx.post(f"/referral/referrals/{referral_id}/follow-ups/{follow_up_id}", body))
    if done is None:
        form.prefix = f"follow_up-{follow_up_id}-"
        return await render_detail(ctx, await load(ctx, referral_id), {f"follow_up-{follow_up_id}": form},
                             status_for(form))
    return ctx.redirect(f"/referrals/{referral_id}", flash=SUCCESS["follow_up"])


@router.post("/referrals/{referral_id}/{action}")
async def act(referral_id: str, action: str, ctx: Guarded) -> Response:
    if action not in BODIES:
        raise HTTPException(404)
    form = await ctx.form()
    form.prefix = f"{action}-"
    referral = await load(ctx, referral_id)
    body = BODIES[action](ctx, form, referral)
    if not form.errors:
        body = compact(body | {"version": _version(form)})
        done = await ctx.attempt(form, ctx.post(f"/referral/referrals/{referral_id}/{action}", body))
        if done is not None:
            flash = f"{SUCCESS[action]}：{referral['patient']['name']}"
            if action == "redirect" and done["to_org_id"] != ctx.user.org_id:
                return ctx.redirect("/queue", flash=f"{flash}，已转给{ctx.org_name(done['to_org_id'])}")
            return ctx.redirect(f"/referrals/{referral_id}", flash=flash)
    fresh = await load(ctx, referral_id)
    if action == "accept" and capacity_conflict(form):  # the last place went to another patient meanwhile
        return await render_detail(ctx, fresh, {action: form}, 409)
    conflict = form.general if fresh["version"] != referral["version"] or action not in fresh["allowed_actions"] else None
    if conflict:
        # the referral moved on: the sentence says so; the page shows it as it is now
        return await render_detail(ctx, fresh, {}, 409, notice=conflict)
    return await render_detail(ctx, fresh, {action: form}, status_for(form))
