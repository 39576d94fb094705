"""Forwarding to the services through one pooled `httpx.AsyncClient`.

A downstream failure becomes a clear JSON error: 502 (bad answer / connection refused),
503 (pool exhausted), 504 (timeout) — never a hang.
"""
from __future__ import annotations

import importlib.util
import sys

import httpx
from fastapi import Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.background import BackgroundTask

from platform_common.logs import correlation_id_var

# httpcore runs `import sniffio` several times per pooled request; sniffio is not installed (anyio 4
# does without it), and a failed import searches sys.path again every time: 90 µs a call, ~8% of the
# gateway's CPU under load (py-spy, bench/README.md). A None entry makes that import fail at once.
if importlib.util.find_spec("sniffio") is None:
    sys.modules.setdefault("sniffio", None)

# Hop-by-hop headers (RFC 9110 §7.6.1) are never forwarded.
_HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
               "transfer-encoding", "upgrade", "host", "content-length"}


def new_client(connect_timeout: float, read_timeout: float, max_connections: int) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=httpx.Timeout(connect=connect_timeout, read=read_timeout, write=read_timeout, pool=2.0),
        limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
    )


def _error(status: int, code: str, message: str, service: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, "service": service,
                                   "request_id": correlation_id_var.get()}}, status_code=status)


async def forward(client: httpx.AsyncClient, request: Request, service: str, base_url: str, path: str) -> Response:
    headers = [(k, v) for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP | {"x-request-id"}]
    headers.append(("x-request-id", correlation_id_var.get() or ""))
    body = request.stream() if _has_body(request) else None
    upstream = client.build_request(
        request.method, f"{base_url}/{path}", params=request.query_params.multi_items(), headers=headers, content=body,
    )
    try:
        response = await client.send(upstream, stream=True)
        out_headers = {k: v for k, v in response.headers.items() if k.lower() not in _HOP_BY_HOP | {"x-request-id"}}
        if int(response.headers.get("content-length", "-1")) in range(0, 65536):
            # Read inside the try: a service that dies between its headers and its body is a lost
            # connection (the request may have been applied), not an unhandled error.
            try:
                content = await response.aread()
            finally:
                await response.aclose()
            return Response(content, status_code=response.status_code, headers=out_headers)
    except httpx.TimeoutException as e:
        if isinstance(e, httpx.PoolTimeout):
            return _error(503, "upstream_busy", f"{service} service has no free connection", service)
        return _error(504, "upstream_timeout", f"{service} service did not answer in time", service)
    except httpx.ConnectError:
        # Nothing was sent: the client may safely send the same request again.
        return _error(502, "upstream_unavailable", f"{service} service is unreachable", service)
    except httpx.TransportError:
        # The connection broke after the request went out: it may or may not have been applied.
        return _error(502, "upstream_connection_lost",
                      f"the connection to the {service} service broke; the request may have been applied", service)
    # A large body streams through; a break mid-stream can only cut the response short.
    return StreamingResponse(response.aiter_raw(), status_code=response.status_code, headers=out_headers,
                             background=BackgroundTask(response.aclose))


def _has_body(request: Request) -> bool:
    return request.method in ("POST", "PUT", "PATCH", "DELETE") and (
        request.headers.get("content-length", "0") != "0" or "transfer-encoding" in request.headers)
