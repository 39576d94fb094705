"""Overdue follow-ups of downward referrals, for both units (the one that follows up and the one that sent)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response

from ..access import REFERRAL_DESKS, Page, register
from ..web import Ctx, guard

router = APIRouter()
OVERDUE_FOLLOW_UPS = register(Page("/follow-ups/overdue", "逾期随访", "转诊业务", REFERRAL_DESKS))


@router.get(OVERDUE_FOLLOW_UPS.path)
async def overdue(ctx: Annotated[Ctx, Depends(guard(OVERDUE_FOLLOW_UPS))]) -> Response:
    items = (await ctx.get("/referral/follow-ups/overdue"))["items"]
    return ctx.render("follow_ups.html", title=OVERDUE_FOLLOW_UPS.title, items=items)
