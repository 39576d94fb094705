"""FastAPI dependencies: the runtime, the caller, a unit of work, paging."""
from __future__ import annotations

from typing import Annotated, Iterator

from fastapi import Depends, Header, Query, Request

from platform_common.deps import CallerDep as PrincipalDep
from platform_common.deps import RuntimeDep
from platform_common.errors import InvalidInput

from ..service_layer.unit_of_work import PaymentUnitOfWork
from ..service_layer.upload_jobs import UploadJobs
from ..settings import PaymentSettings


def _uow(runtime: RuntimeDep) -> Iterator[PaymentUnitOfWork]:
    with runtime.uow() as uow:
        yield uow


def _read_uow(runtime: RuntimeDep) -> Iterator[PaymentUnitOfWork]:
    with runtime.read_uow() as uow:
        yield uow


def _settings(runtime: RuntimeDep) -> PaymentSettings:
    return runtime.settings  # type: ignore[return-value]


__all__ = ["RuntimeDep", "PrincipalDep", "UowDep", "ReadUowDep", "SettingsDep", "PageDep", "Page", "JobsDep", "RespondAsync"]


def _jobs(request: Request) -> UploadJobs:
    return request.app.state.upload_jobs


def _respond_async(prefer: Annotated[str | None, Header(
        description="`respond-async` (RFC 7240): answer 202 once the file is stored and read it in the background; "
                    "GET the upload for its progress")] = None) -> bool:
    return "respond-async" in (prefer or "").lower()


class Page:
    def __init__(self, limit: int, offset: int) -> None:
        self.limit, self.offset = limit, offset


def _page(settings: Annotated[PaymentSettings, Depends(_settings)], limit: Annotated[int | None, Query(ge=1)] = None,
          offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0) -> Page:
    limit = limit or settings.page_size_default
    if limit > settings.page_size_max:
        raise InvalidInput(f"at most {settings.page_size_max} per page", field="limit")
    return Page(limit, offset)


UowDep = Annotated[PaymentUnitOfWork, Depends(_uow)]
ReadUowDep = Annotated[PaymentUnitOfWork, Depends(_read_uow)]  # every GET: no write turn, no commit
SettingsDep = Annotated[PaymentSettings, Depends(_settings)]
PageDep = Annotated[Page, Depends(_page)]
JobsDep = Annotated[UploadJobs, Depends(_jobs)]
RespondAsync = Annotated[bool, Depends(_respond_async)]
