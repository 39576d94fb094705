"""FastAPI dependencies of the staffing routes: the runtime, the caller and the paging parameters."""
from __future__ import annotations

from typing import Annotated

from fastapi import Query

from platform_common.deps import CallerDep as Caller
from platform_common.deps import RuntimeDep as Runtime

__all__ = ["Caller", "Runtime", "Limit", "Offset"]
Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0, le=2**31 - 1)]  # beyond: an integer the database cannot bind
