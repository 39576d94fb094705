"""Use cases of the organisation and user registry: register, authenticate, load the demo."""
from __future__ import annotations

from sqlalchemy import select

from platform_common.auth import OrgKind, Principal, Role
from platform_common.contracts import REGISTRY_TOPIC, OrganisationRegistered, RegistryEvent
from platform_common.errors import Conflict, InvalidInput
from platform_common.org_directory import OrgDirectory
from platform_common.unit_of_work import SqlUnitOfWork

from . import demo
from .adapters import tables
from .passwords import DUMMY_HASH, hash_password, verify_password

directory = OrgDirectory(tables.organisations)


def register_organisation(uow: SqlUnitOfWork, org: dict) -> bool:
    """Create or update an organisation and announce it; returns False when nothing changed."""
    kind = OrgKind(org["kind"])
    parent = org.get("parent_org_id")
    if parent and directory.get(uow.session, parent) is None:
        raise InvalidInput(f"unknown parent organisation {parent}", field="parent_org_id")
    if kind in (OrgKind.TOWNSHIP_CENTRE, OrgKind.VILLAGE_CLINIC) and not parent:
        raise InvalidInput("a primary unit needs its paired hospital or township", field="parent_org_id")
    existing = directory.get(uow.session, org["org_id"])
    event = OrganisationRegistered(
        org_id=org["org_id"], name=org["name"], kind=kind, consortium_id=org.get("consortium_id"),
        parent_org_id=parent, service_population=org.get("service_population"))
    if existing is not None and as_payload(existing) == event.model_dump(mode="json"):
        return False
    directory.upsert(uow.session, event)
    uow.record(REGISTRY_TOPIC, RegistryEvent.ORGANISATION_REGISTERED, "organisation", org["org_id"], event,
               org_id=org["org_id"])
    return True


def as_payload(org) -> dict:  # noqa: ANN001
    return {"org_id": org.org_id, "name": org.name, "kind": org.kind.value, "consortium_id": org.consortium_id,
            "parent_org_id": org.parent_org_id, "service_population": org.service_population}


def create_user(uow: SqlUnitOfWork, username: str, password: str, org_id: str, role: Role, display_name: str) -> None:
    password_hash = hash_password(password)  # ~50 ms of CPU: before this function's queries, not between them
    if directory.get(uow.session, org_id) is None:
        raise InvalidInput(f"unknown organisation {org_id}", field="org_id")
    if uow.session.execute(select(tables.users.c.username).where(tables.users.c.username == username)).first():
        raise Conflict(f"user {username} exists", field="username")
    uow.session.execute(tables.users.insert().values(
        username=username, password_hash=password_hash, org_id=org_id, role=role.value,
        display_name=display_name, active=True))


def authenticate(uow: SqlUnitOfWork, username: str, password: str) -> Principal | None:
    row = uow.session.execute(select(tables.users).where(tables.users.c.username == username)).first()
    principal = stored_hash = None
    if row is not None and row.active:
        org = directory.get(uow.session, row.org_id)
        principal = Principal(row.username, org.org_id, org.kind, org.consortium_id, Role(row.role))
        stored_hash = row.password_hash
    # The read is over: end it before the ~50 ms hash, which needs no database (and would hold its write turn).
    uow.rollback()
    if stored_hash is None:
        verify_password(password, DUMMY_HASH)
        return None
    return principal if verify_password(password, stored_hash) else None


def load_demo(uow: SqlUnitOfWork) -> int:
    """Register the demo consortium and its accounts; safe to run at every start."""
    changed = 0
    for org in demo.ORGANISATIONS:
        changed += register_organisation(uow, {
            "org_id": org.org_id, "name": org.name, "kind": org.kind, "consortium_id": org.consortium_id,
            "parent_org_id": org.parent_org_id, "service_population": org.service_population,
        })
    uow.session.flush()
    known = set(uow.session.execute(select(tables.users.c.username)).scalars())
    for user in demo.USERS:
        if user.username not in known:
            create_user(uow, user.username, demo.DEMO_PASSWORD, user.org_id, user.role, user.display_name)
    uow.commit()
    return changed
