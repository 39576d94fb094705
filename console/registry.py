"""The organisation registry as the console needs it: names, kinds, pairings (cached from GET /organisations)."""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from .gateway_client import GatewayClient


@dataclass(frozen=True)
class Org:
    org_id: str
    name: str
    kind: str
    consortium_id: str | None
    parent_org_id: str | None


class Registry:
    def __init__(self, orgs: list[Org]) -> None:
        self.by_id = {o.org_id: o for o in orgs}

    def name(self, org_id: str | None) -> str:
        if org_id is None:
            return "—"
        org = self.by_id.get(org_id)
        return org.name if org else org_id

    def of_kind(self, *kinds: str, consortium_id: str | None = None) -> list[Org]:
        return [o for o in self.by_id.values()
                if o.kind in kinds and (consortium_id is None or o.consortium_id == consortium_id)]

    def county_hospital_of(self, org_id: str) -> str | None:
        """The county hospital a unit is paired with (a village clinic through its township centre)."""
        seen = 0
        org = self.by_id.get(org_id)
        while org is not None and seen < 5:
            if org.kind == "county_hospital":
                return org.org_id
            org = self.by_id.get(org.parent_org_id or "")
            seen += 1
        return None


class RegistryCache:
    def __init__(self, api: GatewayClient, ttl_seconds: float) -> None:
        self.api, self.ttl = api, ttl_seconds
        self._value: Registry | None = None
        self._at = 0.0
        self._lock = asyncio.Lock()

    async def get(self, token: str) -> Registry:
        if self._value is not None and time.monotonic() - self._at < self.ttl:
            return self._value
        async with self._lock:
            if self._value is None or time.monotonic() - self._at >= self.ttl:
                rows = await self.api.get("/organisations", token)
                self._value = Registry([Org(r["org_id"], r["name"], r["kind"], r.get("consortium_id"),
                                            r.get("parent_org_id")) for r in rows])
                self._at = time.monotonic()
        return self._value
