"""The console's pages, one module per desk or subject; each module declares its pages (access.register)
and exposes `router`. Importing them in this order sets the order of the left-hand menu; the detail page
comes last because its path pattern (/referrals/{id}) would otherwise take the fixed paths before it."""
from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from . import auth, worklists, upward, downward, out_of_county, follow_ups, indicators, icd10, detail  # noqa: I001

    return [m.router for m in (auth, worklists, upward, downward, out_of_county, follow_ups, indicators, icd10,
                               detail)]
