"""A deterministic (seeded) county year, and a driver that plays it through the gateway.

`python -m devstack simulate` runs it; `make run` loads a small version as the demo activity.
The generator (`scenario.generate`) is pure; `driver.Driver` does the HTTP.
"""
from __future__ import annotations

from datetime import date


def free_year(gw, consortium_id: str, before: int | None = None) -> int:  # noqa: ANN001
    """The latest fund year before `before` (default: this year) without a budget for the consortium."""
    budgets = gw.call("insurance.officer", "GET", "/payment/budgets", params={"consortium_id": consortium_id}).json()
    items = budgets["items"] if isinstance(budgets, dict) else budgets
    taken = {b["fund_year"] for b in items}
    year = (before or date.today().year) - 1
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
