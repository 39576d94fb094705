"""HTTP conventions shared by the gateway and the services.

One JSON error shape, token checks as FastAPI dependencies (request ids and body caps: request_context.py).
Error body: {"error": {"code": ..., "message": ..., "field"?: ..., "fields"?: [...]}}.
"""
from __future__ import annotations

import logging
from typing import Annotated, Callable

from fastapi import Depends, FastAPI, Request
from fastapi_offline import FastAPIOffline
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from .auth import Principal, Role, TokenError, VerifiedTokens
from .errors import Conflict, Forbidden, ServiceError
from .logs import correlation_id_var, log_fields
from .request_context import RequestContextMiddleware, internal_error_body, request_id_of

log = logging.getLogger(__name__)
__all__ = ["RequestContextMiddleware", "install_error_handlers", "lost_race", "principal_dependency", "require_role"]


# A database error that only says another transaction got there first: PostgreSQL's deadlock_detected and
# serialization_failure (two transactions locking the same rows in opposite orders), and a unique key taken
# between a route's existence check and its insert. The loser hears 409 and may retry, like the loser of an
# optimistic-lock race; anything else stays a 500.
_LOST_RACE_SQLSTATES = {"40P01": "a concurrent change to the same records got there first",
                        "40001": "a concurrent change to the same records got there first",
                        "23505": "a record with the same key was created by another request at the same time"}
_LOST_RACE_SQLITE = {"SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"}


def lost_race(exc: DBAPIError) -> str | None:
    """Why a database error means a lost race (see above), or None when it means something else."""
    if (why := _LOST_RACE_SQLSTATES.get(getattr(exc.orig, "sqlstate", None) or "")) is not None:
        return why
    if getattr(exc.orig, "sqlite_errorname", None) in _LOST_RACE_SQLITE:
        return _LOST_RACE_SQLSTATES["23505"]
    return None


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ServiceError)
    async def _service_error(_req: Request, exc: ServiceError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _validation(_req: Request, exc: RequestValidationError) -> JSONResponse:
        fields = [
            {"field": ".".join(str(p) for p in err["loc"]), "reason": err["msg"], "type": err["type"]}
            for err in exc.errors()
        ]
        body = {"error": {"code": "invalid", "message": "request validation failed", "fields": fields}}
        return JSONResponse(body, status_code=422)

    @app.exception_handler(StaleDataError)
    async def _stale(_req: Request, _exc: StaleDataError) -> JSONResponse:
        # A lost concurrent update surfaces at any flush (not only at commit, where the unit of work
        # converts it): on PostgreSQL the second writer waits on the row lock and then matches 0 rows.
        err = Conflict("the record was changed by someone else; reload and try again")
        return JSONResponse(err.body(), status_code=err.status_code)

    @app.exception_handler(DBAPIError)
    async def _database(req: Request, exc: DBAPIError) -> JSONResponse:
        why = lost_race(exc)
        if why is None:
            return await _unexpected(req, exc)
        log.warning("lost a race in the database", extra=log_fields(error=type(exc.orig).__name__))
        err = Conflict(f"{why}; reload and try again")
        return JSONResponse(err.body(), status_code=err.status_code)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_req: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}.get(
            exc.status_code, "http_error")
        return JSONResponse({"error": {"code": code, "message": str(exc.detail)}}, status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(req: Request, exc: Exception) -> JSONResponse:
        # Reached for a database error from inside the app, and as the last resort outside the request
        # context (which answers unhandled errors itself): the request id comes from the scope then.
        outside = correlation_id_var.get() is None  # the request context adds the header when inside
        request_id = request_id_of(req.scope)
        token = correlation_id_var.set(request_id)
        try:
            log.error("unhandled error", exc_info=exc)
        finally:
            correlation_id_var.reset(token)
        return JSONResponse(internal_error_body(request_id), status_code=500,
                            headers={"x-request-id": request_id} if outside and request_id else None)


def docs_app(**kwargs) -> FastAPI:  # noqa: ANN003
    """A FastAPI app whose /docs and /redoc load Swagger UI and ReDoc from the platform itself (the assets of
    the fastapi-offline package, under /static-offline-docs), never from a CDN: hospital intranets have no
    internet. Swagger UI's validator badge is off: it would load an image from the validator's public site."""
    kwargs["swagger_ui_parameters"] = {"validatorUrl": None} | (kwargs.get("swagger_ui_parameters") or {})
    return FastAPIOffline(**kwargs)


_bearer = HTTPBearer(auto_error=False)


def principal_dependency(secret_getter: Callable[[], tuple[str, str]]):  # noqa: ANN201
    """Build the `CurrentPrincipal` dependency for an app (secret and algorithm from its settings)."""
    tokens: list[VerifiedTokens] = []  # built at the first request: the settings are read then

    def current_principal(
        creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        if not tokens:
            tokens.append(VerifiedTokens(*secret_getter()))
        return bearer_principal(f"{creds.scheme} {creds.credentials}" if creds else None, tokens[0])

    return current_principal


def bearer_principal(authorization: str | None, tokens: VerifiedTokens) -> Principal:
    """The caller of an `Authorization: Bearer <token>` header, or 401 (what FastAPI's HTTPBearer accepts)."""
    scheme, _, credentials = (authorization or "").partition(" ")
    credentials = credentials.strip()
    if not (scheme and credentials) or scheme.lower() != "bearer":
        raise StarletteHTTPException(401, "missing bearer token", headers={"WWW-Authenticate": "Bearer"})
    try:
        return tokens.verify(credentials)
    except TokenError as e:
        raise StarletteHTTPException(401, str(e), headers={"WWW-Authenticate": "Bearer"}) from e


def require_role(principal: Principal, *roles: Role) -> None:
    if principal.role not in roles:
        raise Forbidden(f"role {principal.role.value} may not do this", required=[r.value for r in roles])
