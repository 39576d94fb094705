"""The forwarding path as a plain ASGI layer in front of FastAPI's router: `/<service>/<path>` of a known service.

The same checks, in the same order and with the same answers, as the catch-all FastAPI route it stands in front of
(api.py, still there for any other first segment): the bearer token (401), the route known to the policy (404),
the method (405 with `Allow`), the role (403), then `forward()`. It runs inside the request context (request id,
body caps) like every route. What it leaves out is FastAPI's machinery per request: the dependency solver, which
ran the token check in a worker thread (a thread hand-off each request), and the router's walk over every route;
measured in bench/README.md ("The gateway's hop").
"""
from __future__ import annotations

from typing import Any, Callable

from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request

from platform_common.auth import Principal, VerifiedTokens
from platform_common.errors import Forbidden, NotFound, ServiceError
from platform_common.web import bearer_principal

from .policy import RoutePolicy
from .proxy import forward
from .replicas import ReplicaSet

# The methods of the catch-all route; any other goes on to FastAPI, which answers it as before.
METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})


def authorise(policy: RoutePolicy, method: str, service: str, path: str, principal: Principal) -> JSONResponse | None:
    """The policy's verdict on one call: NotFound (a route the service does not have) and Forbidden (a role the
    route does not admit) are raised; a known route called with another method is answered 405 with `Allow`;
    None lets the call through."""
    known, rule = policy.find(method, "/" + path)
    if not known:
        raise NotFound(f"no route {method} /{service}/{path}")
    if rule is None:
        allowed = policy.methods("/" + path)
        return JSONResponse({"error": {"code": "method_not_allowed", "message": f"{method} not allowed",
                                       "details": {"allowed": allowed}}},
                            status_code=405, headers={"Allow": ", ".join(allowed)})
    if principal.role not in rule.roles:
        raise Forbidden(f"role {principal.role.value} may not call {method} /{service}{rule.path}",
                        required=sorted(r.value for r in rule.roles))
    return None


class ProxyRoute:
    def __init__(self, app: Any, policies: dict[str, RoutePolicy], replica_sets: dict[str, ReplicaSet],
                 bases: dict[str, list[str]], tokens: Callable[[], VerifiedTokens], buffered_max_bytes: int,
                 client: Callable[[], Any]) -> None:
        self.app = app
        self.policies = policies
        self.replica_sets = replica_sets
        self.bases = bases
        self.tokens = tokens
        self.buffered_max_bytes = buffered_max_bytes
        self.client = client

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001
        if scope["type"] == "http" and scope["method"] in METHODS:
            service, slash, path = scope["path"][1:].partition("/")
            policy = self.policies.get(service)
            if policy is not None and slash:
                response = await self._answer(Request(scope, receive), service, policy, path)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _answer(self, request: Request, service: str, policy: RoutePolicy, path: str):  # noqa: ANN202
        try:
            principal = bearer_principal(request.headers.get("authorization"), self.tokens())
        except StarletteHTTPException as e:  # as the app's handler answers it (platform_common/web.py)
            return JSONResponse({"error": {"code": "unauthenticated", "message": str(e.detail)}},
                                status_code=e.status_code, headers=e.headers)
        try:
            refused = authorise(policy, request.method, service, path, principal)
        except ServiceError as e:
            return JSONResponse(e.body(), status_code=e.status_code)
        if refused is not None:
            return refused
        return await forward(self.client(), request, self.replica_sets[service], self.bases, path,
                             self.buffered_max_bytes)
