"""A deterministic (seeded) county year, and a driver that plays it through the gateway.

`python -m devstack simulate` runs it; `make run` loads a small version as the demo activity.
The generator (`scenario.generate`) is pure; `driver.Driver` does the HTTP.
"""
from __future__ import annotations

from datetime import timedelta


def last_closable_year() -> int:
    """The latest fund year that payment lets close today in the county: a year closes from a day of the next
    January (PAYMENT_CLOSE_FROM_DAY, at most the 28th), so in the first 28 days of a year it is the one before last."""
    from .referrals import county_today

    return (county_today() - timedelta(days=28)).year - 1


def free_year(gw, consortium_id: str, before: int | None = None) -> int:  # noqa: ANN001
    """The latest fund year up to `before` (default: the last one that can close) without a budget."""
    budgets = gw.call("insurance.officer", "GET", "/payment/budgets", params={"consortium_id": consortium_id}).json()
    items = budgets["items"] if isinstance(budgets, dict) else budgets
    taken = {b["fund_year"] for b in items}
    year = before or last_closable_year()
    while year in taken:
        year -= 1
    return year


def simulate(gateway_url: str, scale: str, seed: int, year: int | None = None, *, workers: int = 6,
             progress: bool = True) -> tuple[dict, str]:
    """Generate and play a county year; returns the report (dict) and its text."""
    from gateway.demo import CONSORTIUM_ID

    from . import report
    from .client import Gateway
    from .driver import Driver
    from .scenario import generate

    gw = Gateway(gateway_url)
    try:
        year = year or free_year(gw, CONSORTIUM_ID)
        cy = generate(scale, seed, year)
        tally = Driver(gw, cy, workers=workers, progress=progress).run()
        rep = report.build(cy, tally, gw)
        return rep, report.render(rep)
    finally:
        gw.close()
