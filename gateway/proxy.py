"""Forwarding to the services through one pooled client (gateway/upstream.py).

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
from typing import AsyncIterator
from urllib.parse import quote, urlsplit

import httpx
from fastapi import Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from platform_common.logs import correlation_id_var, log_fields

from .replicas import Replica, ReplicaSet, may_retry
from .upstream import AiohttpUpstream, Answer, Busy, HttpxUpstream, Lost, Refused, TimedOut, Upstream

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
_NOT_FORWARDED = _HOP_BY_HOP | {"x-request-id"}


def new_upstream(connect_timeout: float, read_timeout: float, max_connections: int,
                 transport: httpx.AsyncBaseTransport | None = None) -> Upstream:
    if transport is not None:
        return HttpxUpstream(transport, connect_timeout, read_timeout)
    return AiohttpUpstream(connect_timeout, read_timeout, max_connections)


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


async def forward(upstream: Upstream, request: Request, replicas: ReplicaSet, bases: dict[str, list[str]],
                  path: str, buffered_max_bytes: int = 65536) -> Response:
    """Send the request to a replica of the service; an idempotent one goes to the next replica when a replica
    refused the connection or broke it before answering (gateway/replicas.py)."""
    service = replicas.service
    headers = [(k, v) for k, v in request.headers.items() if k not in _NOT_FORWARDED]
    headers.append(("x-request-id", correlation_id_var.get() or ""))
    body = request.stream() if _has_body(request) else None
    target = upstream_path(path).decode("ascii")
    if request.scope["query_string"]:
        target += "?" + str(httpx.QueryParams(request.query_params.multi_items()))
    retry = may_retry(request.method)
    tried: list[Replica] = []
    lost = False
    while (replica := replicas.choose(tried) or _once_more(replicas, tried, retry and lost)) is not None:
        tried.append(replica)
        replica.outstanding += 1
        replica.forwarded += 1
        try:
            answer = await upstream.send(request.method, replica.url + target, headers, body)
        except ValueError as e:
            replica.outstanding -= 1
            # Not expected since the path is re-encoded, but an address the client refuses is the client's input.
            log.warning("request refused: no valid upstream URL", extra=log_fields(service=service, error=str(e)))
            return JSONResponse({"error": {"code": "invalid_path", "message": "the request path or query is not valid",
                                           "request_id": correlation_id_var.get()}}, status_code=400)
        except Refused as e:
            replica.outstanding -= 1
            replica.take_out(f"connection: {type(e.__cause__ or e).__name__}")
            lost = False
            if retry:
                continue
            # Nothing was sent: the client may safely send the same request again.
            return _error(502, "upstream_unavailable", f"{service} service is unreachable", service)
        except Busy:
            replica.outstanding -= 1
            return _error(503, "upstream_busy", f"{service} service has no free connection", service)
        except TimedOut:
            replica.outstanding -= 1
            return _error(504, "upstream_timeout", f"{service} service did not answer in time", service)
        except Lost:
            replica.outstanding -= 1
            if retry:
                lost = True
                continue  # broke before any answer: a request that changes nothing goes to the next replica
            return _lost(service)
        return await _relay(answer, replica, service, bases, buffered_max_bytes)
    if retry and len(tried) > 1 and len(replicas.replicas) > 1:
        return _error(502, "upstream_unavailable", f"no replica of the {service} service answered", service)
    if lost:
        return _lost(service)
    return _error(502, "upstream_unavailable", f"{service} service is unreachable", service)


def _once_more(replicas: ReplicaSet, tried: list[Replica], after_broken_connection: bool) -> Replica | None:
    """One more attempt for a request that changes nothing, when every replica was tried and the last one broke a
    kept-alive connection (closed by the replica while idle): a fresh connection may well be answered."""
    if after_broken_connection and len(tried) == len(replicas.replicas):
        return replicas.choose()
    return None


def _lost(service: str) -> JSONResponse:
    # The connection broke after the request went out: it may or may not have been applied.
    return _error(502, "upstream_connection_lost",
                  f"the connection to the {service} service broke; the request may have been applied", service)


async def _relay(answer: Answer, replica: Replica, service: str, bases: dict[str, list[str]],
                 buffered_max_bytes: int) -> Response:
    """The replica's answer, back to the client (the replica's outstanding count ends with it)."""
    out_headers: dict[str, str] = {}
    location: str | None = None
    length = -1
    for name, value in answer.headers:
        key = name.lower()
        if key == "location":
            location = value
        elif key == "content-length" and value.isdigit():
            length = int(value)
        if key not in _OWN_RESPONSE_HEADERS:
            out_headers[name] = value
    if location is not None:
        public = public_location(location, service, bases)
        if public is None:
            await answer.close()
            replica.outstanding -= 1
            return _error(502, "upstream_redirect_refused",
                          f"{service} service redirected to an address the gateway does not serve", service)
        out_headers["location"] = public
    if 0 <= length < buffered_max_bytes:
        # Read here: a service that dies between its headers and its body is a lost connection (the request
        # may have been applied), not an unhandled error.
        try:
            content = await answer.read()
        except TimedOut:
            return _error(504, "upstream_timeout", f"{service} service did not answer in time", service)
        except Lost:
            return _lost(service)
        finally:
            await answer.close()
            replica.outstanding -= 1
        return Response(content, status_code=answer.status, headers=out_headers)

    # A large body streams through; a break mid-stream can only cut the response short.
    return StreamingResponse(_streamed(answer, replica), status_code=answer.status, headers=out_headers)


async def _streamed(answer: Answer, replica: Replica) -> AsyncIterator[bytes]:
    try:
        async for chunk in answer.chunks():
            yield chunk
    finally:  # the end, a break, or the client gone (the stream cancelled): the replica's request is over
        replica.outstanding -= 1
        await answer.close()


def _has_body(request: Request) -> bool:
    return request.method in ("POST", "PUT", "PATCH", "DELETE") and (
        request.headers.get("content-length", "0") != "0" or "transfer-encoding" in request.headers)
