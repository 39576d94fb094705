"""Plays a generated county year through the gateway: setup, twelve months, the year's settlement.

Users act as they would: the bureau's HR office registers units, accounts and staff (the bulk route,
as an HR file would be uploaded); the insurance office sets the budget and policy, enrols residents,
pays advances and capitation and uploads each month's claim file (the CSV upload); clerks refer
patients up, down and out of the county; township managers request seconded staff, the lead
hospital's HR office approves and dispatches them; the analyst publishes indicators; and at the end
the insurance office settles the fund year.

Dates: the fund year is a past year, so it can be settled in full. Claim files, capitation, advances,
out-of-county service dates and visit volumes are in that year (monthly, with seasonality). What the
platform stamps with its own clock happens today: submitting, answering and completing a referral (a
completion cannot precede the arrival, nor the arrival the submission), follow-ups, secondments. So the
referral episodes' REF- claims are booked into the current month, not into the settled year, and the
referral counts and response times appear in the indicators of the current period.
"""
from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from gateway.demo import ORGANISATIONS

from . import capacity, secondments, staff
from .client import Gateway, Progress, SimulationError
from .county import clerk_of
from .referrals import ReferralTally, county_today, play_downward, play_out_of_county, play_upward
from .scenario import CountyYear
from .scenario_claims import claim_rows
from .secondments import LEAD_HR
from .staff import HR

IO, ANALYST = "insurance.officer", "bureau.analyst"


@dataclass
class RunTally:
    orgs_registered: int = 0
    accounts_created: int = 0
    staff_registered: int = 0
    capacity_places: int = 0  # places the county desks published for referrals
    claim_files: int = 0
    claims_rows: int = 0
    claims_inserted: int = 0
    claims_amount_fen: int = 0
    capitation_fen: int = 0
    advances_fen: int = 0
    secondments: Counter = field(default_factory=Counter)
    postings: int = 0
    referrals: ReferralTally = field(default_factory=ReferralTally)
    budget_id: str | None = None
    settlement: dict | None = None
    indicators: dict | None = None
    tidal_recommendations: int = 0
    current_indicators: dict | None = None
    seconds: float = 0.0


class Driver:
    def __init__(self, gw: Gateway, cy: CountyYear, workers: int = 6, progress: bool = True) -> None:
        self.gw, self.cy, self.workers = gw, cy, workers
        self.tally = RunTally()
        self.c = cy.consortium_id
        per_month = [[u for u in cy.upward if u.month == m] for m in range(1, 13)]
        total = (len(cy.orgs) + len(cy.accounts) + 4 + 12 * 5 + len(cy.upward) + len(cy.out_of_county)
                 + len(cy.secondments) + 6)
        self.per_month = per_month
        self.progress = Progress(total, enabled=progress)

    # -- the whole year ---------------------------------------------------------------------------
    def run(self) -> RunTally:
        started = time.monotonic()
        try:
            self.setup()
            for month in range(1, 13):
                self.month(month)
            self.close_year()
        finally:
            self.progress.finish()
            self.tally.seconds = time.monotonic() - started
        return self.tally

    def _parallel(self, fn, items) -> None:  # noqa: ANN001
        with ThreadPoolExecutor(self.workers) as pool:
            for _ in pool.map(fn, items):
                self.progress.advance()

    # -- setup ------------------------------------------------------------------------------------
    def setup(self) -> None:
        cy, gw = self.cy, self.gw
        self.progress.set_phase("registering units and accounts")

        def register(o) -> None:  # noqa: ANN001
            if not o.demo:
                gw.call(HR, "PUT", f"/organisations/{o.org_id}", json=o.registration())
                self.tally.orgs_registered += 1

        # Parents first: a village clinic names its township centre.
        self._parallel(register, [o for o in cy.orgs if o.kind != "village_clinic"])
        self._parallel(register, [o for o in cy.orgs if o.kind == "village_clinic"])

        def account(a) -> None:  # noqa: ANN001
            if not a.demo:
                r = gw.call(HR, "POST", "/users", ok=(201, 409), json={
                    "username": a.username, "password": gw.password, "org_id": a.org_id, "role": a.role,
                    "display_name": a.display_name})
                self.tally.accounts_created += r.status_code == 201

        self._parallel(account, cy.accounts)
        self.progress.set_phase("waiting for the services' directories")
        self.wait_directories(len({o.org_id for o in ORGANISATIONS} | {o.org_id for o in cy.orgs}))

        self.progress.set_phase("county desks publish their places for referrals (预约)")
        self.tally.capacity_places = capacity.publish(gw, cy.accounts, cy.upward, county_today(), self.workers)

        self.progress.set_phase("staff pool (bulk registration)")
        self.tally.staff_registered += staff.register(gw, cy)
        self.progress.advance()

        self.progress.set_phase("budget, policy, enrolment")
        year = cy.year
        r = gw.call(IO, "POST", "/payment/budgets", json=cy.budget)
        self.tally.budget_id = r.json()["budget_id"]
        gw.call(IO, "POST", "/payment/policies", json={
            "fund_year": year, "effective_from": f"{year}-01-01", "reason": "年度打包付费协议",
            "distribution_basis": "claims_amount"})
        self.progress.advance()

        def enrol(item) -> None:  # noqa: ANN001
            org_id, enrolled = item
            gw.call(IO, "PUT", f"/payment/enrolments/{org_id}", json={"effective_month": f"{year}-01",
                                                                     "enrolled": enrolled})

        with ThreadPoolExecutor(self.workers) as pool:
            list(pool.map(enrol, sorted(cy.enrolment.items())))
        self.progress.advance(2)

    def wait_directories(self, expected: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            body = self.gw._client().get("/health").json()
            counts = {n: s.get("detail", {}).get("directory", {}).get("organisations", 0)
                      for n, s in body.get("services", {}).items()}
            if counts and all(v >= expected for v in counts.values()):
                return
            if time.monotonic() > deadline:
                raise SimulationError(f"organisations did not reach every service: {counts}, expected {expected}")
            time.sleep(0.3)

    # -- one month --------------------------------------------------------------------------------
    def month(self, m: int) -> None:
        cy, gw, year = self.cy, self.gw, self.cy.year
        period = f"{year}-{m:02d}"
        self.progress.set_phase(f"{period}: advance, claims file, capitation")
        r = gw.call(IO, "POST", f"/payment/budgets/{self.tally.budget_id}/advances/{m}/pay").json()
        self.tally.advances_fen += r.get("amount_fen", 0)
        if m == 7 and cy.adjustment_fen:
            gw.call(IO, "POST", f"/payment/budgets/{self.tally.budget_id}/adjustments", json={
                "delta_fen": cy.adjustment_fen, "reason": "年中参保人数核定后调整"})
        rows = claim_rows(cy, m)
        self.upload_claims(period, rows)
        r = gw.call(IO, "POST", "/payment/capitation/runs", json={"consortium_id": self.c, "period": period})
        self.tally.capitation_fen += sum(p.get("amount_fen", 0) for p in r.json().get("paid", []))
        self.progress.advance(3)

        self.progress.set_phase(f"{period}: referrals")
        work = [("up", u) for u in self.per_month[m - 1]] + \
            [("ooc", o) for o in cy.out_of_county if o.service_date.month == m] + \
            [("sec", s) for i, s in enumerate(cy.secondments) if i * 12 // max(1, len(cy.secondments)) + 1 == m]
        self._parallel(self._work, work)

        self.progress.set_phase(f"{period}: visit volumes, indicators")
        # Village clinics' visits are reported by their township centre (乡村一体化: one statistics desk).
        parent = {o.org_id: o.parent_org_id for o in cy.orgs if o.kind == "village_clinic"}
        visits = Counter(parent.get(r[2], r[2]) for r in rows if r[1] == "member_outpatient")

        def report_visits(org) -> None:  # noqa: ANN001
            gw.call(clerk_of(cy.accounts, org.org_id), "PUT", f"/referral/visit-volumes/{period}",
                    json={"visits": visits.get(org.org_id, 0)})

        with ThreadPoolExecutor(self.workers) as pool:
            list(pool.map(report_visits, [o for o in cy.orgs if o.kind != "village_clinic"]))
        gw.call(ANALYST, "POST", "/referral/indicators/publish", json={"period": period, "consortium_id": self.c})
        self.progress.advance(2)

    def upload_claims(self, period: str, rows: list[tuple]) -> None:
        lines = ["claim_no,kind,org_id,amount_fen,service_date"]
        lines += [f"{a},{b},{c},{d},{e}" for a, b, c, d, e in rows]
        data = ("\n".join(lines) + "\n").encode()
        r = self.gw.call(IO, "POST", "/payment/claims/uploads",
                         files={"file": (f"claims-{period}.csv", data, "text/csv")}).json()
        self.tally.claim_files += 1
        self.tally.claims_rows += r["rows"]
        self.tally.claims_inserted += r["inserted"]
        self.tally.claims_amount_fen += r["amount_fen"]
        if r["rejected"]:
            self.gw.note_error(f"claims {period}: {r['rejected']} rows rejected, e.g. {r['errors'][:2]}")

    def _work(self, item) -> None:  # noqa: ANN001
        kind, x = item
        try:
            if kind == "up":
                rid = play_upward(self.gw, self.cy.accounts, x, self.tally.referrals)
                if rid and x.recommend_downward:
                    down = next(d for d in self.cy.downward if d.source_no == x.no)
                    play_downward(self.gw, self.cy.accounts, down, rid, self.tally.referrals)
            elif kind == "ooc":
                play_out_of_county(self.gw, self.cy.accounts, x, self.tally.referrals)
            else:
                secondments.play(self.gw, self.cy.accounts, x, self.tally)
        except SimulationError as e:
            self.gw.note_error(str(e))

    # -- the end of the year ----------------------------------------------------------------------
    def close_year(self) -> None:
        gw, year = self.gw, str(self.cy.year)
        self.progress.set_phase("publishing the year's indicators")
        gw.call(ANALYST, "POST", "/referral/indicators/publish", json={"period": year, "consortium_id": self.c})
        self.progress.advance()
        self.progress.set_phase("waiting for referral claims in payment")
        t = self.tally
        # Completed upward referrals are served today (the platform's clock), so their REF- claims land in the
        # current month; the fund year gets the claim files and the out-of-county referrals.
        expected = t.claims_amount_fen + t.referrals.out_of_county_fen
        self._wait(lambda: gw.call(IO, "GET", "/payment/performance", params={
            "consortium_id": self.c, "period": year}).json()["claims_fen"] >= expected, "referral claims")
        self._wait(lambda: gw.call(IO, "GET", "/payment/indicators", params={
            "consortium_id": self.c, "period": year}).json()["indicators"], "the year's indicators")
        self.progress.advance(2)
        self.progress.set_phase("tidal dispatch, settlement")
        r = gw.call(LEAD_HR, "POST", "/staffing/tidal/recommendations/generate").json()
        t.tidal_recommendations = len(r) if isinstance(r, list) else len(r.get("items", []))
        settlement_id = gw.call(IO, "POST", "/payment/settlements",
                                json={"consortium_id": self.c, "period": year}).json()["settlement_id"]
        t.settlement = gw.call(IO, "GET", f"/payment/settlements/{settlement_id}").json()
        t.indicators = gw.call(ANALYST, "GET", "/referral/indicators", params={"period": year}).json()
        # Referral activity happened on the platform's clock: this year's figures (see the module docstring).
        this_year = str(county_today().year)
        t.current_indicators = gw.call(ANALYST, "GET", "/referral/indicators", params={"period": this_year}).json()
        self.progress.advance(3)

    @staticmethod
    def _wait(check, what: str, timeout: float = 60) -> None:  # noqa: ANN001
        deadline = time.monotonic() + timeout
        while not check():
            if time.monotonic() > deadline:
                raise SimulationError(f"timed out waiting for {what}")
            time.sleep(0.3)
