"""The staffing API: every route module's router, gathered (what bootstrap mounts and the gateway documents)."""
from __future__ import annotations

from fastapi import APIRouter

from . import routes_county_policy, routes_pool, routes_secondments, routes_staff, routes_tidal, routes_village

router = APIRouter()
for area in (routes_staff, routes_county_policy, routes_secondments, routes_tidal, routes_village, routes_pool):
    router.include_router(area.router)
