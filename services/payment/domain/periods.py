"""Accounting periods: a month (`2026-11`), a quarter (`2026-Q4`) or a fund year (`2026`).

Claims are booked into months; a quarter or a year is the run of its months. Month codes
sort as text, so a period is a range `first_month..last_month` in SQL as well as here.
The fund year is the calendar year (医保基金年度).
"""
from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from platform_common.errors import InvalidInput

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


def month_code(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def month_of(day: date) -> str:
    return month_code(day.year, day.month)


def next_month(code: str) -> str:
    year, month = int(code[:4]), int(code[5:7])
    return month_code(year + 1, 1) if month == 12 else month_code(year, month + 1)


@dataclass(frozen=True)
class Period:
    code: str
    kind: str  # month | quarter | year
    year: int
    first: int  # first month number (1..12)
    last: int

    @classmethod
    def parse(cls, text: str) -> "Period":
        text = (text or "").strip()
        if m := _MONTH.match(text):
            month = int(m.group(2))
            return cls(text, "month", int(m.group(1)), month, month)
        if m := _QUARTER.match(text):
            q = int(m.group(2))
            return cls(text, "quarter", int(m.group(1)), 3 * q - 2, 3 * q)
        if m := _YEAR.match(text):
            return cls(text, "year", int(m.group(1)), 1, 12)
        raise InvalidInput("period must look like 2026-11, 2026-Q4 or 2026", field="period")

    @property
    def first_month(self) -> str:
        return month_code(self.year, self.first)

    @property
    def last_month(self) -> str:
        return month_code(self.year, self.last)

    @property
    def months(self) -> list[str]:
        return [month_code(self.year, m) for m in range(self.first, self.last + 1)]

    @property
    def month_numbers(self) -> range:
        return range(self.first, self.last + 1)

    @property
    def start(self) -> date:
        return date(self.year, self.first, 1)

    @property
    def end(self) -> date:
        return date(self.year, self.last, monthrange(self.year, self.last)[1])

    def overlaps(self, other: "Period") -> bool:
        return self.year == other.year and self.first <= other.last and other.first <= self.last


def earliest_close(period: Period, from_day: int) -> date:
    """The first local day the period may be closed: day `from_day` of the month after its last month.

    The days between the end of the period and that day are the grace for late claims (the units and the
    insurance office file a month's claims in the first days of the next month). A quarter or a year ends
    with its last month, so it can close only when every one of its months can.
    """
    year, month = (period.year + 1, 1) if period.last == 12 else (period.year, period.last + 1)
    return date(year, month, from_day)


def book_month(service_date: date, closed_months: set[str]) -> tuple[str, bool]:
    """The month a claim is booked into, and whether it is late.

    A claim belongs to its service month; when that month is already settled (closed), it
    goes to the next open month and is flagged late, so a closed settlement never changes.
    """
    month = month_of(service_date)
    late = False
    while month in closed_months:
        month = next_month(month)
        late = True
    return month, late
