"""What every page handler gets: the user, the gateway with their token, rendering, redirects, forms.

`ctx = Depends(page.guard)` on a route: not logged in -> the login page; logged in at another desk -> the 403
page; otherwise a `Ctx`. Handlers return `ctx.render(...)` or `ctx.redirect(...)` (post/redirect/get).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any, Awaitable, Callable
from urllib.parse import quote

from fastapi import Request
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.background import BackgroundTask
from starlette.responses import HTMLResponse, RedirectResponse, StreamingResponse

from .access import Page, menu_for
from .gateway_client import ApiError, GatewayClient, GatewayUnavailable, SessionExpired
from .messages import field_errors
from .registry import Registry
from .session import CSRF_FIELD, Session, User, csrf_ok


class NotLoggedIn(Exception):
    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


class NotAllowed(Exception):
    """A page of another desk: answered with the 403 page."""


class CsrfRefused(Exception):
    """A form posted without the session's CSRF token."""


@dataclass
class Form:
    """What the user typed, and the errors to show beside each field (keys are the API's field paths)."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    general: str | None = None  # an error that names no field, shown at the top
    unavailable: bool = False  # the platform did not answer: the form is shown again as typed
    prefix: str = ""  # for the ids of its fields, when a page holds several forms (the detail's actions)
    # API field -> the input that holds it, where they differ (fund_amount_fen is typed in yuan)
    aliases: dict[str, str] = field(default_factory=dict)
    # API field -> what to say when the API refuses it, where the page knows more (why a name is still empty)
    explain: dict[str, str] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)  # the API error's details (a 409's rule and slot)

    @classmethod
    def from_data(cls, data: FormData) -> "Form":
        values: dict[str, Any] = {}
        for key in data.keys():
            if key == CSRF_FIELD:
                continue
            items = data.getlist(key)
            values[key] = items if len(items) > 1 else str(items[0]).strip()
        return cls(values)

    def v(self, name: str, default: Any = "") -> Any:
        value = self.values.get(name)
        return default if value in (None, "") else value

    def err(self, name: str) -> str | None:
        return self.errors.get(name)

    @property
    def failed(self) -> bool:
        return bool(self.errors or self.general or self.unavailable)

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(self.aliases.get(name, name), message)

    def take(self, err: ApiError, org_name: Callable[[str], str]) -> None:
        errors, general = field_errors(err, org_name)
        self.details = err.details
        for name, message in errors.items():
            self.add(name, self.explain.get(name, message))
        if general:
            self.general = general


@dataclass
class Ctx:
    request: Request
    session: Session
    user: User | None
    api: GatewayClient
    registry: Registry | None
    page: Page | None

    @property
    def app(self):  # noqa: ANN201
        return self.request.app

    @property
    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    @property
    def today(self) -> date:
        """Today where the consortium is (the platform's time zone), not on the server's clock."""
        return self.now.astimezone(self.app.state.settings.tz()).date()

    @property
    def token(self) -> str:
        return self.session.token or ""

    async def get(self, path: str, **params: Any) -> Any:
        clean = {k: v for k, v in params.items() if v not in (None, "", [])}
        return await self.api.get(path, self.token, clean)

    async def record(self, path: str, *, hidden: tuple[int, ...] = (403, 404, 422), **params: Any) -> Any:
        """A record a page opens by its id: one that does not exist, or (by default) is not the user's to see, or
        whose id is malformed, is the 404 page, never the API's error."""
        try:
            return await self.get(path, **params)
        except ApiError as e:
            if e.status in hidden:
                raise HTTPException(404) from e
            raise

    async def post(self, path: str, body: dict | None = None) -> Any:
        return await self.api.post(path, self.token, body)

    async def put(self, path: str, body: dict) -> Any:
        return await self.api.call("PUT", path, self.token, json=body)

    async def download(self, path: str, **params: Any) -> StreamingResponse:
        """A file of the API (CSV, XLSX) passed on to the browser as it arrives."""
        clean = {k: v for k, v in params.items() if v not in (None, "", [])}
        r = await self.api.download(path, self.token, clean)
        headers = {k: r.headers[k] for k in ("content-type", "content-disposition") if k in r.headers}
        return StreamingResponse(r.aiter_bytes(), headers=headers, background=BackgroundTask(r.aclose))

    async def attempt(self, form: Form, call: Awaitable[Any]) -> Any:
        """Run one API call for a form: its errors go beside the fields, an outage keeps the form as typed.
        Returns None when the call did not succeed (the form then says why)."""
        try:
            return await call
        except ApiError as e:
            form.take(e, self.org_name)
        except GatewayUnavailable:
            form.unavailable = True
        return None

    def org_name(self, org_id: str | None) -> str:
        return self.registry.name(org_id) if self.registry else (org_id or "—")

    async def form(self) -> Form:
        """The posted form, after its CSRF token was checked."""
        data = await self.request.form()
        if not csrf_ok(self.session, data.get(CSRF_FIELD)):
            raise CsrfRefused()
        return Form.from_data(data)

    def set_session(self, session: Session) -> None:
        self.session = session
        self.request.state.session = session

    def flash(self, message: str) -> None:
        self.set_session(self.session.with_(flash=message))

    def render(self, template: str, status: int = 200, **variables: Any) -> HTMLResponse:
        flash = self.session.flash
        if flash:
            self.set_session(self.session.with_(flash=None))
        env = self.app.state.templates
        html = env.get_template(template).render(
            request=self.request, user=self.user, menu=menu_for(self.user), page=self.page, flash=flash,
            csrf=self.session.csrf, now=self.now, org_name=self.org_name, registry=self.registry,
            path=self.request.url.path, refresh_seconds=self.app.state.settings.worklist_refresh_seconds,
            **variables)
        return HTMLResponse(html, status_code=status)

    def redirect(self, url: str, flash: str | None = None) -> RedirectResponse:
        if flash:
            self.flash(flash)
        return RedirectResponse(url, status_code=303)


def compact(value: Any) -> Any:
    """A form's blanks left out of the API body, so the API names each missing field itself (a group left
    empty stays as {}, so its own fields are named, not the group)."""
    if isinstance(value, dict):
        return {k: c for k, v in value.items() if (c := compact(v)) not in (None, "", [])}
    if isinstance(value, list):
        return [c for v in value if (c := compact(v)) not in (None, "", {}, [])]
    return value


def status_for(form: Form) -> int:
    return 503 if form.unavailable else 422


def login_url(next_url: str | None = None) -> str:
    return "/login" + (f"?next={quote(next_url, safe='')}" if next_url else "")


def guard(page: Page | None) -> Callable:
    """The FastAPI dependency of a page: logged in, at one of the page's desks (None: any logged-in user)."""

    async def dependency(request: Request) -> Ctx:
        session: Session = request.state.session
        if session.user is None or session.token is None:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise NotLoggedIn(target if request.method == "GET" else request.url.path)
        if session.expired:
            raise SessionExpired()
        if page is not None and not page.allows(session.user):
            raise NotAllowed()
        api: GatewayClient = request.app.state.api
        registry = await request.app.state.registry.get(session.token)
        return Ctx(request, session, session.user, api, registry, page)

    return dependency


def anonymous(request: Request) -> Ctx:
    return Ctx(request, request.state.session, request.state.session.user, request.app.state.api, None, None)
