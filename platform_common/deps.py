"""FastAPI dependencies every service's API uses: its runtime and the calling principal."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from .auth import Principal
from .runtime import ServiceRuntime

_bearer = HTTPBearer(auto_error=False)


def _runtime(request: Request) -> ServiceRuntime:
    return request.app.state.runtime


def _principal(request: Request,
               creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Principal:
    return request.app.state.runtime.current_principal(creds)


RuntimeDep = Annotated[ServiceRuntime, Depends(_runtime)]
CallerDep = Annotated[Principal, Depends(_principal)]
