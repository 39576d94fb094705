"""The outermost layer of every app: the request id, the body cap of the route, and the last-resort 500.

The request id (`X-Request-ID`, generated when absent) becomes the correlation id of the logs and events
and goes back in every response, a 500 included: the exception handlers Starlette runs for an unhandled
error sit outside this layer, after the id is gone, so the unhandled error is answered here.

The body cap follows the route, never the client's content type: only a route that takes a file
(`UploadRoutes`) gets the large cap, and only for the media types it documents; every other body, whatever
its `Content-Type` says, gets the small cap. Both are enforced while the body streams in (413).
"""
from __future__ import annotations

import json
import logging
import re
import uuid
from dataclasses import dataclass
from typing import Callable

from .logs import correlation_id_var

log = logging.getLogger(__name__)
REQUEST_ID_HEADER = "X-Request-ID"
# Where the request id is kept in the ASGI scope (Starlette's `request.state.request_id`).
STATE_KEY = "request_id"

# (method, path) -> the media types the route takes as a large upload, or None for a small body.
UploadTypes = Callable[[str, str], tuple[str, ...] | None]


@dataclass(frozen=True)
class UploadRoute:
    method: str
    pattern: re.Pattern
    media_types: tuple[str, ...]


class UploadRoutes:
    """The routes of a FastAPI app that take files: those whose documented request body is multipart/form-data.

    Read from the app's own OpenAPI document (once, at the first request), so the cap follows what each route
    documents and no list is kept by hand.
    """

    def __init__(self) -> None:
        self._routes: list[UploadRoute] | None = None

    def __call__(self, app, method: str, path: str) -> tuple[str, ...] | None:  # noqa: ANN001
        if self._routes is None:
            self._routes = _upload_routes(app.openapi()) if hasattr(app, "openapi") else []
        for r in self._routes:
            if r.method == method and r.pattern.match(path):
                return r.media_types
        return None


def _upload_routes(document: dict) -> list[UploadRoute]:
    routes = []
    for template, item in document.get("paths", {}).items():
        pattern = re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$")
        for method, operation in item.items():
            content = (operation.get("requestBody") or {}).get("content", {}) if isinstance(operation, dict) else {}
            if "multipart/form-data" in content:
                routes.append(UploadRoute(method.upper(), pattern, ("multipart/form-data",)))
    return routes


class RequestContextMiddleware:
    def __init__(self, app, max_body_bytes: int, max_upload_bytes: int | None = None,  # noqa: ANN001
                 upload_types: UploadTypes | None = None) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes or max_body_bytes
        self.upload_types = upload_types
        self._app_uploads = UploadRoutes()

    def limit_for(self, scope: dict, headers: dict[bytes, bytes]) -> int:
        method, path = scope["method"], scope["path"]
        if self.upload_types is not None:
            media_types = self.upload_types(method, path)
        else:
            media_types = self._app_uploads(scope.get("app"), method, path)
        if not media_types:
            return self.max_body_bytes
        declared = headers.get(b"content-type", b"").decode("latin-1").split(";")[0].strip().lower()
        return self.max_upload_bytes if declared in media_types else self.max_body_bytes

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        request_id = headers.get(b"x-request-id", b"").decode("latin-1")[:100] or str(uuid.uuid4())
        scope.setdefault("state", {})[STATE_KEY] = request_id
        token = correlation_id_var.set(request_id)
        try:
            limit = self.limit_for(scope, headers)
            declared = headers.get(b"content-length")
            if declared is not None and declared.isdigit() and int(declared) > limit:
                await send_json(send, 413, _too_large(limit), request_id)
                return
            await self._call(scope, receive, send, limit, request_id)
        finally:
            correlation_id_var.reset(token)

    async def _call(self, scope, receive, send, limit: int, request_id: str) -> None:  # noqa: ANN001
        received = 0
        too_large = False
        started = False

        async def limited_receive():  # noqa: ANN202
            nonlocal received, too_large
            if too_large:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    too_large = True
                    raise _BodyTooLarge()
            return message

        async def send_with_id(message):  # noqa: ANN001, ANN202
            nonlocal started
            if too_large:
                return  # the app's answer to a cut-off body (FastAPI makes it a 400) gives way to the 413
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = list(message.get("headers", [])) + [(b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_id)
        except Exception:
            if too_large:
                pass
            elif started:
                log.exception("unhandled error after the response started")
                raise
            else:
                log.exception("unhandled error")
                await send_json(send, 500, internal_error_body(request_id), request_id)
                return
        if too_large and not started:
            await send_json(send, 413, _too_large(limit), request_id)


class _BodyTooLarge(Exception):
    pass


def _too_large(limit: int) -> dict:
    return {"error": {"code": "payload_too_large", "message": f"request body exceeds {limit} bytes"}}


def internal_error_body(request_id: str | None) -> dict:
    return {"error": {"code": "internal", "message": "internal error", "request_id": request_id}}


def request_id_of(scope: dict) -> str | None:
    return correlation_id_var.get() or scope.get("state", {}).get(STATE_KEY)


async def send_json(send, status: int, body: dict, request_id: str) -> None:  # noqa: ANN001
    raw = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode()),
        (b"x-request-id", request_id.encode())]})
    await send({"type": "http.response.body", "body": raw})
