"""The gateway: the platform's one public entry point.

Authenticates (OAuth2 password flow → signed JWT), authorises each route by role, forwards to
the owning service with the request id, and reports the health of everything behind it.
(No `from __future__ import annotations` here: FastAPI must see the local `CurrentPrincipal`.)
"""

import asyncio
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

import httpx
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from platform_common.auth import Principal, VerifiedTokens, issue_token
from platform_common.contracts import REGISTRY_TOPIC
from platform_common.errors import NotFound, ServiceError
from platform_common.logs import configure_logging
from platform_common.openapi import ERROR_RESPONSES, ErrorBody
from platform_common.runtime import ServiceRuntime
from platform_common.web import RequestContextMiddleware, docs_app, install_error_handlers

from . import registry
from .adapters import tables
from .event_schemas import event_schemas_router
from .health import Health, platform_health
from .openapi import merged_openapi
from .policies import all_policies
from .policy import upload_types
from .proxy import forward, new_upstream
from .proxy_route import ProxyRoute, authorise
from .ratelimit import LoginThrottle
from .replicas import ReplicaProbe, ReplicaSet
from .registry_routes import registry_router
from .settings import GatewaySettings

MIGRATIONS = Path(__file__).parent / "migrations"


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    username: str
    org_id: str
    role: str


class Claims(BaseModel):
    sub: str
    org: str
    org_kind: str
    consortium: str | None
    role: str


class Unauthorized(ServiceError):
    status_code = 401
    code = "unauthenticated"


class TooManyAttempts(ServiceError):
    status_code = 429
    code = "too_many_attempts"


def create_app(settings: GatewaySettings | None = None, background: bool = True,
               upstream: httpx.AsyncBaseTransport | None = None) -> FastAPI:
    """`upstream`: how the proxy reaches the services (default: HTTP; the tests pass the apps in-process)."""
    settings = settings or GatewaySettings()
    common = settings.common
    configure_logging("gateway", common.log_level)
    runtime = ServiceRuntime(settings, tables.metadata, [REGISTRY_TOPIC], background=background)
    policies = all_policies()
    bases = settings.service_replicas()
    replica_sets = {name: ReplicaSet.of(name, urls) for name, urls in bases.items()}
    probe = ReplicaProbe(replica_sets.values(), settings.replica_probe_seconds, settings.health_timeout_seconds)
    throttle = LoginThrottle(settings.login_max_failures, settings.login_window_seconds)
    CurrentPrincipal = Annotated[Principal, Depends(runtime.current_principal)]

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # noqa: ANN202
        if common.demo_mode:
            with runtime.uow() as uow:
                registry.load_demo(uow)
        app.state.client = new_upstream(settings.connect_timeout_seconds, settings.read_timeout_seconds,
                                      settings.max_connections, upstream)
        runtime.start()
        if probe.sets:  # only services with several replicas have a rotation to keep
            await probe.probe_all(app.state.client)
            probe.start_on(asyncio.get_running_loop(), app.state.client)
        try:
            yield
        finally:
            probe.request_stop()
            await asyncio.to_thread(probe.join)  # the loop keeps running: a check under way can finish
            await app.state.client.aclose()
            runtime.stop()

    app = docs_app(title="County medical consortium platform", lifespan=lifespan, version="1",
                  description="Every route of the platform, through its one entry point. Log in with "
                              "**Authorize** (a platform account), then **Try it out**: the gateway checks the "
                              "role named on each operation and forwards service routes to their service.",
                  swagger_ui_parameters={"persistAuthorization": True}, responses=ERROR_RESPONSES)
    app.state.runtime = runtime
    app.state.replica_probe = probe
    # Service routes go through this plain ASGI layer, not the router (proxy_route.py); it sits inside the
    # request context below (added later = outside).
    tokens = VerifiedTokens(common.jwt_secret, common.jwt_algorithm)
    app.add_middleware(ProxyRoute, policies=policies, replica_sets=replica_sets, bases=bases, tokens=lambda: tokens,
                       buffered_max_bytes=settings.buffered_response_max_bytes, client=lambda: app.state.client)
    # Only the routes the policies mark as file uploads (claim files) take large bodies; each service caps
    # its own routes again.
    app.add_middleware(RequestContextMiddleware, max_body_bytes=settings.max_body_bytes,
                       max_upload_bytes=settings.max_upload_bytes, upload_types=upload_types(policies))
    install_error_handlers(app)

    @app.post("/auth/token", response_model=TokenResponse, tags=["auth"], responses={
        401: {"model": ErrorBody, "description": "wrong username or password"},
        429: {"model": ErrorBody, "description": "too many failed logins; `details.retry_after` seconds"}})
    def login(form: Annotated[OAuth2PasswordRequestForm, Depends()], request: Request) -> TokenResponse:
        user_key = f"user:{form.username}"
        client_key = f"client:{request.client.host if request.client else '?'}"
        wait = throttle.retry_after(user_key, client_key)
        if wait:
            raise TooManyAttempts(f"too many failed logins; try again in {wait} s", retry_after=wait)
        with runtime.uow() as uow:
            principal = registry.authenticate(uow, form.username, form.password)
        if principal is None:
            throttle.failed(user_key, client_key)
            raise Unauthorized("wrong username or password", field="password")
        throttle.succeeded(user_key)
        token = issue_token(principal, common.jwt_secret, common.jwt_ttl_seconds, common.jwt_algorithm)
        return TokenResponse(access_token=token, expires_in=common.jwt_ttl_seconds, username=principal.username,
                             org_id=principal.org_id, role=principal.role.value)

    @app.get("/me", tags=["auth"], response_model=Claims)
    def me(principal: CurrentPrincipal) -> dict:
        return principal.claims()

    app.include_router(registry_router(runtime))
    app.include_router(event_schemas_router())

    @app.get("/health", tags=["ops"], response_model=Health, responses={
        503: {"model": Health, "description": "something the platform needs is down or still starting"}})
    async def health(request: Request) -> JSONResponse:
        health = await platform_health(request.app.state.client, replica_sets, runtime,
                                       settings.health_timeout_seconds, settings.supervisor_status_file)
        # what each part does not know is left out (exclude_unset), as in each service's own answer
        return JSONResponse(health.model_dump(mode="json", exclude_unset=True),
                            status_code=200 if health.status == "ok" else 503)

    # Hidden from the document, which lists every service route it reaches instead (gateway/openapi.py). A known
    # service's routes are answered before the router by ProxyRoute with the same checks; this route remains for
    # any other first segment ("no service …").
    @app.api_route("/{service}/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                   include_in_schema=False)
    async def proxy(service: str, path: str, request: Request, principal: CurrentPrincipal) -> Response:
        policy = policies.get(service)
        if policy is None:
            raise NotFound(f"no service {service}")
        refused = authorise(policy, request.method, service, path, principal)
        if refused is not None:
            return refused
        return await forward(request.app.state.client, request, replica_sets[service], bases, path,
                             settings.buffered_response_max_bytes)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = merged_openapi(app, policies)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
