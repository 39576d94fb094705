"""科对科会诊: a township or village desk asks its paired county hospital's department for advice (another hospital
needs a reason); the county desk's inbox with the answer clock, overdue first; the answer (local advice, refer up,
a remote consultation), where "refer up" leads to the upward referral it created; the asking unit's list."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.exceptions import HTTPException
from starlette.responses import Response

from .. import labels as L
from ..access import REFERRAL_DESKS, TOWNSHIP_DESK, Page, register
from ..convert import local_moment
from ..web import Ctx, Form, compact, guard, status_for
from .icd10 import catalogue
from .upward import diagnosis_body, patient_body

router = APIRouter()
GROUP = "科对科会诊"
ASK = register(Page("/consultations/new", "发起会诊咨询", GROUP, (TOWNSHIP_DESK,)))
LIST = register(Page("/consultations", "会诊咨询", GROUP, REFERRAL_DESKS))
DETAIL = Page("/consultations/{consultation_id}", "会诊咨询详情", GROUP, REFERRAL_DESKS, in_menu=False)
Guarded = Annotated[Ctx, Depends(guard(DETAIL))]


async def _render_ask(ctx: Ctx, form: Form, status: int = 200) -> Response:
    hospitals = ctx.registry.of_kind("county_hospital", consortium_id=ctx.user.consortium_id)
    return ctx.render("consultation_form.html", status, title=ASK.title, form=form, catalogue=await catalogue(ctx),
                      hospitals=[(o.org_id, o.name) for o in hospitals], specialties=list(L.SPECIALTIES.items()),
                      paired=ctx.registry.county_hospital_of(ctx.user.org_id))


@router.get(ASK.path)
async def new_consultation(ctx: Annotated[Ctx, Depends(guard(ASK))]) -> Response:
    return await _render_ask(ctx, Form({"to_org_id": ctx.registry.county_hospital_of(ctx.user.org_id) or "",
                                        "urgency": "routine"}))


@router.post(ASK.path)
async def ask(ctx: Annotated[Ctx, Depends(guard(ASK))]) -> Response:
    form = await ctx.form()
    body = compact({"patient": patient_body(form), **diagnosis_body(form, await catalogue(ctx)),
                    "question": form.v("question"), "urgency": form.v("urgency"), "to_org_id": form.v("to_org_id"),
                    "specialty": form.v("specialty"), "pairing_override_reason": form.v("pairing_override_reason")})
    made = await ctx.attempt(form, ctx.post("/referral/consultations", body))
    if made is None:
        return await _render_ask(ctx, form, status_for(form))
    return ctx.redirect(f"/consultations/{made['consultation_id']}",
                        flash=f"会诊咨询已发出：{made['patient']['name']}，等待{ctx.org_name(made['to_org_id'])}"
                              f"{L.label(L.SPECIALTIES, made['specialty'])}答复。")


@router.get(LIST.path)
async def consultations(ctx: Annotated[Ctx, Depends(guard(LIST))]) -> Response:
    """The county desk's inbox (unanswered first, by deadline) or the asking unit's requests (newest first)."""
    county = ctx.user.org_kind == "county_hospital"
    page = ctx.request.query_params.get("page", "1")
    page = int(page) if page.isdigit() and int(page) > 0 else 1
    result = await ctx.get("/referral/consultations", box="incoming" if county else "outgoing", page=page)
    items = inbox_order(result["items"]) if county else result["items"]
    return ctx.render("consultations.html", title=LIST.title, result=result, items=items, county=county,
                      url=lambda page: f"{LIST.path}?page={page}")


def inbox_order(items: list[dict]) -> list[dict]:
    """What waits for an answer first, the nearest deadline first (none: last); answered ones after, newest first."""
    waiting = sorted((c for c in items if c["status"] == "requested"), key=lambda c: c["answer_deadline"] or "~")
    return waiting + [c for c in items if c["status"] != "requested"]


async def _load(ctx: Ctx, consultation_id: str) -> dict:
    return await ctx.record(f"/referral/consultations/{consultation_id}", hidden=(404, 422))


def _render(ctx: Ctx, c: dict, given: dict[str, Form] | None = None, status: int = 200,
            notice: str | None = None) -> Response:
    forms = {a: (given or {}).get(a) or Form(prefix=f"{a}-") for a in c["allowed_actions"]}
    return ctx.render("consultation.html", status, title=f"会诊咨询 · {c['patient']['name']}", c=c, forms=forms,
                      notice=notice)


@router.get(DETAIL.path)
async def show(consultation_id: str, ctx: Guarded) -> Response:
    return _render(ctx, await _load(ctx, consultation_id))


@router.post("/consultations/{consultation_id}/{action}")
async def act(consultation_id: str, action: str, ctx: Guarded) -> Response:
    if action not in ("answer", "cancel"):
        raise HTTPException(404)
    form = await ctx.form()
    form.prefix = f"{action}-"
    version = int(form.v("version")) if str(form.v("version")).isdigit() else None
    if action == "answer":
        remote = form.v("outcome") == "remote_appointment"
        body = {"outcome": form.v("outcome"), "advice": form.v("advice"), "version": version,
                "remote_at": local_moment(form, "remote_at", ctx.app.state.settings.tz()) if remote else None}
    else:
        body = {"reason": form.v("reason"), "version": version}
    done = None if form.errors else await ctx.attempt(
        form, ctx.post(f"/referral/consultations/{consultation_id}/{action}", compact(body)))
    if done is None:
        fresh = await _load(ctx, consultation_id)
        if action not in fresh["allowed_actions"]:  # a colleague answered (or the asker cancelled) meanwhile
            return _render(ctx, fresh, status=409, notice=form.general or "该会诊咨询的当前状态不允许此操作")
        return _render(ctx, fresh, {action: form}, status_for(form))
    name = done["patient"]["name"]
    if done.get("referral_id"):  # refer up: the desk goes on with the upward referral it created
        return ctx.redirect(f"/referrals/{done['referral_id']}",
                            flash=f"已答复“建议上转”：{name}的上转单已生成，请在此接收并预约号源。")
    return ctx.redirect(f"/consultations/{consultation_id}", flash=f"{'已答复' if action == 'answer' else '已撤销'}：{name}")
