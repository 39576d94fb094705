"""Monthly allowances in integer fen.

A month's amount is prorated by the days the entitlement covers in that month:
amount × days / days_in_month, rounded half up to the fen (ROUND_HALF_UP). A full month pays the
full amount; secondment allowances are a daily rate × days seconded in the month.
"""
from __future__ import annotations

from .model import Period


def prorate_fen(monthly_fen: int, days: int, days_in_month: int) -> int:
    if not 0 <= days <= days_in_month:
        raise ValueError("days outside the month")
    # Half-up on non-negative integers: floor((2·a·d + m) / 2m).
    return (2 * monthly_fen * days + days_in_month) // (2 * days_in_month)


def gp_allowance_fen(monthly_fen: int, entitled: Period, month: Period) -> tuple[int, int]:
    """(days, fen) of a general practitioner's allowance for one month."""
    days = entitled.days_within(month)
    return days, prorate_fen(monthly_fen, days, month.days_within(month))


def secondment_allowance_fen(daily_fen: int, posted: Period, month: Period) -> tuple[int, int]:
    days = posted.days_within(month)
    return days, daily_fen * days
