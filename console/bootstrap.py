"""create_app(): the console's composition root (pages, static assets, session, error pages)."""
from __future__ import annotations

import logging
import uuid
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, RedirectResponse, Response

from platform_common.logs import configure_logging, correlation_id_var

from .gateway_client import GatewayClient, GatewayUnavailable, SessionExpired
from .registry import RegistryCache
from .render import make_environment
from .session import SessionCodec, new_session
from .settings import ConsoleSettings
from .web import CsrfRefused, NotAllowed, NotLoggedIn, anonymous, login_url

STATIC = Path(__file__).parent / "static"
log = logging.getLogger(__name__)

# Everything the pages load comes from the console itself: no CDN, no inline script.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def create_app(settings: ConsoleSettings | None = None,
               transport: httpx.AsyncBaseTransport | None = None) -> FastAPI:
    settings = settings or ConsoleSettings()
    configure_logging("console", settings.log_level)
    codec = SessionCodec(settings.session_secret, settings.secure_cookies)

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # noqa: ANN202
        app.state.api = GatewayClient(settings.gateway_url, settings.connect_timeout_seconds,
                                      settings.read_timeout_seconds, transport)
        app.state.registry = RegistryCache(app.state.api, settings.registry_cache_seconds)
        try:
            yield
        finally:
            await app.state.api.aclose()

    app = FastAPI(title="医共体工作台", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.templates = make_environment(settings.tz())
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.middleware("http")
    async def session_and_headers(request: Request, call_next):  # noqa: ANN001, ANN202
        request_id = request.headers.get("x-request-id", "")[:100] or str(uuid.uuid4())
        token = correlation_id_var.set(request_id)
        try:
            request.state.session = codec.load(request)
            response: Response = await call_next(request)
            if request.state.session.changed:
                codec.save(request, response, request.state.session)
        finally:
            correlation_id_var.reset(token)
        response.headers.update(SECURITY_HEADERS)
        if not request.url.path.startswith("/static/"):
            # pages carry patients' names: never kept in a shared cache or the browser's history cache
            response.headers["Cache-Control"] = "no-store"
        response.headers["X-Request-ID"] = request_id
        return response

    @app.exception_handler(NotLoggedIn)
    async def _not_logged_in(request: Request, exc: NotLoggedIn) -> Response:
        return RedirectResponse(login_url(exc.next_url), status_code=303)

    @app.exception_handler(SessionExpired)
    async def _expired(request: Request, _exc: SessionExpired) -> Response:
        request.state.session = new_session(notice="登录已过期，请重新登录。")
        target = request.url.path if request.method == "GET" else "/"
        return RedirectResponse(login_url(target), status_code=303)

    @app.exception_handler(NotAllowed)
    async def _forbidden(request: Request, _exc: NotAllowed) -> Response:
        return anonymous(request).render("error.html", 403, title="无权访问",
                                         message="这个页面不属于您的岗位。请从左侧菜单进入您可以办理的业务。")

    @app.exception_handler(CsrfRefused)
    async def _csrf(request: Request, _exc: CsrfRefused) -> Response:
        return anonymous(request).render("error.html", 403, title="表单已失效",
                                         message="表单已过期或不是从本系统提交的，未做任何更改。请返回上一页，刷新后重新提交。")

    @app.exception_handler(GatewayUnavailable)
    async def _down(request: Request, _exc: GatewayUnavailable) -> Response:
        return anonymous(request).render("error.html", 503, title="服务暂时不可用",
                                         message="平台暂时没有响应，可能正在重启或维护。请稍候一两分钟再刷新页面；"
                                                 "如果持续出现，请联系信息科。")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        titles = {404: "页面不存在", 405: "不支持的操作"}
        return anonymous(request).render("error.html", exc.status_code, title=titles.get(exc.status_code, "请求有误"),
                                         message="请从左侧菜单或首页进入。")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error")
        return anonymous(request).render("error.html", 500, title="系统出错了",
                                         message=f"请求未能完成（编号 {correlation_id_var.get()}）。请稍后重试，"
                                                 "或把编号告诉信息科。")

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> JSONResponse:
        return JSONResponse({"status": "ok"})

    from .pages import routers

    for router in routers():
        app.include_router(router)
    return app
