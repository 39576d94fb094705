"""Out-of-county referrals by specialty (转外率 by specialty): the consortium's weak-specialty list.

Each month, for each specialty with at least one patient referred out of the county, how many left and what
share they are of all the referrals out of that month (upward to a county hospital + out of the county): a
specialty high on this list is one the county could not treat and should build (薄弱专科). The share within the
specialty (its referrals out that left the county rather than going up inside it) says how weak it is even
where it is rare.
"""
from __future__ import annotations

from dataclasses import dataclass

from .indicators import rate_bp


@dataclass(frozen=True)
class SpecialtyCount:
    """A count of referrals out for one specialty in one month (from the queries)."""

    specialty: str
    count: int


@dataclass(frozen=True)
class SpecialtyOutflow:
    month: str
    specialty: str
    out_of_county_count: int
    referrals_out_count: int            # all referrals out of the scope in the month, every specialty
    out_of_county_rate_bp: int          # out_of_county_count ÷ referrals_out_count, half up
    specialty_referrals_out_count: int  # the specialty's own referrals out (upward + out of county)
    within_specialty_bp: int            # out_of_county_count ÷ specialty_referrals_out_count, half up


def outflow_by_specialty(month: str, upward: list[SpecialtyCount],
                         out_of_county: list[SpecialtyCount]) -> list[SpecialtyOutflow]:
    """The month's rows, highest rate first (ties by specialty name): the order of the weak-specialty list."""
    ups = {c.specialty: c.count for c in upward}
    total = sum(ups.values()) + sum(c.count for c in out_of_county)
    rows = []
    for c in out_of_county:
        if c.count == 0:
            continue
        own = ups.get(c.specialty, 0) + c.count
        rows.append(SpecialtyOutflow(
            month=month, specialty=c.specialty, out_of_county_count=c.count, referrals_out_count=total,
            out_of_county_rate_bp=rate_bp(c.count, total) or 0, specialty_referrals_out_count=own,
            within_specialty_bp=rate_bp(c.count, own) or 0))
    return sorted(rows, key=lambda r: (-r.out_of_county_rate_bp, -r.out_of_county_count, r.specialty))
