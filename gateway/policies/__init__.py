"""Route policies per service, gathered for the gateway."""
from __future__ import annotations

from gateway.policy import RoutePolicy

from . import payment, referral, staffing


def all_policies() -> dict[str, RoutePolicy]:
    return {
        "referral": RoutePolicy(referral.RULES),
        "payment": RoutePolicy(payment.RULES),
        "staffing": RoutePolicy(staffing.RULES),
    }
