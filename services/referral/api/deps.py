"""FastAPI dependencies: the runtime, its settings, the caller."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from platform_common.auth import Principal
from platform_common.runtime import ServiceRuntime

_bearer = HTTPBearer(auto_error=False)


def _runtime(request: Request) -> ServiceRuntime:
    return request.app.state.runtime


def _principal(request: Request,
               creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Principal:
    return request.app.state.runtime.current_principal(creds)


Runtime = Annotated[ServiceRuntime, Depends(_runtime)]
Caller = Annotated[Principal, Depends(_principal)]
