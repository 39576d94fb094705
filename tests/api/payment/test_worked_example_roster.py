"""The worked example of docs/payment.md ("A township from roster to retained surplus"), step by step through the
API: 大昌's roster, March's capitation, the fee split, coverage against 73%, and 大昌's appraisal score feeding its
share of the retained surplus. Every number the document shows is asserted here."""
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from tests.api.payment.conftest import FINANCE, INSURANCE, claim, deliver, ledger_sums_to_zero, settle
from tests.api.payment.roster_support import nid, roster_csv, upload_roster

POLICY = {"fund_year": 2026, "effective_from": "2026-01-01", "reason": "2026 年家庭医生签约与成员单位考核",
          "distribution_basis": "appraisal_score", "capitation_fen_per_resident_month": 1000,
          "primary_care": {"key_group_weights_bp": {"elderly": 12000, "diabetes": 15000},
                           "packages": {"basic": {"fee_fen_per_year": 12000, "fund_bp": 5000,
                                                  "public_health_bp": 4000, "resident_bp": 1000}},
                           "coverage_target_bp": 7300}}


def figures(org_id, in_county, out_of_county, acceptance, chronic, median):
    return {"consortium_id": "wushan", "org_id": org_id, "period": "2026-03", "period_start": "2026-03-01",
            "period_end": "2026-03-31", "county_domain_visit_rate_bp": None, "upward_count": 10, "downward_count": 5,
            "out_of_county_count": out_of_county, "acceptance_rate_bp": acceptance, "median_response_minutes": median,
            "p90_response_minutes": median, "chronic_downward_share_bp": chronic, "in_county_visits": in_county,
            "out_of_county_by_specialty": []}


def points(value, target, lower=False):
    raw = Fraction(target, value) if lower else Fraction(value, target)
    return min(Fraction(100), raw * 100)


def score(parts):  # [(weight_bp, points)]
    exact = sum(w * p for w, p in parts) / sum(w for w, _ in parts)
    return Decimal(exact.numerator) / Decimal(exact.denominator)


def test_a_township_from_its_roster_to_its_share_of_the_retained_surplus(client):
    r = client.post("/budgets", headers=INSURANCE, json={
        "consortium_id": "wushan", "fund_year": 2026, "enrolled_population": 100_000, "per_capita_fen": 1_200,
        "out_of_area_reserve_fen": 0, "note": "示例"})
    assert r.status_code == 201 and r.json()["total_fen"] == 120_000_000  # 10,000,000 a month
    assert client.post("/policies", headers=INSURANCE, json=POLICY).status_code == 201

    # 1. 大昌's roster: 250 contracts, 96 elderly, 50 diabetic, 104 in no key group; 骡坪 80, 50 hypertensive
    rows = [(nid(i), "dachang-thc", "家医一队", "basic", "elderly" if i < 96 else "diabetes" if i < 146 else "",
             "2026-01-01", "") for i in range(250)]
    rows += [(nid(1000 + i), "luoping-thc", "家医一队", "basic", "hypertension" if i < 50 else "", "2026-02-01", "")
             for i in range(80)]
    assert upload_roster(client, roster_csv(rows), FINANCE).json()["inserted"] == 330
    for org, people in (("dachang-thc", 200), ("luoping-thc", 100)):
        assert client.put(f"/census/{org}", headers=FINANCE, json={
            "as_of": "2026-01-01", "populations": {"any_key_group": people}}).status_code == 200

    # 2. March's capitation: 104 × 1,000 + 96 × 1,200 + 50 × 1,500 = 294,200 fen, and the fund's share of each
    #    contract's fee in its first paid month: 250 × 6,000 = 1,500,000
    run = client.post("/capitation/runs", headers=INSURANCE, json={"consortium_id": "wushan", "period": "2026-03"})
    paid = {p["org_id"]: p for p in run.json()["paid"]}
    assert (paid["dachang-thc"]["capitation_fen"], paid["dachang-thc"]["fee_fund_fen"]) == (294_200, 1_500_000)
    assert (paid["luoping-thc"]["capitation_fen"], paid["luoping-thc"]["fee_fund_fen"]) == (80_000, 480_000)

    # 3. the fee split: 12,000 a year per contract, fund 6,000, public health 4,800, resident 1,200
    split = client.get("/roster/fee-split", headers=FINANCE, params={"consortium_id": "wushan",
                                                                    "period": "2026-03"}).json()
    dachang = next(line for line in split["lines"] if line["org_id"] == "dachang-thc")
    assert (dachang["fee_fen"], dachang["fund_fen"], dachang["public_health_fen"], dachang["resident_fen"]) == (
        3_000_000, 1_500_000, 1_200_000, 300_000)

    # 4. coverage on 31 March against 73%: 大昌 146 / 200 = 73.00% met; 骡坪 50 / 100 = 50.00%, 23 short
    cover = client.get("/roster/coverage", headers=FINANCE, params={"consortium_id": "wushan",
                                                                   "on": "2026-03-31"}).json()
    line = {(c["org_id"], c["group"]): c for c in cover["lines"]}
    assert (line[("dachang-thc", "any_key_group")]["coverage_bp"], line[("dachang-thc", "any_key_group")][
        "meets_target"]) == (7300, True)
    assert (line[("luoping-thc", "any_key_group")]["coverage_bp"], line[("luoping-thc", "any_key_group")][
        "shortfall"]) == (5000, 23)
    assert line[("dachang-thc", "all_residents")]["population_source"] == "registry"  # 38,000 served

    # 5. March's claims, and the referral service's figures of each unit
    claim(client, "E-1", 4_000_000, org="county-peoples-hospital", day="2026-03-05")
    claim(client, "E-2", 1_500_000, org="dachang-thc", day="2026-03-05")
    claim(client, "E-3", 600_000, org="luoping-thc", day="2026-03-05")
    for i in range(40):
        claim(client, f"OA-D{i}", 1_000, org="dachang-thc", kind="out_of_area", day="2026-03-06")
    for i in range(30):
        claim(client, f"OA-L{i}", 1_000, org="luoping-thc", kind="out_of_area", day="2026-03-06")
    deliver(client, "ReferralIndicatorsPublished", figures("dachang-thc", 810, 150, 9000, 3000, 30))
    deliver(client, "ReferralIndicatorsPublished", figures("luoping-thc", 720, 250, 9000, 1500, 60))
    deliver(client, "ReferralIndicatorsPublished", figures("county-peoples-hospital", 9000, 1000, 8000, 3000, 15))

    # 6. the appraisal: each indicator with its value, target and points
    report = client.get("/appraisal", headers=FINANCE, params={"consortium_id": "wushan", "period": "2026-03"}).json()
    units = {u["org_id"]: u for u in report["units"]}
    d = {i["code"]: i for i in units["dachang-thc"]["indicators"]}
    assert d["county_domain_visit_rate"]["value"] == 8100  # 810 / (810 + 150 referred out + 40 out-of-area)
    assert d["key_group_coverage"]["value"] == 7300 and d["key_group_coverage"]["points"] == "100.00"
    assert d["primary_fund_share"]["value"] is None  # a consortium figure
    expected = {
        "dachang-thc": score([(2500, points(8100, 9000)), (1500, points(7300, 7300)), (1000, 100), (1000, 100),
                              (1000, 100)]),
        "luoping-thc": score([(2500, points(7200, 9000)), (1500, points(5000, 7300)), (1000, points(1500, 3000)),
                              (1000, 100), (1000, points(60, 30, lower=True))]),
        "county-peoples-hospital": score([(2500, 100), (1000, 100), (1000, points(8000, 9000)), (1000, 100)]),
    }
    cent = Decimal("0.01")
    for org, exact in expected.items():
        assert units[org]["score"] == str(exact.quantize(cent, rounding=ROUND_HALF_UP)), org
    assert [units[o]["score"] for o in ("dachang-thc", "luoping-thc", "county-peoples-hospital")] == [
        "96.43", "71.82", "97.98"]
    assert units["guandu-thc"]["score"] is None  # nothing known of it: no share
    consortium = {i["code"]: i for i in report["consortium"]["indicators"]}
    share = client.get("/primary-share", headers=FINANCE, params={"consortium_id": "wushan",
                                                                 "period": "2026-03"}).json()
    assert (share["primary_claims_fen"], share["capitation_fen"], share["all_payments_fen"]) == (
        2_100_000, 2_354_200, 8_524_200)
    assert consortium["primary_fund_share"]["value"] == share["share_bp"] == 5225

    # 7. closing March: 10,000,000 − 8,524,200 = 1,475,800 surplus, score 90 keeps it all, split 60/20/20, each
    #    purpose shared by the units' scores in hundredths: 9,643 / 7,182 / 9,798
    closed = settle(client, "2026-03", score="90", reason="2026 年 3 月考核")
    assert closed.status_code == 201, closed.text
    statement = closed.json()
    assert (statement["actual_fen"], statement["retained_fen"]) == (8_524_200, 1_475_800)
    got = {(d["org_id"], d["purpose"]): d for d in statement["distributions"]}
    assert got[("dachang-thc", "performance_pay")]["weight"] == 9643
    assert got[("dachang-thc", "performance_pay")]["basis"] == "appraisal_score"
    weights = {"dachang-thc": 9643, "luoping-thc": 7182, "county-peoples-hospital": 9798}
    for (org, purpose), row in got.items():  # each part within a fen of its exact share
        exact = Fraction(statement["split"][purpose] * weights[org], sum(weights.values()))
        assert abs(row["amount_fen"] - exact) < 1
    dachang = [got[("dachang-thc", p)]["amount_fen"] for p in ("performance_pay", "talent_training",
                                                                 "specialty_building")]
    assert statement["split"] == {"performance_pay": 885_480, "talent_training": 295_160,
                                  "specialty_building": 295_160}
    assert dachang == [320_726, 106_909, 106_909] and sum(dachang) == 534_544
    assert sum(v["amount_fen"] for v in got.values()) == 1_475_800
    ledger_sums_to_zero(client)
