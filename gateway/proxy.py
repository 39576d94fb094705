"""Forwarding to the services through one pooled `httpx.AsyncClient`.

The service receives exactly the path the route policy matched: the decoded path's segments, each
percent-encoded again, so an encoded `?`, `#`, `/`, `..` or control character stays inside its segment
(never a new query, fragment or route). A redirect a service answers is mapped to the gateway's own
address; one the gateway cannot map is refused, so no internal address leaks out.

A downstream failure becomes a clear JSON error with the request id: 502 (bad answer / connection
refused), 503 (pool exhausted), 504 (timeout) — never a hang.
"""
from __future__ import annotations

import importlib.util
import logging
import sys
from urllib.parse import quote, urlsplit

import httpx
from fastapi import Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.background import BackgroundTask

from platform_common.logs import correlation_id_var, log_fields

from .replicas import Replica, ReplicaSet, may_retry

log = logging.getLogger(__name__)

# httpcore runs `import sniffio` several times per pooled request; sniffio is not installed (anyio 4
# does without it), and a failed import searches sys.path again every time: 90 µs a call, ~8% of the
# gateway's CPU under load (py-spy, bench/README.md). A None entry makes that import fail at once.
if importlib.util.find_spec("sniffio") is None:
    sys.modules.setdefault("sniffio", None)

# Hop-by-hop headers (RFC 9110 §7.6.1) are never forwarded.
_HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
               "transfer-encoding", "upgrade", "host", "content-length"}
# The gateway's own server writes these on every response; the service's copies would come twice.
_OWN_RESPONSE_HEADERS = _HOP_BY_HOP | {"x-request-id", "date", "server", "location"}


def new_client(connect_timeout: float, read_timeout: float, max_connections: int,
               transport: httpx.AsyncBaseTransport | None = None) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=httpx.Timeout(connect=connect_timeout, read=read_timeout, write=read_timeout, pool=2.0),
        limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
        transport=transport,
    )


def _error(status: int, code: str, message: str, service: str) -> JSONResponse:
    log.warning("upstream request failed", extra=log_fields(service=service, status=status, code=code))
    return JSONResponse({"error": {"code": code, "message": message, "service": service,
                                   "request_id": correlation_id_var.get()}}, status_code=status)


def upstream_path(path: str) -> bytes:
    """The matched path (decoded, without the service prefix) with each segment percent-encoded again."""
    return ("/" + "/".join(_encode_segment(s) for s in path.split("/"))).encode("ascii")


def _encode_segment(segment: str) -> str:
    # Dot segments are encoded too: an HTTP client removes a literal `..` with the segment before it.
    return {".": "%2E", "..": "%2E%2E"}.get(segment) or quote(segment, safe="")


def public_location(location: str, service: str, replicas: dict[str, list[str]]) -> str | None:
    """A service's `Location` as an address of the gateway, or None when it points somewhere the gateway does not serve."""
    target = urlsplit(location)
    query = f"?{target.query}" if target.query else ""
    if not target.scheme and not target.netloc:
        # Relative to the service's root; a relative path (no slash) resolves against the public URL as is.
        return f"/{service}{target.path}{query}" if target.path.startswith("/") else location
    for name, urls in replicas.items():
        for url in urls:
            base = urlsplit(url)
            if (target.scheme, target.netloc) == (base.scheme, base.netloc):
                return f"/{name}{target.path}{query}"
    return None


async def forward(client: httpx.AsyncClient, request: Request, replicas: ReplicaSet, bases: dict[str, list[str]],
                  path: str, buffered_max_bytes: int = 65536) -> Response:
    """Send the request to a replica of the service; an idempotent one goes to the next replica when a replica
    refused the connection or broke it before answering (gateway/replicas.py)."""
    service = replicas.service
    headers = [(k, v) for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP | {"x-request-id"}]
    headers.append(("x-request-id", correlation_id_var.get() or ""))
    body = request.stream() if _has_body(request) else None
    params = request.query_params.multi_items()
    retry = may_retry(request.method)
    tried: list[Replica] = []
    while (replica := replicas.choose(tried)) is not None:
        tried.append(replica)
        try:
            url = httpx.URL(replica.url).copy_with(raw_path=upstream_path(path))
            upstream = client.build_request(request.method, url, params=params, headers=headers, content=body)
        except httpx.InvalidURL as e:
            # Not expected since the path is re-encoded, but an address httpx refuses is the client's input.
            log.warning("request refused: no valid upstream URL", extra=log_fields(service=service, error=str(e)))
            return JSONResponse({"error": {"code": "invalid_path", "message": "the request path or query is not valid",
                                           "request_id": correlation_id_var.get()}}, status_code=400)
        replica.outstanding += 1
        replica.forwarded += 1
        try:
            response = await client.send(upstream, stream=True)
        except (httpx.ConnectError, httpx.ConnectTimeout) as e:
            replica.outstanding -= 1
            replica.take_out(f"connection: {type(e).__name__}")
            if retry:
                continue
            # Nothing was sent: the client may safely send the same request again.
            return _error(502, "upstream_unavailable", f"{service} service is unreachable", service)
        except httpx.PoolTimeout:
            replica.outstanding -= 1
            return _error(503, "upstream_busy", f"{service} service has no free connection", service)
        except httpx.TimeoutException:
            replica.outstanding -= 1
            return _error(504, "upstream_timeout", f"{service} service did not answer in time", service)
        except httpx.TransportError:
            replica.outstanding -= 1
            if retry:
                continue  # broke before any answer: a request that changes nothing goes to the next replica
            return _lost(service)
        return await _relay(response, replica, service, bases, buffered_max_bytes)
    if retry and len(tried) > 1:
        return _error(502, "upstream_unavailable", f"no replica of the {service} service answered", service)
    return _error(502, "upstream_unavailable", f"{service} service is unreachable", service)


def _lost(service: str) -> JSONResponse:
    # The connection broke after the request went out: it may or may not have been applied.
    return _error(502, "upstream_connection_lost",
                  f"the connection to the {service} service broke; the request may have been applied", service)


async def _relay(response: httpx.Response, replica: Replica, service: str, bases: dict[str, list[str]],
                 buffered_max_bytes: int) -> Response:
    """The replica's answer, back to the client (the replica's outstanding count ends with it)."""
    try:
        out_headers = {k: v for k, v in response.headers.items() if k.lower() not in _OWN_RESPONSE_HEADERS}
        if "location" in response.headers:
            location = public_location(response.headers["location"], service, bases)
            if location is None:
                await response.aclose()
                replica.outstanding -= 1
                return _error(502, "upstream_redirect_refused",
                              f"{service} service redirected to an address the gateway does not serve", service)
            out_headers["location"] = location
        if int(response.headers.get("content-length", "-1")) in range(0, buffered_max_bytes):
            # Read inside the try: a service that dies between its headers and its body is a lost
            # connection (the request may have been applied), not an unhandled error.
            try:
                content = await response.aread()
            finally:
                await response.aclose()
                replica.outstanding -= 1
            return Response(content, status_code=response.status_code, headers=out_headers)
    except httpx.TimeoutException:
        return _error(504, "upstream_timeout", f"{service} service did not answer in time", service)
    except httpx.TransportError:
        return _lost(service)

    async def done() -> None:
        replica.outstanding -= 1
        await response.aclose()

    # A large body streams through; a break mid-stream can only cut the response short.
    return StreamingResponse(response.aiter_raw(), status_code=response.status_code, headers=out_headers,
                             background=BackgroundTask(done))


def _has_body(request: Request) -> bool:
    return request.method in ("POST", "PUT", "PATCH", "DELETE") and (
        request.headers.get("content-length", "0") != "0" or "transfer-encoding" in request.headers)
