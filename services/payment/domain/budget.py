"""The outpatient bundle budget of a consortium for a fund year (总额预算, 含异地就医费用).

total = enrolled population × per-capita amount + out-of-area reserve + Σ negotiated adjustments.
The monthly schedule (预拨) spreads the total evenly over the 12 months, largest remainder
first so the months add up to the total; a period's budget is the sum of its months.

A settled period keeps the budget it was settled with. A negotiated adjustment made after
some periods are settled is therefore spread over the months still open: the months of the
year always add up to the current total, and no closed period is re-computed.
"""
from __future__ import annotations

from typing import Iterable, NamedTuple

from platform_common.errors import Conflict

from .money import allocate
from .periods import Period


class ScheduleError(Conflict):
    """The settled periods leave the open months less than nothing, or a final total changed."""


class SettledPeriod(NamedTuple):
    """A settled period of the fund year: its first and last month numbers (1..12) and the budget it kept."""

    first: int
    last: int
    budget_fen: int


def base_total(enrolled_population: int, per_capita_fen: int, out_of_area_reserve_fen: int) -> int:
    return enrolled_population * per_capita_fen + out_of_area_reserve_fen


def monthly_schedule(total_fen: int, settled: Iterable[SettledPeriod] = ()) -> list[int]:
    """Budget of each month 1..12. The fund year's settled periods keep their budget (spread evenly inside
    the period); the rest of the total is spread evenly over the open months."""
    months: list[int | None] = [None] * 12
    settled_fen = 0
    for first, last, budget_fen in settled:
        for number, part in zip(range(first, last + 1), allocate(budget_fen, [1] * (last - first + 1))):
            months[number - 1] = part
        settled_fen += budget_fen
    open_months = [i for i, m in enumerate(months) if m is None]
    remaining = total_fen - settled_fen
    if open_months:
        if remaining < 0:
            raise ScheduleError(f"settled periods took {settled_fen} fen, more than the total {total_fen}",
                                field="total_fen", settled_budget_fen=settled_fen)
        for i, part in zip(open_months, allocate(remaining, [1] * len(open_months))):
            months[i] = part
    elif remaining != 0:
        raise ScheduleError("every month of the fund year is settled; the total can no longer change",
                            field="total_fen", state="closed")
    return [m or 0 for m in months]


def settled_months(settled: Iterable[SettledPeriod]) -> set[int]:
    """The month numbers (1..12) that the settled periods cover."""
    return {m for p in settled for m in range(p.first, p.last + 1)}


def period_budget(total_fen: int, period: Period, settled: Iterable[SettledPeriod] = ()) -> int:
    schedule = monthly_schedule(total_fen, settled)
    return sum(schedule[m - 1] for m in period.month_numbers)
