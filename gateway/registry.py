"""Use cases of the organisation and user registry: register, authenticate, load the demo, read the history.

Every change keeps the registry's shape (registry_rules.py) and is written, in the same transaction, to the
history (`registry_changes`) and, for organisations, to the outbox (`OrganisationRegistered`).
"""
from __future__ import annotations

from sqlalchemy import func, select

from platform_common.auth import OrgKind, Principal, Role
from platform_common.contracts import REGISTRY_TOPIC, OrganisationRegistered, RegistryEvent
from platform_common.errors import Conflict, InvalidInput
from platform_common.clock import utcnow
from platform_common.logs import correlation_id_var
from platform_common.org_directory import OrgDirectory
from platform_common.unit_of_work import SqlUnitOfWork

from . import demo
from .adapters import tables
from .passwords import DUMMY_HASH, hash_password, verify_password
from .registry_rules import ADMINISTRATOR_KIND, Node, check_change

directory = OrgDirectory(tables.organisations)
SYSTEM = "system"  # the actor of changes no person made (the demo loader)


def register_organisation(uow: SqlUnitOfWork, org: dict, actor: str = SYSTEM) -> bool:
    """Create or update an organisation and announce it; returns False when nothing changed."""
    kind = OrgKind(org["kind"])
    event = OrganisationRegistered(
        org_id=org["org_id"], name=org["name"], kind=kind, consortium_id=org.get("consortium_id"),
        parent_org_id=org.get("parent_org_id"), service_population=org.get("service_population"))
    payload = event.model_dump(mode="json")
    existing = directory.get(uow.session, org["org_id"])
    before = as_payload(existing) if existing is not None else None
    if before == payload:
        return False
    check_change(_node(payload), _node(before) if before else None, lambda o: _lookup(uow, o),
                 _children(uow, payload["org_id"]), _other_administrators(uow, payload["org_id"]))
    directory.upsert(uow.session, event)
    _remember(uow, actor, "organisation", payload["org_id"], payload["org_id"], before, payload)
    uow.record(REGISTRY_TOPIC, RegistryEvent.ORGANISATION_REGISTERED, "organisation", org["org_id"], event,
               org_id=org["org_id"])
    return True


def as_payload(org) -> dict:  # noqa: ANN001
    return {"org_id": org.org_id, "name": org.name, "kind": org.kind.value, "consortium_id": org.consortium_id,
            "parent_org_id": org.parent_org_id, "service_population": org.service_population}


def _node(payload: dict) -> Node:
    return Node(payload["org_id"], OrgKind(payload["kind"]), payload["consortium_id"], payload["parent_org_id"])


def _lookup(uow: SqlUnitOfWork, org_id: str) -> Node | None:
    org = directory.get(uow.session, org_id)
    return _node(as_payload(org)) if org is not None else None


def _children(uow: SqlUnitOfWork, org_id: str) -> list[Node]:
    o = tables.organisations
    rows = uow.session.execute(select(o.c.org_id, o.c.kind, o.c.consortium_id, o.c.parent_org_id)
                               .where(o.c.parent_org_id == org_id)).all()
    return [Node(r.org_id, OrgKind(r.kind), r.consortium_id, r.parent_org_id) for r in rows]


def _other_administrators(uow: SqlUnitOfWork, org_id: str) -> int:
    """Organisations other than `org_id` of the administering kind with an active HR account."""
    o, u = tables.organisations, tables.users
    return uow.session.execute(
        select(func.count(func.distinct(o.c.org_id))).select_from(o.join(u, u.c.org_id == o.c.org_id))
        .where(o.c.kind == ADMINISTRATOR_KIND.value, o.c.org_id != org_id, u.c.role == Role.HR_OFFICER.value,
               u.c.active.is_(True))).scalar_one()


def _remember(uow: SqlUnitOfWork, actor: str, subject: str, subject_id: str, org_id: str, before: dict | None,
              after: dict) -> None:
    uow.session.execute(tables.registry_changes.insert().values(
        changed_at=utcnow(), actor=actor, subject=subject, subject_id=subject_id, org_id=org_id,
        action="created" if before is None else "updated", before=before, after=after,
        request_id=correlation_id_var.get()))


def changes(uow: SqlUnitOfWork, org_id: str | None, limit: int, offset: int) -> dict:
    """The registry's history, newest first, optionally for one organisation (its own changes and its accounts')."""
    c = tables.registry_changes
    where = [c.c.org_id == org_id] if org_id else []
    total = uow.session.execute(select(func.count()).select_from(c).where(*where)).scalar_one()
    rows = uow.session.execute(select(c).where(*where).order_by(c.c.seq.desc()).limit(limit).offset(offset)).all()
    return {"total": total, "items": [
        {"changed_at": r.changed_at, "actor": r.actor, "subject": r.subject, "subject_id": r.subject_id,
         "org_id": r.org_id, "action": r.action, "before": r.before, "after": r.after, "request_id": r.request_id}
        for r in rows]}


def create_user(uow: SqlUnitOfWork, username: str, password: str, org_id: str, role: Role, display_name: str,
                actor: str = SYSTEM) -> None:
    password_hash = hash_password(password)  # ~50 ms of CPU: before this function's queries, not between them
    if directory.get(uow.session, org_id) is None:
        raise InvalidInput(f"unknown organisation {org_id}", field="org_id")
    if uow.session.execute(select(tables.users.c.username).where(tables.users.c.username == username)).first():
        raise Conflict(f"user {username} exists", field="username")
    uow.session.execute(tables.users.insert().values(
        username=username, password_hash=password_hash, org_id=org_id, role=role.value,
        display_name=display_name, active=True))
    _remember(uow, actor, "user", username, org_id, None,
              {"username": username, "org_id": org_id, "role": role.value, "display_name": display_name})


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
