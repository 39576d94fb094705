"""Login, logout and the home page."""
from __future__ import annotations

import time
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from ..access import menu_for
from ..gateway_client import ApiError, GatewayUnavailable
from ..messages import translate_message
from ..session import User, new_session
from ..web import Ctx, Form, anonymous, guard

router = APIRouter()


def _safe_next(target: str | None) -> str:
    """Only a path of this console: an open redirect would carry a fresh login elsewhere."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@router.get("/login")
async def login_page(request: Request, next: str | None = None) -> Response:
    ctx = anonymous(request)
    notice = ctx.session.notice
    if notice:
        ctx.set_session(ctx.session.with_(notice=None))  # said once
    return ctx.render("login.html", form=Form({"next": _safe_next(next)}), notice=notice, title="登录")


@router.post("/login")
async def login(request: Request) -> Response:
    ctx = anonymous(request)
    form = await ctx.form()
    username, password = form.v("username"), form.values.get("password", "")
    if not username:
        form.add("username", "请填写用户名")
    if not password:
        form.add("password", "请填写密码")
    if not form.failed:
        try:
            answer = await ctx.api.login(username, password)
            me = await ctx.api.get("/me", answer["access_token"])
        except ApiError as e:
            text = translate_message(e.message, e.code, e.field)
            form.add("password" if e.status == 401 else "username", text)
        except GatewayUnavailable:
            form.unavailable = True
    if form.failed:
        form.values.pop("password", None)  # never echoed back into the page
        return ctx.render("login.html", 401 if form.errors else 503, form=form, notice=None, title="登录")
    user = User(username=me["sub"], role=me["role"], org_id=me["org"], org_kind=me["org_kind"],
                consortium_id=me.get("consortium"))
    # a new session (and a new CSRF token) at login: nothing from before it carries over
    session = new_session().with_(token=answer["access_token"], user=user,
                                  expires_at=time.time() + int(answer["expires_in"]) - 30)
    ctx.set_session(session)
    return ctx.redirect(_safe_next(form.v("next")))


@router.post("/logout")
async def logout(request: Request) -> Response:
    ctx = anonymous(request)
    await ctx.form()
    ctx.set_session(new_session(notice="您已安全退出。"))
    return ctx.redirect("/login")


@router.get("/")
async def home(ctx: Annotated[Ctx, Depends(guard(None))]) -> Response:
    return ctx.render("home.html", title="首页", groups=menu_for(ctx.user))
