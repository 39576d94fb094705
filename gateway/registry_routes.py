"""Registry routes: the health bureau sets up the consortium's organisations and accounts.

(No `from __future__ import annotations`: FastAPI must resolve the local dependency alias.)
"""
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response
from pydantic import BaseModel, Field

from platform_common.auth import OrgKind, Principal, Role
from platform_common.errors import Forbidden
from platform_common.runtime import ServiceRuntime
from platform_common.web import require_role

from . import registry

SLUG = r"^[a-z0-9][a-z0-9-]{1,62}$"
# For the OpenAPI document: who may call (checked by require_bureau_hr below)
BUREAU_HR = {"x-roles": [Role.HR_OFFICER.value]}


class OrganisationIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    kind: OrgKind
    consortium_id: str | None = Field(default=None, pattern=SLUG)
    parent_org_id: str | None = Field(default=None, pattern=SLUG)
    service_population: int | None = Field(default=None, ge=0, le=10_000_000)


class OrganisationOut(OrganisationIn):
    org_id: str


class UserIn(BaseModel):
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
                description="Register an organisation or change it (the health bureau's HR office only); "
                            "every service hears of it through registry.events.")
    def put_organisation(org_id: Annotated[str, Path(pattern=SLUG)], body: OrganisationIn,
                         principal: CurrentPrincipal, response: Response) -> dict:
        require_bureau_hr(principal)
        with runtime.uow() as uow:
            existed = registry.directory.get(uow.session, org_id) is not None
            registry.register_organisation(uow, {"org_id": org_id, **body.model_dump(mode="json")})
            uow.commit()
        response.status_code = 200 if existed else 201
        return {"org_id": org_id, **body.model_dump()}

    @router.post("/users", response_model=UserOut, status_code=201, openapi_extra=BUREAU_HR,
                 description="Create an account (the health bureau's HR office only).")
    def create_user(body: UserIn, principal: CurrentPrincipal) -> dict:
        require_bureau_hr(principal)
        with runtime.uow() as uow:
            registry.create_user(uow, body.username, body.password, body.org_id, body.role, body.display_name)
            uow.commit()
        return body.model_dump(exclude={"password"})

    return router
