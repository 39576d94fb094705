"""`registry.events` — produced by the gateway, which owns the organisation registry; read by every service,
each keeping a local copy of the directory (kind, consortium, pairing) to validate and authorise without a
synchronous call."""
from __future__ import annotations

from pydantic import Field

from ..auth import OrgKind
from .base import EventPayload, Id
from .vocabulary import REGISTRY_TOPIC


class OrganisationRegistered(EventPayload):
    """An organisation was registered or its details changed (announced again only when they differ)."""

    topic = REGISTRY_TOPIC
    org_id: Id = Field(description="the organisation's id, e.g. `dachang-thc`")
    name: str = Field(min_length=1, max_length=200, description="its official name")
    kind: OrgKind = Field(description="what it is")
    consortium_id: str | None = Field(description="the consortium it belongs to (null: outside any, e.g. the "
                                                  "insurance office)")
    parent_org_id: str | None = Field(description="a township centre's paired county hospital; a village "
                                                  "clinic's township centre")
    service_population: int | None = Field(ge=0, description="people it serves (a township's quota depends on it)")


CONTRACTS = (OrganisationRegistered,)
__all__ = [c.__name__ for c in CONTRACTS]
