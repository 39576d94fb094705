"""The end-of-year report: what was driven, what the services say, the settlement statement and indicators."""
from __future__ import annotations

from .client import Gateway
from .driver import IO, RunTally
from .scenario import CountyYear


def platform_counts(gw: Gateway, cy: CountyYear, t: RunTally) -> dict:
    """The year's figures as the services report them (the integration test compares them with the tally)."""
    year, c = cy.year, cy.consortium_id
    claims = [gw.call(IO, "GET", "/payment/claims", params={"consortium_id": c, "period": f"{year}-{m:02d}",
                                                             "limit": 1}).json() for m in range(1, 13)]
    ooc = [gw.call(IO, "GET", "/payment/claims", params={"consortium_id": c, "period": f"{year}-{m:02d}",
                                                          "kind": "out_of_county_referral", "limit": 1}).json()
           for m in range(1, 13)]
    capitation = gw.call(IO, "GET", "/payment/capitation", params={"consortium_id": c}).json()
    ref_ids = t.referrals.claim_referral_ids[:50]  # a sample at full scale: one GET each
    found = sum(gw.call(IO, "GET", f"/payment/claims/REF-{rid}", ok=(200, 404)).status_code == 200 for rid in ref_ids)
    return {
        "claims": sum(x["total"] for x in claims),
        "claims_fen": sum(x["amount_fen"] for x in claims),
        "out_of_county_claims": sum(x["total"] for x in ooc),
        "capitation_fen": sum(p["amount_fen"] for p in capitation if p["period"].startswith(f"{year}-")),
        "staff": gw.call("bureau.hr", "GET", "/staffing/staff", params={"limit": 1}).json()["total"],
        "referral_claims_checked": len(ref_ids), "referral_claims_found": found,
    }


def build(cy: CountyYear, t: RunTally, gw: Gateway) -> dict:
    r = t.referrals
    s = t.settlement or {}
    ind = (t.indicators or {})
    return {
        "scale": cy.scale.name, "seed": cy.seed, "fund_year": cy.year, "seconds": round(t.seconds, 1),
        "requests": gw.requests, "errors": gw.errors[:20], "error_count": len(gw.errors),
        "organisations": {"county_hospitals": sum(o.kind == "county_hospital" for o in cy.orgs),
                          "township_centres": sum(o.kind == "township_centre" for o in cy.orgs),
                          "village_clinics": sum(o.kind == "village_clinic" for o in cy.orgs),
                          "registered_now": t.orgs_registered, "accounts_created": t.accounts_created},
        "residents": cy.scale.residents, "enrolled": sum(cy.enrolment.values()),
        "staff_registered": t.staff_registered,
        "referrals": {"upward": r.upward_submitted, "by_urgency": dict(sorted(r.by_urgency.items())),
                      "by_outcome": dict(sorted(r.by_outcome.items())), "downward": r.downward_issued,
                      "downward_accepted": r.downward_accepted, "capability_overrides": r.downward_overrides,
                      "follow_ups_recorded": r.follow_ups_recorded, "out_of_county": r.out_of_county,
                      "capacity_places": t.capacity_places, "booked_accepts": r.booked_accepts,
                      "overflow_accepts": r.overflow_accepts},
        "secondments": dict(t.secondments), "postings": t.postings, "tidal_recommendations": t.tidal_recommendations,
        "claims": {"files": t.claim_files, "rows": t.claims_rows, "inserted": t.claims_inserted,
                   "uploaded_fen": t.claims_amount_fen, "from_referrals": r.completed_with_claim + r.out_of_county,
                   "from_referrals_fen": r.completed_fund_fen + r.out_of_county_fen},
        "capitation_fen": t.capitation_fen, "advances_fen": t.advances_fen,
        "settlement": {k: s.get(k) for k in (
            "settlement_id", "period", "budget_fen", "claims_fen", "capitation_fen", "actual_fen", "balance_fen",
            "performance_score", "retention_ratio_bp", "retained_fen", "returned_to_fund_fen", "fund_share_fen",
            "consortium_share_fen", "split")},
        "distributions": _top_distributions(s),
        "indicators": {k: ind.get(k) for k in (
            "county_domain_visit_rate_bp", "upward_count", "downward_count", "out_of_county_count",
            "acceptance_rate_bp", "median_response_minutes", "p90_response_minutes", "chronic_downward_share_bp")},
        "current_indicators": t.current_indicators,
        "platform": platform_counts(gw, cy, t),
        "latency_ms": latency(gw),
    }


def latency(gw: Gateway) -> dict:
    """p50/p99 of each route the users called, in milliseconds (client side, through the gateway)."""
    out = {}
    for route, xs in sorted(gw.seconds.items()):
        xs = sorted(xs)
        out[route] = {"n": len(xs), "p50": round(xs[len(xs) // 2] * 1000, 1),
                      "p99": round(xs[min(len(xs) - 1, int(len(xs) * 0.99))] * 1000, 1)}
    return out


def _top_distributions(s: dict) -> list[dict]:
    by_org: dict[str, int] = {}
    for d in s.get("distributions", []) or []:
        by_org[d["org_id"]] = by_org.get(d["org_id"], 0) + d["amount_fen"]
    return [{"org_id": o, "amount_fen": a} for o, a in sorted(by_org.items(), key=lambda x: -x[1])[:5]]


def yuan(fen: int | None) -> str:
    return "—" if fen is None else f"{fen / 100:,.2f}"  # display only; amounts stay integer fen


def render(rep: dict) -> str:
    o, r, c, s, i, p = (rep["organisations"], rep["referrals"], rep["claims"], rep["settlement"],
                        rep["indicators"], rep["platform"])
    cur = rep["current_indicators"] or {}
    pct = lambda bp: "—" if bp is None else f"{bp / 100:.2f}%"  # noqa: E731
    lines = [
        f"County year {rep['fund_year']} (scale {rep['scale']}, seed {rep['seed']}): {rep['seconds']} s, "
        f"{rep['requests']} requests, {rep['error_count']} errors",
        f"  units: {o['county_hospitals']} county hospitals, {o['township_centres']} township centres, "
        f"{o['village_clinics']} village clinics; {rep['residents']:,} residents, {rep['enrolled']:,} enrolled",
        f"  staff registered {rep['staff_registered']}; secondments {rep['secondments']}, postings {rep['postings']}, "
        f"tidal recommendations {rep['tidal_recommendations']}",
        f"  referrals up {r['upward']} {r['by_urgency']}, outcomes {r['by_outcome']}; accepts booked "
        f"{r['booked_accepts']} places (overflow {r['overflow_accepts']}) of {r['capacity_places']} published",
        f"  referrals down {r['downward']} (accepted {r['downward_accepted']}, overrides {r['capability_overrides']},"
        f" follow-ups {r['follow_ups_recorded']}), out of county {r['out_of_county']}",
        f"  claims: {c['files']} monthly files, {c['inserted']:,} rows ({yuan(c['uploaded_fen'])} yuan) + "
        f"{c['from_referrals']} from referral events ({yuan(c['from_referrals_fen'])} yuan); "
        f"platform holds {p['claims']:,} claims of the year",
        f"  capitation {yuan(rep['capitation_fen'])} yuan, advances {yuan(rep['advances_fen'])} yuan",
        f"Settlement {s['period']}: budget {yuan(s['budget_fen'])}, actual {yuan(s['actual_fen'])} "
        f"(claims {yuan(s['claims_fen'])} + capitation {yuan(s['capitation_fen'])}), balance {yuan(s['balance_fen'])}",
        f"  score {s['performance_score']}, retention {pct(s['retention_ratio_bp'])}: retained "
        f"{yuan(s['retained_fen'])}, back to the fund {yuan(s['returned_to_fund_fen'])}; overspend shares fund "
        f"{yuan(s['fund_share_fen'])} / consortium {yuan(s['consortium_share_fen'])}",
        "  largest distributions: " + ", ".join(f"{d['org_id']} {yuan(d['amount_fen'])}"
                                                for d in rep["distributions"]),
        f"Indicators {rep['fund_year']}: county-domain visit rate {pct(i['county_domain_visit_rate_bp'])} "
        f"(target 90%), out-of-county {i['out_of_county_count']}, acceptance {pct(i['acceptance_rate_bp'])}, "
        f"response median/p90 {i['median_response_minutes']}/{i['p90_response_minutes']} min, "
        f"两慢病 downward share {pct(i['chronic_downward_share_bp'])}",
        f"Referral activity on the platform's clock ({rep['current_indicators'].get('period')}): "
        f"upward {cur.get('upward_count')}, downward {cur.get('downward_count')}, acceptance "
        f"{pct(cur.get('acceptance_rate_bp'))}, response median/p90 {cur.get('median_response_minutes')}/"
        f"{cur.get('p90_response_minutes')} min, 两慢病 downward share {pct(cur.get('chronic_downward_share_bp'))}; "
        f"REF- claims found in payment {p['referral_claims_found']}/{p['referral_claims_checked']} checked",
        "  (amounts in yuan for reading; the platform keeps integer fen)",
    ]
    if rep["errors"]:
        lines.append("First errors: " + "; ".join(rep["errors"][:3]))
    return "\n".join(lines)
