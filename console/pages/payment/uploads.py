"""Claim files (理赔文件): the upload form, the upload passed on to the gateway as it arrives, the result page
(every rejected row with its line and reason, a CSV of them), the list of earlier uploads.

With JavaScript the form sends the file itself and shows how much of it has gone; the result page then
shows the service reading the file and reloads when it is done. Without JavaScript the browser posts the form
and shows its own progress, and the result page refreshes itself every few seconds until the file is read.
"""
from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, AsyncIterator, Callable

from fastapi import APIRouter, Depends
from starlette.responses import JSONResponse, Response, StreamingResponse

from ... import labels as L
from ...access import FINANCE, INSURANCE, Page, register
from ...messages import translate_message
from ...session import CSRF_FIELD, csrf_ok
from ...uploads import NotAnUpload, receive
from ...web import Ctx, CsrfRefused, Form, guard, status_for
from .common import GROUP_CLAIMS

router = APIRouter()
log = logging.getLogger(__name__)
DESKS = (INSURANCE, FINANCE)
UPLOAD = register(Page("/claims/upload", "上传理赔文件", GROUP_CLAIMS, DESKS))
UPLOADS = register(Page("/claims/uploads", "上传记录", GROUP_CLAIMS, DESKS))
RESULT = Page("/claims/uploads/{upload_id}", "上传结果", GROUP_CLAIMS, DESKS, in_menu=False)
ERRORS_PER_PAGE = 100


@lru_cache(maxsize=4096)
def reason_text(reason: str, field: str | None) -> str:
    """A rejected row's reason in Chinese (a file's million bad rows say a handful of different things)."""
    return translate_message(reason, "invalid", field)


def row_reason(error: dict) -> str:
    return reason_text(error.get("reason", ""), error.get("field"))


def failure_text(failure: dict | None) -> str:
    if not failure:
        return "处理失败，本文件未保存任何内容，请重新上传。"
    return translate_message(failure.get("message", ""), failure.get("code", "invalid"), failure.get("field"))


def _render_form(ctx: Ctx, form: Form, status: int = 200) -> Response:
    return ctx.render("payment/upload_form.html", status, title=UPLOAD.title, form=form,
                      action=UPLOAD.path, kind="claims")


@router.get(UPLOAD.path)
async def upload_form(ctx: Annotated[Ctx, Depends(guard(UPLOAD))]) -> Response:
    return _render_form(ctx, Form())


async def pass_on(ctx: Ctx, api_path: str, form: Form) -> dict | None:
    """Receives the posted form and hands its file to the API as it arrives; None (and the form's errors)
    when it did not go. The CSRF token, the first field of the form, is checked before any of the file."""
    try:
        upload = await receive(ctx.request)
    except NotAnUpload:
        form.add("file", "请选择要上传的文件（CSV 或 XLSX）")
        return None
    if not csrf_ok(ctx.session, upload.fields.get(CSRF_FIELD)):
        raise CsrfRefused()
    form.values |= {k: v for k, v in upload.fields.items() if k != CSRF_FIELD}
    if not upload.filename:
        form.add("file", "请选择要上传的文件（CSV 或 XLSX）")
        return None
    result = await ctx.attempt(form, ctx.api.upload(api_path, ctx.token, upload.content_type, upload.body))
    log.info("upload passed on", extra={"fields": {"bytes": upload.sent[0], "api": api_path}})
    return result


async def post_upload(ctx: Ctx, api_path: str, result_base: str,
                      render_form: Callable[[Ctx, Form, int], Response]) -> Response:
    """An upload form posted: the file passed on, then its result page; the form again with why it did not go."""
    form = Form()
    result = await pass_on(ctx, api_path, form)
    if result is None:
        return render_form(ctx, form, status_for(form))
    return ctx.redirect(f"{result_base}/{result['upload_id']}")


@router.post(UPLOAD.path)
async def upload(ctx: Annotated[Ctx, Depends(guard(UPLOAD))]) -> Response:
    return await post_upload(ctx, "/payment/claims/uploads", "/claims/uploads", _render_form)


@router.get(UPLOADS.path)
async def uploads(ctx: Annotated[Ctx, Depends(guard(UPLOADS))], page: int = 1) -> Response:
    page = max(1, page)
    listing = await ctx.get("/payment/claims/uploads", limit=50, offset=(page - 1) * 50)
    return ctx.render("payment/uploads.html", title=UPLOADS.title, listing=listing, page_no=page,
                      url=lambda **kw: f"{UPLOADS.path}?page={kw.get('page', page)}", failure_text=failure_text)


@dataclass(frozen=True)
class ResultSpec:
    """What an upload's result page says of its kind of file (claims, the contract roster)."""

    base: str  # the console's result pages: {base}/{upload_id}
    api: str  # the API's: {api}/{upload_id}, {api}/{upload_id}/errors
    back_url: str
    back_text: str
    again_url: str
    noun: str  # "条理赔": the file's N ... were recorded before
    unchanged: str
    booked: str
    dup: str
    again_note: str
    key_heading: str  # the rejected row's key (a claim number, a masked ID)
    fields: dict[str, str]
    amount: bool
    errors_csv: bool


CLAIM_FILES = ResultSpec("/claims/uploads", "/payment/claims/uploads", "/claims/uploads", "上传记录", UPLOAD.path,
                         "条理赔", "账务未变动", "入账", "重复（已登记，未重复记账）", "已入账的行会算作重复，不会重复记账",
                         "理赔编号", L.UPLOAD_FIELDS, amount=True, errors_csv=True)


async def load(ctx: Ctx, spec: ResultSpec, upload_id: str) -> dict:
    return await ctx.record(f"{spec.api}/{upload_id}")


async def show_result(ctx: Ctx, spec: ResultSpec, upload_id: str, page: int, title: str) -> Response:
    """The result page: the counts, or the progress while the service reads the file; every rejected row."""
    data = await load(ctx, spec, upload_id)
    errors = None
    page = max(1, page)
    if data["status"] == "done" and data["rejected"]:
        errors = await ctx.get(f"{spec.api}/{upload_id}/errors", limit=ERRORS_PER_PAGE,
                               offset=(page - 1) * ERRORS_PER_PAGE)
    return ctx.render("payment/upload_result.html", title=title, u=data, errors=errors, page_no=page,
                      per_page=ERRORS_PER_PAGE, row_reason=row_reason, failure_text=failure_text, spec=spec,
                      progress_url=f"{spec.base}/{upload_id}/progress",
                      url=lambda **kw: f"{spec.base}/{upload_id}?page={kw.get('page', page)}#errors")


@router.get(RESULT.path)
async def result(upload_id: str, ctx: Annotated[Ctx, Depends(guard(RESULT))], page: int = 1) -> Response:
    return await show_result(ctx, CLAIM_FILES, upload_id, page, RESULT.title)


def progress_view(data: dict) -> dict:
    progress = data.get("progress") or {}
    phase = progress.get("phase") or data["status"]
    return {"status": data["status"], "phase": phase, "phase_label": L.label(L.UPLOAD_PHASES, phase),
            "fraction": progress.get("fraction"), "rows": progress.get("rows", data.get("rows", 0))}


@router.get("/claims/uploads/{upload_id}/progress")
async def progress(upload_id: str, ctx: Annotated[Ctx, Depends(guard(RESULT))]) -> Response:
    """How far the service has read the file, for the result page's script (JSON)."""
    return JSONResponse(progress_view(await load(ctx, CLAIM_FILES, upload_id)))


async def translated_csv(ctx: Ctx, api_path: str, header: list[str],
                         convert: Callable[[list[str]], list[str]]) -> StreamingResponse:
    """A CSV of the API passed on line by line with Chinese headings and values (never whole in memory)."""
    r = await ctx.api.download(api_path, ctx.token)
    name = r.headers.get("content-disposition", 'filename="download.csv"').split("filename=")[-1].strip('"')

    async def rows() -> AsyncIterator[bytes]:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        first = True
        try:
            async for line in r.aiter_lines():
                if first or not line.strip():
                    first = False  # the API's own heading
                    continue
                writer.writerow(convert(next(csv.reader([line]))))
                if out.tell() > 65536:
                    yield out.getvalue().encode()
                    out.seek(0), out.truncate()
            yield out.getvalue().encode()
        finally:
            await r.aclose()

    async def with_bom() -> AsyncIterator[bytes]:
        yield "\ufeff".encode()  # so a spreadsheet program reads the Chinese as UTF-8
        async for chunk in rows():
            yield chunk

    return StreamingResponse(with_bom(), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="{name}"'})


def error_row(values: list[str]) -> list[str]:
    line, claim_no, field, reason = (values + [""] * 4)[:4]
    return [line, claim_no, L.label(L.UPLOAD_FIELDS, field), reason_text(reason, field)]


ERROR_HEADER = ["行号", "理赔编号", "字段", "原因"]


@router.get("/claims/uploads/{upload_id}/errors.csv")
async def errors_csv(upload_id: str, ctx: Annotated[Ctx, Depends(guard(RESULT))]) -> Response:
    return await translated_csv(ctx, f"/payment/claims/uploads/{upload_id}/errors.csv", ERROR_HEADER, error_row)
