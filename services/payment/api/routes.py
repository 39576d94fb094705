"""The payment API: thin routes that parse, call one use case, and shape the answer."""
from __future__ import annotations

from .budget_routes import router as budget_router
from .claim_routes import router as claim_router
from .settlement_routes import router as settlement_router
from .upload_routes import router as upload_router

# the upload routes first: /claims/uploads must not be taken for the claim numbered "uploads"
routers = [upload_router, budget_router, claim_router, settlement_router]
