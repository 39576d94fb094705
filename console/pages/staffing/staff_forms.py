"""The posting form (人员登记): a new person established at a unit. The quota rules of the unit apply; a refusal
shows the rule that was broken and its numbers, and the health bureau can override it with a reason (the
override is recorded on the unit's quota page)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response

from ... import labels as L
from ...access import BUREAU_HR, Page, register
from ...gateway_client import ApiError
from ...web import Ctx, Form, compact, guard, status_for
from .common import GROUP_STAFF, bureau, refusal, require_bureau, units

router = APIRouter()
NEW_STAFF = register(Page("/staff/new", "人员登记", GROUP_STAFF, (BUREAU_HR,)))


def _render(ctx: Ctx, form: Form, status: int = 200, broken: list | None = None) -> Response:
    return ctx.render("staffing/staff_form.html", status, title=NEW_STAFF.title, form=form, broken=broken,
                      units=units(ctx), bureau=bureau(ctx), titles=list(L.TITLE_LEVELS.items()),
                      qualifications=list(L.QUALIFICATIONS.items()), specialties=list(L.SPECIALTIES.items()))


@router.get(NEW_STAFF.path)
async def new_staff(ctx: Annotated[Ctx, Depends(guard(NEW_STAFF))], home_org_id: str = "") -> Response:
    return _render(ctx, Form({"home_org_id": home_org_id, "qualification": "practising_physician"}))


@router.post(NEW_STAFF.path)
async def register_staff(ctx: Annotated[Ctx, Depends(guard(NEW_STAFF))]) -> Response:
    require_bureau(ctx)
    form = await ctx.form()
    body = compact({k: form.v(k) or None for k in ("name", "id_number", "qualification", "title_level", "specialty",
                                                   "home_org_id", "start_date", "override_reason")})
    try:
        created = await ctx.post("/staffing/staff", body)
    except ApiError as e:
        broken = refusal(e, ctx.org_name)
        if broken:
            return _render(ctx, form, 409, broken)
        form.take(e, ctx.org_name)
        return _render(ctx, form, status_for(form))
    overridden = "（已批准突破编制规则）" if body.get("override_reason") else ""
    return ctx.redirect(f"/staff/{created['staff_id']}",
                        flash=f"{created['name']}已登记，在编于{ctx.org_name(created['home_org_id'])}{overridden}。")
