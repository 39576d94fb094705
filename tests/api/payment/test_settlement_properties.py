"""Property: through the API, settlement agrees with an independent reference over random inputs,
and the ledger sums to zero entry by entry."""
import tempfile
from collections import defaultdict
from fractions import Fraction
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from services.payment import bootstrap
from services.payment.settings import PaymentSettings
from tests.api.payment.conftest import FINANCE, INSURANCE, claim, ledger_sums_to_zero, settle, upload
from tests.support.clock import frozen_clock
from tests.support.service_app import service_client

UNITS = ["county-peoples-hospital", "county-tcm-hospital", "dachang-thc", "luoping-thc", "luoping-yuping-vc"]
KINDS = ["member_outpatient", "out_of_area", "out_of_county_referral"]
BANDS = [(90, 10000), (80, 8000), (70, 6000), (60, 4000)]

# service dates up to October: the tests run in late 2026 and future dates are refused
claims_strategy = st.lists(st.tuples(st.sampled_from(UNITS), st.sampled_from(KINDS), st.integers(1, 10),
                                     st.integers(1, 5_000_000), st.booleans()), max_size=25)


def half_up(x: Fraction) -> int:
    return int(x + Fraction(1, 2)) if x >= 0 else -int(-x + Fraction(1, 2))


def reference(budget_fen, claims, period_months, score):
    """Written from the rules in docs/payment.md and the default policy, independently of the service's code."""
    actual = sum(amount for _, _, month, amount, _ in claims if month in period_months)
    balance = budget_fen - actual
    if balance >= 0:
        ratio = next((r for s, r in BANDS if score >= s), 0)
        retained = half_up(Fraction(balance * ratio, 10000))
        return {"actual_fen": actual, "retained_fen": retained, "fund_share_fen": 0, "consortium_share_fen": 0}
    band = half_up(Fraction(budget_fen * 1000, 10000))
    fund = half_up(Fraction(min(-balance, band) * 5000, 10000))
    return {"actual_fen": actual, "retained_fen": 0, "fund_share_fen": fund, "consortium_share_fen": -balance - fund}


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=st.integers(0, 50_000), per_capita=st.integers(0, 3_000), claims=claims_strategy,
       period=st.sampled_from(["2026", "2026-Q2", "2026-07"]), score=st.integers(0, 100))
def test_settlement_agrees_with_the_reference(people, per_capita, claims, period, score):
    # February 2027: every period of 2026 has ended and its grace has passed
    with tempfile.TemporaryDirectory() as tmp, service_client(bootstrap, PaymentSettings, Path(tmp)) as client, \
            frozen_clock("2027-02-01T10:00:00+08:00"):
        budget = client.post("/budgets", headers=INSURANCE, json={
            "consortium_id": "wushan", "fund_year": 2026, "enrolled_population": people,
            "per_capita_fen": per_capita}).json()
        rows = ["claim_no,kind,org_id,amount_fen,service_date"]
        for i, (org, kind, month, amount, by_api) in enumerate(claims):
            if by_api:
                assert claim(client, f"A-{i}", amount, org=org, kind=kind, day=f"2026-{month:02d}-15").status_code == 201
            else:
                rows.append(f"U-{i},{kind},{org},{amount},2026-{month:02d}-15")
        assert upload(client, "\n".join(rows) + "\n").json()["rejected"] == 0
        months = {"2026": range(1, 13), "2026-Q2": range(4, 7), "2026-07": [7]}[period]
        budget_fen = sum(m["scheduled_fen"] for m in budget["advance_schedule"] if int(m["month"][5:]) in months)

        r = settle(client, period, score=str(score))
        want = reference(budget_fen, claims, set(months), score)
        if want["retained_fen"] and not any(k == "member_outpatient" and m in months for _, k, m, _, _ in claims):
            # a surplus to share and no member-outpatient claims to weigh it by: refused, never shared equally
            assert r.status_code == 409 and r.json()["error"]["details"]["distribution_basis"] == "claims_amount"
            assert client.get("/settlements", headers=FINANCE, params={"consortium_id": "wushan"}).json() == []
            ledger_sums_to_zero(client)
            return
        got = r.json()
        assert {k: got[k] for k in want} == want
        assert sum(got["split"].values()) == got["retained_fen"]
        paid = defaultdict(int)
        for d in got["distributions"]:
            paid[d["org_id"]] += d["amount_fen"]
        assert sum(paid.values()) == got["retained_fen"]
        # only units with member-outpatient claims in the period share, weighted by them
        worked = {o for o, k, m, _, _ in claims if k == "member_outpatient" and m in months}
        assert set(paid) <= worked and {d["basis"] for d in got["distributions"]} <= {"claims_amount"}
        ledger_sums_to_zero(client)
        balances = client.get("/ledger/balances", headers=FINANCE, params={"consortium_id": "wushan"}).json()
        assert balances["total_fen"] == 0
