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
            return (f"demo activity already loaded (fund year {year}); `make simulate` plays another year\n"
                    + load_open_year(gw, CONSORTIUM_ID))
        rep, _ = simulate(stack.gateway_url, "small", DEMO_SEED, year, progress=False)
        s, r = rep["settlement"], rep["referrals"]
        settled = (f"demo activity: fund year {year} settled (score {s['performance_score']}, balance "
                   f"{s['balance_fen']} fen), {rep['claims']['inserted']} claims, {r['upward']} upward / "
                   f"{r['downward']} downward / {r['out_of_county']} out-of-county referrals "
                   f"({r['booked_accepts']} accepts booked of {r['capacity_places']} places published), "
                   f"{rep['staff_registered']} staff in {rep['seconds']} s")
        return settled + "\n" + load_open_year(gw, CONSORTIUM_ID)
    except SimulationError as e:
        return f"demo activity not loaded: {e}"
    finally:
        gw.close()


# The open fund year has the composition of the README's worked example: 100,000 insured × 900 fen + a
# 10,000,000 fen out-of-area reserve = 100,000,000 fen; each past month has member-outpatient claims of three
# units in the example's 60/25/15 proportion (7,666,667 fen a month: 92,000,000 fen over a whole year).
OPEN_YEAR_BUDGET = {"enrolled_population": 100_000, "per_capita_fen": 900, "out_of_area_reserve_fen": 10_000_000}
OPEN_YEAR_MONTHLY_CLAIMS = (("county-peoples-hospital", 4_600_000), ("dachang-thc", 1_916_667),
                            ("luoping-thc", 1_150_000))


def load_open_year(gw, consortium_id: str) -> str:  # noqa: ANN001
    """This year's budget beside the settled demo year, still open: advances paid for the months begun, claims
    for the months past, nothing settled, so the worked example of the README can be followed on it."""
    from simulator.referrals import county_today

    today = county_today()
    year = today.year
    budgets = gw.call("insurance.officer", "GET", "/payment/budgets", params={"consortium_id": consortium_id}).json()
    if any(b["fund_year"] == year for b in (budgets["items"] if isinstance(budgets, dict) else budgets)):
        return f"open fund year {year}: already there"
    budget = gw.call("insurance.officer", "POST", "/payment/budgets", json={
        "consortium_id": consortium_id, "fund_year": year, "note": "演示: 当年基金年度 (open)",
        **OPEN_YEAR_BUDGET}).json()
    for month in range(1, today.month + 1):
        gw.call("insurance.officer", "POST", f"/payment/budgets/{budget['budget_id']}/advances/{year}-{month:02d}/pay")
    rows = [f"DEMO-{year}-{month:02d}-{n},member_outpatient,{org},{fen},{year}-{month:02d}-10"
            for month in range(1, today.month) for n, (org, fen) in enumerate(OPEN_YEAR_MONTHLY_CLAIMS, 1)]
    if rows:
        csv_text = "claim_no,kind,org_id,amount_fen,service_date\n" + "\n".join(rows) + "\n"
        gw.call("peoples.finance", "POST", "/payment/claims/uploads",
                files={"file": ("demo-open-year.csv", csv_text.encode(), "text/csv")})
    return (f"open fund year {year}: budget {budget['total_fen']:,} fen, advances paid for {today.month} months, "
            f"claims for {today.month - 1} months, nothing settled yet")
