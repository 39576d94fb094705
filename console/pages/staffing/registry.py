"""The staff registry (人员名册): search by name, unit, specialty, title and qualification; a person's page with
the masked ID, the title and qualification history, and the timeline of postings — with, for the health
bureau, a transfer and a title change (both checked against the quota rules, refusals naming the rule and
the bureau's override with a reason)."""
from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends
from starlette.responses import Response

from ... import labels as L
from ...access import HR, Page, register
from ...gateway_client import ApiError
from ...web import Ctx, Form, compact, guard, status_for
from .common import GROUP_STAFF, bureau, refusal, require_bureau, units

router = APIRouter()
REGISTRY = register(Page("/staff", "人员名册", GROUP_STAFF, (HR,)))
PERSON = Page("/staff/{staff_id}", "人员信息", GROUP_STAFF, (HR,), in_menu=False)
FILTERS = ("name", "org_id", "specialty", "title_level", "qualification")
PER_PAGE = 50


@router.get(REGISTRY.path)
async def registry(ctx: Annotated[Ctx, Depends(guard(REGISTRY))]) -> Response:
    params = ctx.request.query_params
    form = Form({k: params.get(k, "").strip() for k in FILTERS})
    page = int(params["page"]) if params.get("page", "").isdigit() and int(params["page"]) > 0 else 1
    result = {"total": 0, "items": []}
    try:
        result = await ctx.get("/staffing/staff", limit=PER_PAGE, offset=(page - 1) * PER_PAGE,
                               **{k: form.v(k) or None for k in FILTERS})
    except ApiError as e:
        form.take(e, ctx.org_name)

    def url(**change: object) -> str:
        return REGISTRY.path + "?" + urlencode({**{k: form.v(k) for k in FILTERS if form.v(k)}, "page": page, **change})

    return ctx.render("staffing/registry.html", title=REGISTRY.title, form=form, result=result, page_no=page,
                      per_page=PER_PAGE, url=url, units=units(ctx), bureau=bureau(ctx),
                      options={"specialty": list(L.SPECIALTIES.items()), "title_level": list(L.TITLE_LEVELS.items()),
                               "qualification": list(L.QUALIFICATIONS.items())})


async def render_person(ctx: Ctx, staff_id: str, forms: dict[str, Form] | None = None, status: int = 200,
                        refused: dict | None = None) -> Response:
    person = await ctx.record(f"/staffing/staff/{staff_id}")
    forms = {"transfer": Form(prefix="transfer-"), "title": Form(prefix="title-")} | (forms or {})
    timeline = sorted(person["postings"] or [], key=lambda p: (p["start_date"], p["kind"] != "establishment"),
                      reverse=True)
    return ctx.render("staffing/person.html", status, title=person["name"], p=person, forms=forms, timeline=timeline,
                      units=units(ctx), bureau=bureau(ctx), refused=refused or {},
                      titles=list(L.TITLE_LEVELS.items()), qualifications=list(L.QUALIFICATIONS.items()))


@router.get(PERSON.path)
async def person(staff_id: str, ctx: Annotated[Ctx, Depends(guard(PERSON))]) -> Response:
    return await render_person(ctx, staff_id)


async def _change(ctx: Ctx, staff_id: str, action: str, body: dict, form: Form, done: str) -> Response:
    try:
        await ctx.post(f"/staffing/staff/{staff_id}/{action}", compact(body))
    except ApiError as e:
        broken = refusal(e, ctx.org_name)
        if not broken:
            form.take(e, ctx.org_name)
            return await render_person(ctx, staff_id, {action: form}, status_for(form))
        form.values["_refused"] = "yes"
        return await render_person(ctx, staff_id, {action: form}, 409, refused={action: broken})
    return ctx.redirect(f"/staff/{staff_id}", flash=done)


@router.post("/staff/{staff_id}/transfer")
async def transfer(staff_id: str, ctx: Annotated[Ctx, Depends(guard(PERSON))]) -> Response:
    require_bureau(ctx)
    form = await ctx.form()
    form.prefix = "transfer-"
    body = {"to_org_id": form.v("to_org_id"), "effective_date": form.v("effective_date"),
            "override_reason": form.v("override_reason") or None}
    return await _change(ctx, staff_id, "transfer", body, form, f"已调往{ctx.org_name(form.v('to_org_id'))}。")


@router.post("/staff/{staff_id}/title")
async def change_title(staff_id: str, ctx: Annotated[Ctx, Depends(guard(PERSON))]) -> Response:
    require_bureau(ctx)
    form = await ctx.form()
    form.prefix = "title-"
    body = {"title_level": form.v("title_level"), "qualification": form.v("qualification") or None,
            "effective_date": form.v("effective_date") or None, "reason": form.v("reason"),
            "override_reason": form.v("override_reason") or None}
    return await _change(ctx, staff_id, "title", body, form, "职称/资格变动已登记。")
