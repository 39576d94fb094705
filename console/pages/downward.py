"""The county desk's downward referral (下转): patient, diagnosis, treatment plan and follow-up schedule.

Opened from a completed upward referral it is filled in from that referral, except the national ID, which
the service never gives back in full: the clerk types it again from the patient's card. Medications and
follow-ups are rows; "增加一行" adds one without JavaScript (the form is shown again with a blank row).
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response

from .. import labels as L
from ..access import COUNTY_DESK, Page, register
from ..gateway_client import ApiError
from ..web import Ctx, Form, compact, guard, status_for
from .icd10 import catalogue
from .upward import diagnosis_body, patient_body

router = APIRouter()
NEW_DOWNWARD = register(Page("/referrals/new-downward", "新建下转", "转诊业务", (COUNTY_DESK,)))
MED_FIELDS = ("name", "dose", "frequency", "route", "days")
FU_FIELDS = ("due_date", "focus")
MIN_ROWS = {"plan.medications": 3, "follow_ups": 3}


def rows(form: Form, prefix: str, fields: tuple[str, ...]) -> list[dict[str, str]]:
    """The filled rows of a repeated group (`plan.medications.0.name`...), in order, blanks dropped."""
    found: dict[int, dict[str, str]] = {}
    for key, value in form.values.items():
        if key.startswith(prefix + ".") and value:
            index, _, name = key[len(prefix) + 1:].partition(".")
            if index.isdigit() and name in fields:
                found.setdefault(int(index), {})[name] = value
    return [found[i] for i in sorted(found)]


def row_count(form: Form, prefix: str) -> int:
    used = [int(k[len(prefix) + 1:].split(".")[0]) for k in form.values
            if k.startswith(prefix + ".") and k[len(prefix) + 1:].split(".")[0].isdigit() and form.values[k]]
    count = max([MIN_ROWS[prefix], *(i + 1 for i in used)])
    return count + (1 if form.values.get("_add") == prefix else 0)


async def _render(ctx: Ctx, form: Form, status: int = 200) -> Response:
    units = ctx.registry.of_kind("township_centre", "village_clinic", consortium_id=ctx.user.consortium_id)
    return ctx.render("downward_form.html", status, title=NEW_DOWNWARD.title, form=form,
                      catalogue=await catalogue(ctx), units=[(o.org_id, o.name) for o in units],
                      specialties=list(L.SPECIALTIES.items()), med_rows=row_count(form, "plan.medications"),
                      fu_rows=row_count(form, "follow_ups"))


@router.get(NEW_DOWNWARD.path)
async def new_downward(ctx: Annotated[Ctx, Depends(guard(NEW_DOWNWARD))], source: str | None = None) -> Response:
    form = Form({"specialty": "general_practice"})
    if source:
        try:
            s = await ctx.get(f"/referral/referrals/{source}")
        except ApiError:
            s = None
        if s and s["direction"] == "upward":
            form.values |= {
                "source_referral_id": s["referral_id"], "patient.name": s["patient"]["name"],
                "patient.sex": s["patient"]["sex"], "patient.date_of_birth": s["patient"]["date_of_birth"] or "",
                "icd10": s["final_icd10"] or s["icd10"], "diagnosis": s["diagnosis"], "to_org_id": s["from_org_id"],
                "source_masked": s["patient"]["national_id_masked"],
            }
    return await _render(ctx, form)


@router.post(NEW_DOWNWARD.path)
async def issue_downward(ctx: Annotated[Ctx, Depends(guard(NEW_DOWNWARD))]) -> Response:
    form = await ctx.form()
    form.aliases["plan.follow_ups"] = "follow_ups"
    if form.values.get("_add"):
        return await _render(ctx, form)
    body = compact({
        "patient": patient_body(form), **diagnosis_body(form, await catalogue(ctx)), "reason": form.v("reason"),
        "to_org_id": form.v("to_org_id"), "specialty": form.v("specialty"),
        "plan": {"medications": rows(form, "plan.medications", MED_FIELDS),
                 "rehabilitation_plan": form.v("plan.rehabilitation_plan") or None,
                 "notes": form.v("plan.notes") or None},
        "follow_ups": rows(form, "follow_ups", FU_FIELDS),
        "source_referral_id": form.v("source_referral_id") or None,
        "capability_override_reason": form.v("capability_override_reason") or None,
    })
    body.setdefault("plan", {})  # an empty plan is the API's to refuse, beside the plan fields
    created = await ctx.attempt(form, ctx.post("/referral/referrals/downward", body))
    if created is None:
        return await _render(ctx, form, status_for(form))
    return ctx.redirect(f"/referrals/{created['referral_id']}",
                        flash=f"下转已发出：{created['patient']['name']}，等待{ctx.org_name(created['to_org_id'])}接收。")
