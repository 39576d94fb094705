"""Indicator arithmetic: periods, rates in basis points, nearest-rank percentiles.

Rates are integer basis points (10000 = 100%), rounded half up; never floats.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from platform_common.errors import InvalidInput

_MONTH = re.compile(r"^([12]\d{3})-(0[1-9]|1[0-2])$", re.ASCII)
_QUARTER = re.compile(r"^([12]\d{3})-Q([1-4])$", re.ASCII)
_YEAR = re.compile(r"^([12]\d{3})$", re.ASCII)


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date  # inclusive

    def months(self) -> list[str]:
        return [f"{self.start.year}-{m:02d}" for m in range(self.start.month, self.end.month + 1)]


def parse_period(label: str, field: str = "period") -> Period:
    if m := _MONTH.match(label):
        y, mo = int(m[1]), int(m[2])
        return Period(label, date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1]))
    if m := _QUARTER.match(label):
        y, q = int(m[1]), int(m[2])
        first, last = 3 * q - 2, 3 * q
        return Period(label, date(y, first, 1), date(y, last, calendar.monthrange(y, last)[1]))
    if m := _YEAR.match(label):
        y = int(m[1])
        return Period(label, date(y, 1, 1), date(y, 12, 31))
    raise InvalidInput("period is a month (2026-11), a quarter (2026-Q4) or a year (2026)", field=field)


def rate_bp(numerator: int, denominator: int) -> int | None:
    """numerator/denominator in basis points, half up; None when there is nothing to divide."""
    if denominator == 0:
        return None
    return int((Decimal(numerator) * 10000 / Decimal(denominator)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def nearest_rank(n: int, percent: int) -> int | None:
    """1-based rank of the `percent`-th percentile among n sorted values (nearest-rank method)."""
    if n == 0:
        return None
    return max(1, -(-percent * n // 100))


@dataclass(frozen=True)
class IndicatorCounts:
    completed_upward: int        # episodes treated at a county hospital of the consortium
    reported_visits: int         # visit volumes units reported for the period (may be 0)
    out_of_county: int           # 转外就医 episodes recorded
    upward: int
    downward: int
    decisions: int               # accept + reject + redirect answers given
    acceptances: int
    chronic_patients: int        # distinct 两慢病 patients with any referral episode
    chronic_patients_down: int   # of whom referred down
    median_response_minutes: int | None = None  # of the answers given (nearest rank); None without any
    p90_response_minutes: int | None = None


def county_domain_visit_rate_bp(c: IndicatorCounts) -> int | None:
    in_county = c.completed_upward + c.reported_visits
    return rate_bp(in_county, in_county + c.out_of_county)


# The monthly automatic publication (service_layer/auto_publish.py): which months are due.
def shift_month(label: str, months: int) -> str:
    index = int(label[:4]) * 12 + int(label[5:7]) - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def due_month(today: date, after_days: int) -> str:
    """The latest month due by `today` (local): month M is due from the first of M+1 plus `after_days`."""
    shifted = today - timedelta(days=after_days)
    return shift_month(f"{shifted.year:04d}-{shifted.month:02d}", -1)


def months_due(due: str, first_month: str | None, published: set[str], catch_up: int) -> list[str]:
    """Months to publish, oldest first: from the first month with referral data (never empty history), at most
    `catch_up` months back from `due`, skipping those already published."""
    if first_month is None or first_month > due:
        return []
    start = max(first_month, shift_month(due, 1 - catch_up))
    months, m = [], start
    while m <= due:
        if m not in published:
            months.append(m)
        m = shift_month(m, 1)
    return months
