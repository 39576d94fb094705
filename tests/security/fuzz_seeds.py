"""Real records for the fuzz to aim at: referrals in each state, a budget, claims, a settlement, a
reconciliation, staff, secondment requests and postings, a rotation plan, seasons and recommendations.

Created through the gateway as the demo users would, so that the fuzz sends its generated bodies to
transitions of records that exist (accept a submitted referral, arrive an accepted one, dispatch an approved
secondment…) and not only to ids that answer 404. `seed()` returns, per operation, the path parameters of
real records (`Targets`).
"""
from __future__ import annotations

import itertools
from datetime import date, timedelta

from fastapi.testclient import TestClient

from tests.api.referral.conftest import downward_body, make_id, upward_body
from tests.support.tokens import demo_user_header

COPIES = 3  # records per state: a successful transition uses one up, the next fuzz case finds another
_ids = itertools.count(1)


class Targets:
    """Path parameters of real records, by operation ("METHOD /service/path") or by parameter name."""

    def __init__(self) -> None:
        self.by_operation: dict[str, list[dict[str, str]]] = {}
        self.by_parameter: dict[tuple[str, str], list[str]] = {}

    def add(self, operation: str, **params: str) -> None:
        self.by_operation.setdefault(operation, []).append(params)

    def add_values(self, service: str, parameter: str, *values: str) -> None:
        self.by_parameter.setdefault((service, parameter), []).extend(values)

    def for_operation(self, service: str, label: str, names: list[str]) -> list[dict[str, str]]:
        """Real path parameters for one operation (`label` like "POST /referral/referrals/{referral_id}/accept")."""
        if label in self.by_operation:
            return self.by_operation[label]
        pools = [self.by_parameter.get((service, n), []) for n in names]
        if not names or not all(pools):
            return []
        return [dict(zip(names, values)) for values in itertools.islice(itertools.product(*pools), 20)]


def _ok(r) -> dict:  # noqa: ANN001
    assert r.status_code in (200, 201), f"{r.request.method} {r.request.url}: {r.status_code} {r.text[:300]}"
    return r.json()


def seed(gateway: TestClient) -> Targets:
    t = Targets()
    _referrals(gateway, t)
    _payment(gateway, t)
    _staffing(gateway, t)
    t.add_values("gateway", "org_id", "dachang-thc", "dachang-qixing-vc", "county-tcm-hospital")
    return t


def _referrals(gw: TestClient, t: Targets) -> None:
    town, hosp = demo_user_header("dachang.referral"), demo_user_header("peoples.referral")
    op = "POST /referral/referrals/{referral_id}/"

    def submit() -> str:
        patient = {"name": "张三", "sex": "male", "date_of_birth": "1961-03-08",
                   "national_id": make_id(seq=f"{101 + 2 * next(_ids)}")}
        return _ok(gw.post("/referral/referrals/upward", json=upward_body(patient=patient), headers=town))["referral_id"]

    for _ in range(COPIES):
        submitted = submit()
        for action in ("accept", "reject", "redirect", "cancel"):
            t.add(op + action, referral_id=submitted)
        accepted = submit()
        _ok(gw.post(f"/referral/referrals/{accepted}/accept", json={"bed_no": "3-1"}, headers=hosp))
        t.add(op + "arrive", referral_id=accepted)
        arrived = submit()
        _ok(gw.post(f"/referral/referrals/{arrived}/accept", json={"bed_no": "3-2"}, headers=hosp))
        _ok(gw.post(f"/referral/referrals/{arrived}/arrive", json={}, headers=hosp))
        t.add(op + "complete", referral_id=arrived)
        issued = _ok(gw.post("/referral/referrals/downward", json=downward_body(), headers=hosp))
        t.add(op + "decline", referral_id=issued["referral_id"])
        t.add(op + "accept", referral_id=issued["referral_id"])
        following = _ok(gw.post("/referral/referrals/downward", json=downward_body(), headers=hosp))
        _ok(gw.post(f"/referral/referrals/{following['referral_id']}/accept", json={}, headers=town))
        for f in following["follow_ups"]:
            t.add(op + "follow-ups/{follow_up_id}", referral_id=following["referral_id"],
                  follow_up_id=f["follow_up_id"])
        t.add_values("referral", "referral_id", submitted, accepted, arrived, issued["referral_id"])
    month = (date.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    t.add_values("referral", "month", month)


def _payment(gw: TestClient, t: Targets) -> None:
    io, finance = demo_user_header("insurance.officer"), demo_user_header("peoples.finance")
    year = date.today().year - 1
    budget = _ok(gw.post("/payment/budgets", headers=io, json={
        "consortium_id": "wushan", "fund_year": year, "enrolled_population": 100_000, "per_capita_fen": 900,
        "out_of_area_reserve_fen": 10_000_000, "note": "fuzz"}))
    _ok(gw.post("/payment/policies", headers=io, json={"fund_year": year, "effective_from": f"{year}-01-01",
                                                       "reason": "年度打包付费协议"}))
    t.add_values("payment", "budget_id", budget["budget_id"])
    t.add_values("payment", "month", f"{year}-02", f"{year}-03", "4")
    for i in range(COPIES):
        _ok(gw.post("/payment/claims", headers=finance, json={
            "claim_no": f"FZ-{i}", "kind": "member_outpatient", "org_id": "dachang-thc", "amount_fen": 1000 + i,
            "service_date": f"{year}-01-1{i}"}))
    t.add_values("payment", "claim_no", *(f"FZ-{i}" for i in range(COPIES)))
    csv = f"claim_no,kind,org_id,amount_fen,service_date\nFU-1,member_outpatient,dachang-thc,500,{year}-02-01\n"
    upload = _ok(gw.post("/payment/claims/uploads", headers=finance,
                         files={"file": ("claims.csv", csv.encode(), "text/csv")}))
    t.add_values("payment", "upload_id", upload["upload_id"])
    t.add_values("payment", "org_id", "dachang-thc", "luoping-thc", "dachang-qixing-vc")
    settlement = _ok(gw.post("/payment/settlements", headers=io, json={
        "consortium_id": "wushan", "period": f"{year}-01", "performance_score": 88, "score_reason": "年度考核"}))
    t.add_values("payment", "settlement_id", settlement["settlement_id"])
    recon = _ok(gw.post("/payment/reconciliations", headers=io, data={"consortium_id": "wushan",
                                                                       "period": f"{year}-01"},
                        files={"file": ("office.csv", b"claim_no,amount_fen\nFZ-0,1000\nFZ-9,5\n", "text/csv")}))
    t.add_values("payment", "recon_id", recon["recon_id"])
    t.add_values("payment", "account", "unit:dachang-thc", "fund:wushan", "consortium:wushan")


def _staffing(gw: TestClient, t: Targets) -> None:
    hr, manager = demo_user_header("bureau.hr"), demo_user_header("dachang.manager")

    def soon(days: int) -> str:
        return (date.today() + timedelta(days=days)).isoformat()

    people = [{"name": f"医生{i}", "id_number": f"500237198{next(_ids) + 90_000_000:08d}X",
               "qualification": "practising_physician", "title_level": "intermediate", "specialty": "cardiology",
               "home_org_id": "county-peoples-hospital", "start_date": "2020-01-01"} for i in range(4 * COPIES)]
    staff = [s["staff_id"] for s in _ok(gw.post("/staffing/staff/bulk", json={"staff": people}, headers=hr))]
    t.add_values("staffing", "staff_id", *staff[:COPIES])
    t.add_values("staffing", "org_id", "dachang-thc", "luoping-thc", "county-peoples-hospital")
    t.add_values("staffing", "effective_from", soon(30), soon(60))

    def request() -> str:
        return _ok(gw.post("/staffing/secondments", headers=manager, json={
            "org_id": "dachang-thc", "specialty": "cardiology", "title_level": "intermediate", "headcount": 1,
            "start_date": soon(10), "end_date": soon(40), "reason": "胸痛病人增多"}))["request_id"]

    op = "POST /staffing/secondments/{request_id}/"
    for i in range(COPIES):
        requested = request()
        for action in ("approve", "reject", "cancel"):
            t.add(op + action, request_id=requested)
        approved = request()
        _ok(gw.post(f"/staffing/secondments/{approved}/approve", headers=hr, json={"reason": "同意", "staff_ids": []}))
        t.add(op + "dispatch", request_id=approved)
        posted = request()
        postings = _ok(gw.post(f"/staffing/secondments/{posted}/approve", headers=hr,
                               json={"reason": "同意", "staff_ids": [staff[COPIES + i]]}))["postings"]
        t.add_values("staffing", "posting_id", *(p["posting_id"] for p in postings))
        t.add_values("staffing", "request_id", requested, approved, posted)
    plan = _ok(gw.post("/staffing/rotation-plans", headers=hr, json={
        "name": "下沉轮岗", "kind": "rotation_down", "org_id": "dachang-thc", "staff_ids": staff[2 * COPIES:3 * COPIES],
        "start_date": soon(120), "block_days": 20}))
    t.add_values("staffing", "plan_id", plan["plan_id"])
    for i in range(COPIES):
        season = _ok(gw.post("/staffing/seasons", headers=hr, json={
            "org_id": "dachang-thc", "name": f"旅游旺季{i}", "start_date": soon(10 + i), "end_date": soon(70),
            "specialties": ["emergency"], "headcount": 1}))
        t.add_values("staffing", "season_id", season["season_id"])
    recommendations = _ok(gw.post("/staffing/tidal/recommendations/generate", headers=hr))
    t.add_values("staffing", "rec_id", *(r["recommendation_id"] for r in recommendations))
