"""FastAPI dependencies: the runtime and the caller (from the shared plumbing)."""
from __future__ import annotations

from platform_common.deps import CallerDep as Caller
from platform_common.deps import RuntimeDep as Runtime

__all__ = ["Caller", "Runtime"]
