"""The payment API: thin routes that parse, call one use case, and shape the answer (views.py)."""
from __future__ import annotations

from .routes_budgets import router as budget_router
from .routes_claims import router as claim_router
from .routes_settlement import router as settlement_router
from .routes_uploads import router as upload_router
from .routes_appraisal import router as appraisal_router
from .routes_roster import router as roster_router

# the upload routes first: /claims/uploads must not be taken for the claim numbered "uploads"
routers = [upload_router, budget_router, claim_router, settlement_router, roster_router, appraisal_router]
