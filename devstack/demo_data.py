"""Demo activity loaded through the gateway after the stack is up: a small simulated county year.

Skipped when it is already there (a second `make run` on the same var/ directory): the marker is the
demo fund year's budget in payment.
"""
from __future__ import annotations

from .stack import Stack

DEMO_SEED = 1


def demo_year() -> int:
    """The settled demo fund year: the last one that can be closed today (last year, after January's grace)."""
    from simulator import last_closable_year

    return last_closable_year()


def load_demo_activity(stack: Stack) -> str:
    """Load a small county year (seed 1, the last fund year) through the public API; returns a summary line."""
    from gateway.demo import CONSORTIUM_ID
    from simulator import simulate
    from simulator.client import Gateway, SimulationError

    year = demo_year()
    gw = Gateway(stack.gateway_url)
    try:
        budgets = gw.call("insurance.officer", "GET", "/payment/budgets",
                          params={"consortium_id": CONSORTIUM_ID}).json()
        items = budgets["items"] if isinstance(budgets, dict) else budgets
        if any(b["fund_year"] == year for b in items):
            return f"demo activity already loaded (fund year {year}); `make simulate` plays another year"
        rep, _ = simulate(stack.gateway_url, "small", DEMO_SEED, year, progress=False)
    except SimulationError as e:
        return f"demo activity not loaded: {e}"
    finally:
        gw.close()
    s, r = rep["settlement"], rep["referrals"]
    return (f"demo activity: fund year {year} settled (score {s['performance_score']}, balance "
            f"{s['balance_fen']} fen), {rep['claims']['inserted']} claims, {r['upward']} upward / {r['downward']} "
            f"downward / {r['out_of_county']} out-of-county referrals, {rep['staff_registered']} staff "
            f"in {rep['seconds']} s")
