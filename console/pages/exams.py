"""预约检查: the receiving county hospital books the exams of an accepted upward referral (CT, MRI, ultrasound,
endoscopy, ECG) on the referral's page, each on a published exam slot of the coming days or, by day, on that
day's first free one, and cancels them. The township sees them on the same page, read-only.

A slot taken meanwhile comes back from the API as 409 (rule=capacity): one sentence beside the choice, the rest
of the form as typed. Only the receiving hospital's desk books (the guard, then the referral's receiver): another
desk's post is the 403 page, another hospital's (which cannot see the referral) the 404 page, before anything is
sent.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response

from .. import labels as L
from ..access import COUNTY_DESK, Page
from ..slots import band_text, books_exams, capacity_conflict, day_text, published
from ..web import Ctx, Form, NotAllowed, compact, guard, status_for
from .detail import load, render_detail

router = APIRouter()
EXAMS = Page("/referrals/{referral_id}/exams", "预约检查", "转诊业务", (COUNTY_DESK,), in_menu=False)
Guarded = Annotated[Ctx, Depends(guard(EXAMS))]


def exam_text(booking: dict) -> str:
    return (f"{L.label(L.EXAM_TYPES, booking['exam_type'])} {day_text(booking['day'])} "
            f"{band_text('exam', booking['band_start'], booking['band_end'])}")


async def _receiving(ctx: Ctx, referral_id: str) -> dict:
    """The referral, when the user's hospital receives it; a sending unit's post is refused like another desk's."""
    referral = await load(ctx, referral_id)
    if referral["to_org_id"] != ctx.user.org_id:
        raise NotAllowed()
    return referral


async def _body(ctx: Ctx, form: Form, referral: dict) -> dict:
    """A slot chosen: its exam type is the slot's (read again, full ones too, so that a slot taken meanwhile is
    still named and refused as such); otherwise the type and day typed."""
    slot_id = form.v("slot_id")
    if not slot_id:
        return {"exam_type": form.v("exam_type"), "day": form.v("day"), "at": form.v("at")}
    types = {s["slot_id"]: s["exam_type"] for s in await published(ctx, referral["to_org_id"], kind="exam") or []}
    return {"exam_type": types.get(slot_id) or form.v("exam_type"), "slot_id": slot_id}


@router.post(EXAMS.path)
async def book(referral_id: str, ctx: Guarded) -> Response:
    form = await ctx.form()
    form.prefix = "exam-"
    referral = await _receiving(ctx, referral_id)
    page = f"/referrals/{referral_id}"
    done = await ctx.attempt(form, ctx.post(f"/referral{page}/exams", compact(await _body(ctx, form, referral))))
    if done is not None:
        booked = max((b for b in done["bookings"] if b["kind"] == "exam" and b["status"] == "booked"),
                     key=lambda b: b["booked_at"])
        return ctx.redirect(page, flash=f"已预约检查：{exam_text(booked)}")
    fresh = await load(ctx, referral_id)
    if form.details.get("day") and capacity_conflict(form, "slot_id" if form.v("slot_id") else "day", "预约"):
        return await render_detail(ctx, fresh, {"exam": form}, 409)
    if not books_exams(ctx.user, fresh):  # the referral moved on meanwhile (completed, say): no form to show
        return await render_detail(ctx, fresh, {}, 409, notice=form.general)
    capacity = form.details.get("rule") == "capacity"  # nothing of the type published: the API's 409 beside the day
    return await render_detail(ctx, fresh, {"exam": form}, 409 if capacity else status_for(form))


@router.post(EXAMS.path + "/{booking_id}/cancel")
async def cancel(referral_id: str, booking_id: str, ctx: Guarded) -> Response:
    form = await ctx.form()
    await _receiving(ctx, referral_id)
    page = f"/referrals/{referral_id}"
    done = await ctx.attempt(form, ctx.post(f"/referral{page}/exams/{booking_id}/cancel"))
    if done is None:  # cancelled already (by a colleague), or no longer an exam of an open referral
        notice = form.general or next(iter(form.errors.values()), None)
        return await render_detail(ctx, await load(ctx, referral_id), {}, 503 if form.unavailable else 409,
                                   notice=notice or "平台暂时无法访问，检查预约未取消，请稍后重试。")
    cancelled = next(b for b in done["bookings"] if b["booking_id"] == booking_id)
    return ctx.redirect(page, flash=f"已取消检查预约：{exam_text(cancelled)}")
