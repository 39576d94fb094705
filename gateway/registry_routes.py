"""Registry routes: the health bureau sets up the consortium's organisations and accounts.

(No `from __future__ import annotations`: FastAPI must resolve the local dependency alias.)
"""
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import BaseModel, Field, StrictInt

from platform_common.api_types import RequestBody, ResponseModel, UtcInstant
from platform_common.auth import OrgKind, Principal, Role
from platform_common.errors import Forbidden
from platform_common.runtime import ServiceRuntime
from platform_common.web import require_role

from . import registry

SLUG = r"^[a-z0-9][a-z0-9-]{1,62}$"
# For the OpenAPI document: who may call (checked by require_bureau_hr below)
BUREAU_HR = {"x-roles": [Role.HR_OFFICER.value]}
BUREAU = {"x-roles": sorted([Role.HR_OFFICER.value, Role.BUREAU_ANALYST.value])}  # of the health bureau only


class OrganisationIn(RequestBody):
    name: str = Field(min_length=1, max_length=200)
    kind: OrgKind
    consortium_id: str | None = Field(default=None, pattern=SLUG)
    parent_org_id: str | None = Field(default=None, pattern=SLUG)
    # Strict: `false` or `1.5` is not a head count.
    service_population: StrictInt | None = Field(default=None, ge=0, le=10_000_000)


class OrganisationOut(OrganisationIn):
    org_id: str


class UserIn(RequestBody):
    username: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{2,63}$")
    password: str = Field(min_length=12, max_length=128)
    org_id: str = Field(pattern=SLUG)
    role: Role
    display_name: str = Field(min_length=1, max_length=100)


class UserOut(BaseModel):
    username: str
    org_id: str
    role: Role
    display_name: str


class OrganisationRecord(ResponseModel):
    """An organisation as the registry held it (before or after a change)."""

    org_id: str
    name: str
    kind: OrgKind
    consortium_id: str | None
    parent_org_id: str | None
    service_population: int | None


class AccountRecord(ResponseModel):
    """An account as it was created (never its password)."""

    username: str
    org_id: str
    role: Role
    display_name: str


class RegistryChange(ResponseModel):
    changed_at: UtcInstant
    actor: str = Field(description="the username of the HR officer, or `system` (the demo loader)")
    subject: Literal["organisation", "user"]
    subject_id: str
    org_id: str
    action: Literal["created", "updated"]
    before: OrganisationRecord | None = Field(description="the organisation before an update; null when created")
    after: OrganisationRecord | AccountRecord = Field(description="the organisation or account after the change")
    request_id: str | None


class RegistryChanges(ResponseModel):
    total: int
    items: list[RegistryChange]


def registry_router(runtime: ServiceRuntime) -> APIRouter:
    router = APIRouter(tags=["registry"])
    CurrentPrincipal = Annotated[Principal, Depends(runtime.current_principal)]

    def require_bureau_hr(principal: Principal) -> None:
        require_role(principal, Role.HR_OFFICER)
        if principal.org_kind is not OrgKind.HEALTH_BUREAU:
            raise Forbidden("only the health bureau's HR office manages the registry")

    @router.get("/organisations", response_model=list[OrganisationOut])
    def list_organisations(principal: CurrentPrincipal) -> list[dict]:
        with runtime.uow() as uow:
            return [registry.as_payload(o) for o in registry.directory.all(uow.session)]

    @router.put("/organisations/{org_id}", response_model=OrganisationOut, openapi_extra=BUREAU_HR,
                responses={201: {"model": OrganisationOut, "description": "the organisation was created"}},
                description="Register an organisation or change it (the health bureau's HR office only); "
                            "every service hears of it through registry.events. The registry stays a tree: "
                            "refused with `details.rule` `self_parent`, `parent_required`, `parent_exists`, "
                            "`parent_kind` or `parent_consortium` (422), `cycle` or `children_kind` (409), and "
                            "`registry_administrator` (409) when no health bureau with an HR account would be "
                            "left to administer the registry. Every change is kept (`GET /registry/changes`).")
    def put_organisation(org_id: Annotated[str, Path(pattern=SLUG)], body: OrganisationIn,
                         principal: CurrentPrincipal, response: Response) -> dict:
        require_bureau_hr(principal)
        with runtime.uow() as uow:
            existed = registry.directory.get(uow.session, org_id) is not None
            registry.register_organisation(uow, {"org_id": org_id, **body.model_dump(mode="json")},
                                           actor=principal.username)
            uow.commit()
        response.status_code = 200 if existed else 201
        return {"org_id": org_id, **body.model_dump()}

    @router.post("/users", response_model=UserOut, status_code=201, openapi_extra=BUREAU_HR,
                 description="Create an account (the health bureau's HR office only).")
    def create_user(body: UserIn, principal: CurrentPrincipal) -> dict:
        require_bureau_hr(principal)
        with runtime.uow() as uow:
            registry.create_user(uow, body.username, body.password, body.org_id, body.role, body.display_name,
                                 actor=principal.username)
            uow.commit()
        return body.model_dump(exclude={"password"})

    @router.get("/registry/changes", response_model=RegistryChanges, openapi_extra=BUREAU)
    def registry_changes(principal: CurrentPrincipal,
                         org_id: Annotated[str | None, Query(pattern=SLUG)] = None,
                         limit: Annotated[int, Query(ge=1, le=200)] = 50,
                         offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0) -> dict:
        """The registry's history, newest first: who created or changed which organisation or account, and how."""
        if principal.org_kind is not OrgKind.HEALTH_BUREAU:
            raise Forbidden("only the health bureau reads the registry's history")
        with runtime.uow() as uow:
            return registry.changes(uow, org_id, limit, offset)

    return router
