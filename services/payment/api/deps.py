"""FastAPI dependencies: the runtime, the caller, a unit of work, paging."""
from __future__ import annotations

from typing import Annotated, Iterator

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from platform_common.auth import Principal
from platform_common.errors import InvalidInput
from platform_common.runtime import ServiceRuntime

from ..service_layer.unit_of_work import PaymentUnitOfWork
from ..settings import PaymentSettings

_bearer = HTTPBearer(auto_error=False)


def _runtime(request: Request) -> ServiceRuntime:
    return request.app.state.runtime


def _principal(request: Request,
               creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Principal:
    return request.app.state.runtime.current_principal(creds)


def _uow(runtime: Annotated[ServiceRuntime, Depends(_runtime)]) -> Iterator[PaymentUnitOfWork]:
    with runtime.uow() as uow:
        yield uow


def _settings(runtime: Annotated[ServiceRuntime, Depends(_runtime)]) -> PaymentSettings:
    return runtime.settings  # type: ignore[return-value]


class Page:
    def __init__(self, limit: int, offset: int) -> None:
        self.limit, self.offset = limit, offset


def _page(settings: Annotated[PaymentSettings, Depends(_settings)], limit: Annotated[int | None, Query(ge=1)] = None,
          offset: Annotated[int, Query(ge=0)] = 0) -> Page:
    limit = limit or settings.page_size_default
    if limit > settings.page_size_max:
        raise InvalidInput(f"at most {settings.page_size_max} per page", field="limit")
    return Page(limit, offset)


RuntimeDep = Annotated[ServiceRuntime, Depends(_runtime)]
PrincipalDep = Annotated[Principal, Depends(_principal)]
UowDep = Annotated[PaymentUnitOfWork, Depends(_uow)]
SettingsDep = Annotated[PaymentSettings, Depends(_settings)]
PageDep = Annotated[Page, Depends(_page)]
