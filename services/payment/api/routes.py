"""The payment API: thin routes that parse, call one use case, and shape the answer."""
from __future__ import annotations

from .budget_routes import router as budget_router
from .claim_routes import router as claim_router
from .settlement_routes import router as settlement_router

routers = [budget_router, claim_router, settlement_router]
