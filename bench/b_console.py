"""Bench 6: the console's worklist page with 10,000 referrals in the unit's box, against the same query
through the JSON API, in the same run and the same stack.

The referrals are written straight into the referral service's database (a setup shortcut: 10,000 submissions
through the gateway would take minutes and measure bench 1 again); the console then reads them only through
the gateway, as always. Each request is timed alone (one client, one request at a time): the figure is what a
clerk waits for when the page is opened, not throughput.
"""
from __future__ import annotations

import random
import re
import statistics
import time
import uuid
from datetime import date, datetime, timedelta, timezone

import httpx
from sqlalchemy import create_engine, insert

from gateway.demo import DEMO_PASSWORD

# the TCM hospital's box: bench 1 and 2 fill the people's hospital's, and this one must hold exactly `count`
BOX, CLERK = "county-tcm-hospital", "tcm.referral"
SENDERS = ["dachang-thc", "longmen-chc", "wuxia-thc", "guandu-thc", "luoping-thc", "dachang-qixing-vc"]
STATUSES = ["submitted"] * 2 + ["accepted", "arrived", "completed", "completed", "rejected", "cancelled"]


def load_referrals(db_url: str, count: int, seed: int = 6) -> None:
    from services.referral.adapters.tables import ReferralRow

    rng = random.Random(seed)
    now = datetime.now(timezone.utc)
    rows = []
    for i in range(count):
        created = now - timedelta(minutes=rng.randrange(0, 90 * 24 * 60))
        urgency = rng.choice(["routine", "routine", "urgent", "emergency"])
        status = rng.choice(STATUSES)
        window = {"urgent": 240, "emergency": 30}.get(urgency)
        rows.append({
            "referral_id": str(uuid.UUID(int=rng.getrandbits(128))), "version": 1, "direction": "upward",
            "status": status, "consortium_id": "wushan", "from_org_id": rng.choice(SENDERS), "to_org_id": BOX,
            "specialty": rng.choice(["cardiology", "neurology", "respiratory", "orthopaedics"]), "urgency": urgency,
            "emergency_category": "chest_pain" if urgency == "emergency" else None, "icd10": "I21.9",
            "diagnosis": "急性心肌梗死", "reason": "需上级医院诊治", "chronic_condition": None,
            "patient_name": f"患者{i:05d}", "patient_sex": "male", "patient_birth_date": date(1960, 1, 1),
            "patient_id_masked": "500237********0011", "patient_key": f"{i:064x}", "attachments": [],
            "created_by": "bench", "created_at": created, "updated_at": created, "routed_at": created,
            "response_deadline": created + timedelta(minutes=window) if window else None,
            "priority_reception": False, "priority_examination": False, "priority_admission": False,
            "recommend_downward": False,
        })
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(insert(ReferralRow.__table__), rows)
    engine.dispose()


def _percentiles(ms: list[float]) -> dict:
    ordered = sorted(ms)
    return {"n": len(ms), "p50_ms": round(statistics.median(ordered), 1),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 1),
            "max_ms": round(ordered[-1], 1)}


def _time(client: httpx.Client, path: str, params: dict, n: int) -> dict:
    for _ in range(10):  # warm-up: connections, caches, the registry
        client.get(path, params=params).raise_for_status()
    ms = []
    for _ in range(n):
        t = time.perf_counter()
        r = client.get(path, params=params)
        ms.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, r.text[:300]
    return _percentiles(ms)


def run(stack, count: int = 10_000, n: int = 300) -> dict:  # noqa: ANN001
    load_referrals(f"sqlite:///{stack.data_dir / 'referral.db'}", count)
    token = httpx.post(f"{stack.gateway_url}/auth/token",
                       data={"username": CLERK, "password": DEMO_PASSWORD}).json()["access_token"]
    api = httpx.Client(base_url=stack.gateway_url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    page = httpx.Client(base_url=stack.console_url, timeout=30)
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page.get("/login").text).group(1)
    page.post("/login", data={"username": CLERK, "password": DEMO_PASSWORD, "_csrf": csrf})
    try:
        total = api.get("/referral/referrals", params={"box": "incoming"}).json()["total"]
        worklist = {"box": "incoming", "sort": "-created_at"}
        queue = {"box": "incoming", "sort": "-urgency,response_deadline", "status": ["submitted", "redirected"],
                 "direction": "upward"}
        result = {
            "referrals_in_box": total,
            "api_worklist": _time(api, "/referral/referrals", worklist, n),
            "page_worklist": _time(page, "/referrals/incoming", {}, n),
            "api_queue": _time(api, "/referral/referrals", queue, n),
            "page_queue": _time(page, "/queue", {}, n),
        }
    finally:
        api.close()
        page.close()
    result["ratio_p99"] = round(result["page_worklist"]["p99_ms"] / result["api_worklist"]["p99_ms"], 2)
    result["goal_met"] = result["page_worklist"]["p99_ms"] < 150 and result["page_queue"]["p99_ms"] < 150
    return result
