"""The referral API: every route module's router, gathered (what bootstrap mounts and the gateway documents)."""
from __future__ import annotations

from fastapi import APIRouter

from . import routes_capacity, routes_consultation, routes_referrals, routes_reports

router = APIRouter()
for area in (routes_referrals, routes_reports, routes_capacity, routes_consultation):
    router.include_router(area.router)
