"""Tidal dispatch (潮汐式调度): referral demand per township and specialty over the sliding window against its
baseline, as a chart with its numbers; the recommendations with their reasons, best first; generating fresh ones,
accepting one (it becomes an approved secondment request) or dismissing it."""
from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response

from ... import labels as L
from ...access import ANALYST, HR, Page, register
from ...charts import Series, grouped_bar_chart
from ...messages import translate_message
from ...web import Ctx, Form, NotAllowed, compact, guard, status_for
from .common import GROUP_SUPPORT, deciding

router = APIRouter()
TIDAL = register(Page("/tidal", "潮汐调度", GROUP_SUPPORT, (HR, ANALYST)))
STATUSES = ("open", "accepted", "dismissed", "superseded")


async def _render(ctx: Ctx, status: str = "open", forms: dict[str, Form] | None = None, code: int = 200) -> Response:
    demand = await ctx.get("/staffing/tidal/demand")
    recommendations = await ctx.get("/staffing/tidal/recommendations", status=status, limit=100)
    demand = sorted(demand, key=lambda d: (-d["window_volume"], d["township_id"], d["specialty"]))
    shown = demand[:20]
    labels = [f"{ctx.org_name(d['township_id'])} · {L.label(L.SPECIALTIES, d['specialty'])}" for d in shown]
    chart = grouped_bar_chart("近期上转需求（按乡镇和专业）", labels, [
        Series(f"近 {shown[0]['window_days'] if shown else 28} 天", [d["window_volume"] for d in shown]),
        Series("基线（前几个窗口的平均）", [d["baseline_volume"] for d in shown])], " 例") if shown else None
    start = ctx.today + timedelta(days=3)
    forms = forms or {}
    for r in recommendations:
        forms.setdefault(r["recommendation_id"], Form({"start_date": start.isoformat(),
                                                       "end_date": (start + timedelta(days=60)).isoformat(),
                                                       "title_level": "intermediate", "headcount": str(r["headcount"])},
                                                      prefix=f"rec-{r['recommendation_id']}-"))
    return ctx.render("staffing/tidal.html", code, title=TIDAL.title, demand=demand, chart=chart,
                      recommendations=recommendations, chosen=status, forms=forms, deciding=deciding(ctx),
                      statuses=[(s, L.RECOMMENDATION_STATUSES[s]) for s in STATUSES],
                      titles=list(L.TITLE_LEVELS.items()),
                      reason_text=lambda text: translate_message(text, "invalid", None, ctx.org_name))


@router.get(TIDAL.path)
async def tidal(ctx: Annotated[Ctx, Depends(guard(TIDAL))], status: str = "open") -> Response:
    return await _render(ctx, status if status in STATUSES else "open")


@router.post("/tidal/generate")
async def generate(ctx: Annotated[Ctx, Depends(guard(TIDAL))]) -> Response:
    if not deciding(ctx):
        raise NotAllowed()
    await ctx.form()
    fresh = await ctx.post("/staffing/tidal/recommendations/generate")
    return ctx.redirect("/tidal", flash=f"已按最新需求生成 {len(fresh)} 条建议。")


@router.post("/tidal/{rec_id}/accept")
async def accept(rec_id: str, ctx: Annotated[Ctx, Depends(guard(TIDAL))]) -> Response:
    if not deciding(ctx):
        raise NotAllowed()
    form = await ctx.form()
    form.prefix = f"rec-{rec_id}-"
    count = str(form.v("headcount"))
    body = compact({"start_date": form.v("start_date"), "end_date": form.v("end_date"),
                    "title_level": form.v("title_level"), "headcount": int(count) if count.isdigit() else count or None})
    created = await ctx.attempt(form, ctx.post(f"/staffing/tidal/recommendations/{rec_id}/accept", body))
    if created is None:
        return await _render(ctx, "open", {rec_id: form}, status_for(form))
    return ctx.redirect(f"/secondments/{created['request_id']}", flash="建议已采纳，已生成并批准支援申请，请派出人员。")


@router.post("/tidal/{rec_id}/dismiss")
async def dismiss(rec_id: str, ctx: Annotated[Ctx, Depends(guard(TIDAL))]) -> Response:
    if not deciding(ctx):
        raise NotAllowed()
    form = await ctx.form()
    done = await ctx.attempt(form, ctx.post(f"/staffing/tidal/recommendations/{rec_id}/dismiss"))
    if done is None:
        return await _render(ctx, "open", {rec_id: form}, status_for(form))
    return ctx.redirect("/tidal", flash="建议已忽略。")
