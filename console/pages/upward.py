"""The township and village desks' new upward referral (上转申请)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response

from .. import labels as L
from ..access import TOWNSHIP_DESK, Page, register
from ..slots import capacity_conflict, department_slots
from ..web import Ctx, Form, compact, guard, status_for
from .icd10 import catalogue, name_of

router = APIRouter()
NEW_UPWARD = register(Page("/referrals/new-upward", "新建上转", "转诊业务", (TOWNSHIP_DESK,)))


def patient_body(form: Form) -> dict:
    return {"name": form.v("patient.name"), "sex": form.v("patient.sex"),
            "date_of_birth": form.v("patient.date_of_birth"), "national_id": form.v("patient.national_id").upper()}


def diagnosis_body(form: Form, items: list[dict[str, str]]) -> dict:
    """The API requires the diagnosis name; the form lets it be left empty when the code is in the catalogue,
    and fills it in (shown in the field if the form comes back). Otherwise the API's refusal of the empty name
    is shown with its reason: which field is missing, or that the code is not one the catalogue can name."""
    code = form.v("icd10").upper()
    name = form.v("diagnosis") or name_of(items, code)
    if name:
        form.values["diagnosis"] = name
    elif not code:
        form.explain["diagnosis"] = "请填写诊断名称，或填写 ICD-10 诊断编码以自动填写"
    else:
        form.explain["diagnosis"] = f"诊断目录中没有编码 {code}，无法自动填写，请填写诊断名称"
    return {"icd10": code, "diagnosis": name or ""}


async def _render(ctx: Ctx, form: Form, status: int = 200, day: str = "") -> Response:
    """With a hospital and a department chosen, their free places are offered (a day given: its first one chosen)."""
    hospitals = ctx.registry.of_kind("county_hospital", consortium_id=ctx.user.consortium_id)
    slots = None
    if form.v("to_org_id") and form.v("specialty"):
        slots = await department_slots(ctx, form.v("to_org_id"), form.v("specialty"))
        if day and slots and not form.v("slot_id"):
            form.values["slot_id"] = next((s.slot_id for s in slots if s.day == day), "")
    return ctx.render("upward_form.html", status, title=NEW_UPWARD.title, form=form, slots=slots,
                      catalogue=await catalogue(ctx), hospitals=[(o.org_id, o.name) for o in hospitals],
                      specialties=list(L.SPECIALTIES.items()))


@router.get(NEW_UPWARD.path)
async def new_upward(ctx: Annotated[Ctx, Depends(guard(NEW_UPWARD))]) -> Response:
    """Opened from 可预约号源 with a hospital, department and day: that department's places are offered."""
    q = ctx.request.query_params
    return await _render(ctx, Form({"to_org_id": q.get("to_org_id") or ctx.registry.county_hospital_of(ctx.user.org_id)
                                    or "", "specialty": q.get("specialty", ""), "urgency": "routine"}),
                         day=q.get("day", ""))


@router.post(NEW_UPWARD.path)
async def submit_upward(ctx: Annotated[Ctx, Depends(guard(NEW_UPWARD))]) -> Response:
    form = await ctx.form()
    if form.v("show_slots"):  # "查看该科室号源": the form again as typed, with the department's places offered
        return await _render(ctx, form)
    items = await catalogue(ctx)
    emergency = form.v("urgency") == "emergency"
    body = compact({
        "patient": patient_body(form), **diagnosis_body(form, items), "reason": form.v("reason"),
        "urgency": form.v("urgency"), "emergency_category": form.v("emergency_category") if emergency else None,
        "to_org_id": form.v("to_org_id"), "specialty": form.v("specialty"), "slot_id": form.v("slot_id"),
    })
    created = await ctx.attempt(form, ctx.post("/referral/referrals/upward", body))
    if created is None:
        return await _render(ctx, form, 409 if capacity_conflict(form, step="提交") else status_for(form))
    p = created["patient"]
    return ctx.redirect(f"/referrals/{created['referral_id']}",
                        flash=f"上转已提交：{p['name']}（{p['national_id_masked']}），等待{ctx.org_name(created['to_org_id'])}答复。")
