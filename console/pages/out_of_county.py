"""The out-of-county record (转外就医登记): a patient treated outside the county, for the visit-rate figures."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response

from .. import labels as L
from ..access import REFERRAL_DESKS, Page, register
from ..convert import fen_from_yuan
from ..web import Ctx, Form, compact, guard, status_for
from .icd10 import catalogue
from .upward import diagnosis_body, patient_body

router = APIRouter()
OUT_OF_COUNTY = register(Page("/referrals/new-out-of-county", "转外就医登记", "转诊业务", REFERRAL_DESKS))


async def _render(ctx: Ctx, form: Form, status: int = 200) -> Response:
    return ctx.render("out_of_county_form.html", status, title=OUT_OF_COUNTY.title, form=form,
                      catalogue=await catalogue(ctx), specialties=list(L.SPECIALTIES.items()))


@router.get(OUT_OF_COUNTY.path)
async def new_record(ctx: Annotated[Ctx, Depends(guard(OUT_OF_COUNTY))]) -> Response:
    return await _render(ctx, Form({"urgency": "routine", "service_date": ctx.now.astimezone(
        ctx.app.state.settings.tz()).date().isoformat()}))


@router.post(OUT_OF_COUNTY.path)
async def record(ctx: Annotated[Ctx, Depends(guard(OUT_OF_COUNTY))]) -> Response:
    form = await ctx.form()
    form.aliases["fund_amount_fen"] = "fund_amount_yuan"
    emergency = form.v("urgency") == "emergency"
    body = compact({
        "patient": patient_body(form), **diagnosis_body(form, await catalogue(ctx)), "reason": form.v("reason"),
        "destination": form.v("destination"), "specialty": form.v("specialty"), "urgency": form.v("urgency"),
        "emergency_category": form.v("emergency_category") if emergency else None,
        "service_date": form.v("service_date"),
        "fund_amount_fen": fen_from_yuan(form, "fund_amount_yuan", "fund_amount_fen"),
    })
    created = None if form.errors else await ctx.attempt(form, ctx.post("/referral/referrals/out-of-county", body))
    if created is None:
        return await _render(ctx, form, status_for(form))
    return ctx.redirect(f"/referrals/{created['referral_id']}",
                        flash=f"转外就医已登记：{created['patient']['name']}，{created['destination']}。")
