"""The family-doctor contract roster's files (签约名册): the upload form with its template, the file passed on to the
gateway as it arrives, and the result page (the counts; every rejected row with its line, column and reason).

Kept by the township centres' managers for their own unit, the consortium's finance office and the insurance
office; the service decides which units' rows each of them may file."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import JSONResponse, Response

from ... import labels as L
from ...access import FINANCE, INSURANCE, TOWNSHIP_MANAGER, Page, register
from ...web import Ctx, Form, guard
from .common import GROUP_ROSTER
from .uploads import ResultSpec, load, post_upload, progress_view, show_result

router = APIRouter()
DESKS = (INSURANCE, FINANCE, TOWNSHIP_MANAGER)
UPLOAD = register(Page("/roster/upload", "上传签约名册", GROUP_ROSTER, DESKS))
RESULT = Page("/roster/uploads/{upload_id}", "签约名册导入结果", GROUP_ROSTER, DESKS, in_menu=False)
TEMPLATE = "/static/roster-template.csv"
ROSTER_FILES = ResultSpec("/roster/uploads", "/payment/roster/uploads", "/contracts", "签约名册", UPLOAD.path,
                          "份签约", "名册未变动", "登记", "重复（已登记，未重复登记）",
                          "已登记的签约会算作重复，只改了结束日期的会按新日期更新", "身份证号（脱敏）", L.ROSTER_FIELDS,
                          amount=False, errors_csv=False)


def _render_form(ctx: Ctx, form: Form, status: int = 200) -> Response:
    return ctx.render("payment/upload_form.html", status, title=UPLOAD.title, form=form, action=UPLOAD.path,
                      kind="roster", template_url=TEMPLATE, key_groups=L.KEY_GROUPS)


@router.get(UPLOAD.path)
async def upload_form(ctx: Annotated[Ctx, Depends(guard(UPLOAD))]) -> Response:
    return _render_form(ctx, Form())


@router.post(UPLOAD.path)
async def upload(ctx: Annotated[Ctx, Depends(guard(UPLOAD))]) -> Response:
    return await post_upload(ctx, "/payment/roster/uploads", ROSTER_FILES.base, _render_form)


@router.get(RESULT.path)
async def result(upload_id: str, ctx: Annotated[Ctx, Depends(guard(RESULT))], page: int = 1) -> Response:
    return await show_result(ctx, ROSTER_FILES, upload_id, page, RESULT.title)


@router.get("/roster/uploads/{upload_id}/progress")
async def progress(upload_id: str, ctx: Annotated[Ctx, Depends(guard(RESULT))]) -> Response:
    """How far the service has read the file, for the result page's script (JSON)."""
    return JSONResponse(progress_view(await load(ctx, ROSTER_FILES, upload_id)))
