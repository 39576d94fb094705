"""The outpatient bundle budget of a consortium for a fund year (总额预算, 含异地就医费用).

total = enrolled population × per-capita amount + out-of-area reserve + Σ negotiated adjustments.
The monthly advance schedule (预拨) spreads the total evenly over the 12 months, largest
remainder first so the months add up to the total; a period's budget is the sum of its months.
"""
from __future__ import annotations

from .money import allocate
from .periods import Period


def base_total(enrolled_population: int, per_capita_fen: int, out_of_area_reserve_fen: int) -> int:
    return enrolled_population * per_capita_fen + out_of_area_reserve_fen


def monthly_schedule(total_fen: int) -> list[int]:
    return allocate(total_fen, [1] * 12)


def period_budget(total_fen: int, period: Period) -> int:
    schedule = monthly_schedule(total_fen)
    return sum(schedule[m - 1] for m in period.month_numbers)
