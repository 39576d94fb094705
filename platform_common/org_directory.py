"""Each service's local copy of the organisation registry, fed by `registry.events`.

The gateway owns the registry (organisations, users); it announces every organisation with
`OrganisationRegistered`. Services keep the fields they need to validate and authorise
(kind, consortium, pairing) without calling the gateway synchronously.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable

from sqlalchemy import Column, Integer, MetaData, String, Table, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from .auth import OrgKind
from .contracts import REGISTRY_TOPIC, OrganisationRegistered
from .events import EventEnvelope

__all__ = ["REGISTRY_TOPIC", "OrganisationRegistered", "OrgDirectory", "Organisation", "organisations_table"]


def organisations_table(metadata: MetaData) -> Table:
    return Table(
        "organisations",
        metadata,
        Column("org_id", String(64), primary_key=True),
        Column("name", String(200), nullable=False),
        Column("kind", String(30), nullable=False),
        Column("consortium_id", String(64), nullable=True, index=True),
        # township centre -> its paired county hospital; village clinic -> its township centre
        Column("parent_org_id", String(64), nullable=True),
        Column("service_population", Integer, nullable=True),
    )


@dataclass(frozen=True)
class Organisation:
    org_id: str
    name: str
    kind: OrgKind
    consortium_id: str | None
    parent_org_id: str | None
    service_population: int | None

    @property
    def is_county_hospital(self) -> bool:
        return self.kind is OrgKind.COUNTY_HOSPITAL

    @property
    def is_primary_unit(self) -> bool:
        """Township centres and village clinics: primary care (基层)."""
        return self.kind in (OrgKind.TOWNSHIP_CENTRE, OrgKind.VILLAGE_CLINIC)


class OrgDirectory:
    def __init__(self, table: Table) -> None:
        self.table = table

    def get(self, session: Session, org_id: str) -> Organisation | None:
        row = session.execute(select(self.table).where(self.table.c.org_id == org_id)).first()
        return _to_org(row) if row else None

    def all(self, session: Session, consortium_id: str | None = None) -> list[Organisation]:
        query = select(self.table).order_by(self.table.c.org_id)
        if consortium_id:
            query = query.where(self.table.c.consortium_id == consortium_id)
        return [_to_org(r) for r in session.execute(query)]

    def upsert(self, session: Session, org: OrganisationRegistered) -> None:
        self._upsert(session, [org])

    def register_many(self, session_factory: Callable[[], Session], orgs: Iterable[Any]) -> int:
        """Upsert organisations (events, or any objects with the event's fields, e.g. the demo's) in one
        transaction: all of them or, when one is invalid, none. Registering the same list again changes nothing."""
        events = [org if isinstance(org, OrganisationRegistered) else
                  OrganisationRegistered(**{name: getattr(org, name) for name in OrganisationRegistered.model_fields})
                  for org in orgs]
        with session_factory() as session:
            self._upsert(session, events)
            session.commit()
        return len(events)

    def _upsert(self, session: Session, orgs: list[OrganisationRegistered]) -> None:
        if not orgs:
            return
        dialect = session.get_bind().dialect.name
        stmt = (pg_insert if dialect == "postgresql" else sqlite_insert)(self.table)
        stmt = stmt.on_conflict_do_update(index_elements=["org_id"], set_={
            c.name: stmt.excluded[c.name] for c in self.table.columns if c.name != "org_id"})
        session.execute(stmt, [{c.name: getattr(org, c.name) for c in self.table.columns} for org in orgs])

    def handler(self, uow, _envelope: EventEnvelope, org: OrganisationRegistered) -> None:  # noqa: ANN001
        """Consumer handler for `OrganisationRegistered`."""
        self.upsert(uow.session, org)


def _to_org(row) -> Organisation:  # noqa: ANN001
    return Organisation(row.org_id, row.name, OrgKind(row.kind), row.consortium_id, row.parent_org_id,
                        row.service_population)
