"""Bench 2: from the commit of a referral event to its effect in payment and in staffing, at 200 referrals/s.

Load: the open-loop generator sends 200 requests/s through the gateway, alternating an upward referral
(→ staffing counts it as tidal-dispatch demand) and an out-of-county record (→ payment books an OOC-
claim). Method: timestamps, not polling. The referral service writes the event into its outbox in the
same transaction as the referral (`outbox.created_at`, taken just before that commit); each consumer
writes its inbox row in the same transaction as the handler's effect (`inbox.processed_at`, just before
that commit). Propagation = processed_at − created_at per event, joined on event_id, read from the three
SQLite files after every event has arrived. Both clocks are this machine's; the commits themselves
(a few ms each) fall inside the figure on the producer side and outside it on the consumer side.
"""
from __future__ import annotations

import sqlite3
import time
from datetime import datetime

from .b_gateway import PATIENT
from .load import fixed_rate

KINDS = {"payment": "OutOfCountyReferralRecorded", "staffing": "ReferralSubmitted"}


def _body(gateway: str):  # noqa: ANN202
    clinical = {"patient": PATIENT, "icd10": "I21.9", "diagnosis": "急性心肌梗死", "reason": "县域内无介入条件",
                "specialty": "cardiology"}
    up = f"{gateway}/referral/referrals/upward"
    ooc = f"{gateway}/referral/referrals/out-of-county"

    def body(i: int) -> tuple[str, dict]:
        if i % 2 == 0:
            return up, clinical | {"urgency": "routine", "to_org_id": "county-peoples-hospital"}
        return ooc, clinical | {"destination": "重庆医科大学附属第一医院", "service_date": "2025-06-01",
                                "fund_amount_fen": 350_000}
    return body


def _ts(text: str) -> float:
    return datetime.fromisoformat(text.replace("+00:00", "")).timestamp()


def _rows(db, sql: str, *args) -> list:  # noqa: ANN001
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def run(stack, token: str, rate: float = 200, seconds: float = 15) -> dict:  # noqa: ANN001
    data = stack.data_dir
    since = _rows(data / "referral.db", "SELECT COALESCE(MAX(seq), 0) FROM outbox")[0][0]
    load = fixed_rate(f"{stack.gateway_url}/referral/referrals/upward", rate, seconds, "POST",
                      _body(stack.gateway_url), token)
    produced = {k: dict(_rows(data / "referral.db", "SELECT event_id, created_at FROM outbox WHERE seq > ? "
                                                    "AND event_type = ?", since, t)) for k, t in KINDS.items()}
    out: dict = {"load": load.as_dict(), "method": "timestamps: consumer inbox.processed_at - producer "
                                                   "outbox.created_at, joined on event_id"}
    deadline = time.monotonic() + 90
    for svc, event_type in KINDS.items():
        want = produced[svc]
        seen: dict = {}
        while True:
            rows = _rows(data / f"{svc}.db", "SELECT event_id, processed_at FROM inbox WHERE event_type = ?",
                         event_type)
            seen = {e: p for e, p in rows if e in want}
            if len(seen) >= len(want) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        lat = sorted((_ts(seen[e]) - _ts(want[e])) * 1000 for e in seen)
        n = len(lat)
        out[svc] = {"events": len(want), "arrived": n, "effect": f"{event_type} handled",
                    "p50_ms": round(lat[n // 2], 1) if n else None,
                    "p99_ms": round(lat[min(n - 1, int(n * 0.99))], 1) if n else None,
                    "max_ms": round(lat[-1], 1) if n else None}
    out["goal_met"] = all(out[s]["p99_ms"] is not None and out[s]["p99_ms"] < 500 and
                          out[s]["arrived"] == out[s]["events"] for s in KINDS) and load.rps >= rate * 0.95
    return out
