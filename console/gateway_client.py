"""The console's only way to the platform: the gateway's public HTTP API, with the user's token."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field as dc_field
from typing import Any, AsyncIterator

import httpx

from platform_common.logs import correlation_id_var

log = logging.getLogger(__name__)


@dataclass
class ApiError(Exception):
    """A 4xx answer: the error body's code, message, the field it names and any per-field list."""

    status: int
    code: str
    message: str
    field: str | None = None
    fields: list[dict[str, Any]] = dc_field(default_factory=list)
    details: dict[str, Any] = dc_field(default_factory=dict)

    @classmethod
    def from_response(cls, r: httpx.Response) -> "ApiError":
        try:
            err = r.json().get("error", {})
        except ValueError:
            err = {}
        return cls(r.status_code, err.get("code", "http_error"), err.get("message", ""), err.get("field"),
                   err.get("fields") or [], err.get("details") or {})


class GatewayUnavailable(Exception):
    """The gateway or the service behind it did not answer (down, 502/503/504, timeout)."""


class SessionExpired(Exception):
    """The gateway refused the token (401): expired, or signed with a key that has since changed."""


class GatewayClient:
    def __init__(self, base_url: str, connect_timeout: float, read_timeout: float,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        timeout = httpx.Timeout(read_timeout, connect=connect_timeout)
        self.http = httpx.AsyncClient(base_url=base_url, timeout=timeout, transport=transport,
                                      limits=httpx.Limits(max_connections=100, max_keepalive_connections=20))

    async def aclose(self) -> None:
        await self.http.aclose()

    async def login(self, username: str, password: str) -> dict[str, Any]:
        r = await self._send("POST", "/auth/token", None, data={"username": username, "password": password})
        if r.status_code >= 500:
            raise GatewayUnavailable(f"{r.status_code}")
        if r.status_code != 200:
            raise ApiError.from_response(r)
        return r.json()

    async def call(self, method: str, path: str, token: str, *, params: Any = None,
                   json: Any = None) -> Any:
        r = await self._send(method, path, token, params=params, json=json)
        return self._answer(r, method, path)

    async def get(self, path: str, token: str, params: Any = None) -> Any:
        return await self.call("GET", path, token, params=params)

    async def post(self, path: str, token: str, json: Any = None) -> Any:
        return await self.call("POST", path, token, json=json if json is not None else {})

    async def upload(self, path: str, token: str, content_type: str, body: AsyncIterator[bytes],
                     respond_async: bool = True) -> Any:
        """POSTs a multipart body as it is produced (never whole in memory): the console passes a file on to the
        gateway while the browser is still sending it. `respond_async`: the service answers once the file is
        stored (202) and reads it in the background."""
        headers = {"Content-Type": content_type}
        if respond_async:
            headers["Prefer"] = "respond-async"
        r = await self._send("POST", path, token, content=body, extra_headers=headers)
        return self._answer(r, "POST", path)

    async def download(self, path: str, token: str, params: Any = None) -> httpx.Response:
        """A file from the API (CSV, XLSX), opened as a stream: the caller passes it on and closes it."""
        headers = {"Authorization": f"Bearer {token}"}
        if (request_id := correlation_id_var.get()) is not None:
            headers["X-Request-ID"] = request_id
        try:
            r = await self.http.send(self.http.build_request("GET", path, params=params, headers=headers),
                                     stream=True)
        except httpx.HTTPError as e:
            raise GatewayUnavailable(type(e).__name__) from e
        if r.status_code >= 400:
            await r.aread()
            await r.aclose()
            self._answer(r, "GET", path)
        return r

    def _answer(self, r: httpx.Response, method: str, path: str) -> Any:
        if r.status_code == 401:
            raise SessionExpired()
        if r.status_code >= 500:
            log.warning("gateway answered %s for %s %s", r.status_code, method, path)
            raise GatewayUnavailable(f"{r.status_code}")
        if r.status_code >= 400:
            raise ApiError.from_response(r)
        return r.json()

    async def _send(self, method: str, path: str, token: str | None, extra_headers: dict | None = None,
                    **kw: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        headers |= extra_headers or {}
        if (request_id := correlation_id_var.get()) is not None:
            headers["X-Request-ID"] = request_id
        try:
            return await self.http.request(method, path, headers=headers, **kw)
        except httpx.HTTPError as e:
            log.warning("gateway unreachable for %s %s: %s", method, path, type(e).__name__)
            raise GatewayUnavailable(type(e).__name__) from e
