"""Bench 1: referral submission through the gateway against a bare uvicorn endpoint, same load generator.

Peak: wrk, closed loop (16 connections, one thread: the machine has two cores and wrk needs one of
them less than the platform does). Half of peak: the open-loop generator at half the gateway's peak
rate, against both targets.
"""
from __future__ import annotations

import subprocess
import sys
import time
import httpx

from devstack.stack import free_port, port_open

from .load import LoadResult, ensure_wrk, fixed_rate, python_peak, wrk_peak

# A synthetic patient (valid GB 11643 check character; sequence 003 → male).
# Issue 22 retired "a third of a bare endpoint": the goal is referrals per second through the gateway on SQLite
# on the 2-core machine (the bare endpoint stays in the table as context).
PEAK_GOAL_RPS = 350
HALF_PEAK_P99_GOAL_MS = 50
PATIENT = {"name": "测试患者", "sex": "male", "date_of_birth": "1960-05-12", "national_id": "500237196005120036"}


def upward_body(i: int = 0) -> dict:
    return {"patient": PATIENT, "icd10": "I10", "diagnosis": "原发性高血压", "reason": "血压控制不佳，需上级医院调整方案",
            "specialty": "cardiology", "urgency": "routine", "to_org_id": "county-peoples-hospital"}


def start_bare(log_dir) -> tuple[subprocess.Popen, str]:  # noqa: ANN001
    port = free_port()
    log = open(log_dir / "bare.log", "ab")
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "bench.bare_app:app", "--host", "127.0.0.1", "--port",
                             str(port), "--no-access-log"], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while not port_open(port):
        if time.monotonic() > deadline:
            raise TimeoutError("the bare endpoint did not start")
        time.sleep(0.1)
    return proc, f"http://127.0.0.1:{port}"


def _peak(wrk: str | None, url: str, body: dict, token: str | None, seconds: int) -> LoadResult:
    if wrk:
        return wrk_peak(wrk, url, "POST", body, token, seconds=seconds)
    return python_peak(url, "POST", body, token, seconds=seconds)


def run(stack, token: str, seconds: int = 8) -> dict:  # noqa: ANN001
    wrk = ensure_wrk()
    bare, bare_url = start_bare(stack.log_dir)
    route = f"{stack.gateway_url}/referral/referrals/upward"
    try:
        r = httpx.post(route, json=upward_body(), headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert r.status_code == 201, r.text
        _peak(wrk, bare_url, upward_body(), None, 2)  # warm-up
        _peak(wrk, route, upward_body(), token, 2)
        bare_peak = _peak(wrk, bare_url, upward_body(), None, seconds)
        gw_peak = _peak(wrk, route, upward_body(), token, seconds)
        rate = max(1.0, gw_peak.rps / 2)
        body_at = lambda url: (lambda i: (url, upward_body(i)))  # noqa: E731
        gw_half = fixed_rate(route, rate, seconds, "POST", body_at(route), token)
        bare_half = fixed_rate(bare_url, rate, seconds, "POST", body_at(bare_url), None)
    finally:
        bare.terminate()
        bare.wait(10)
    return {
        "tool_peak": bare_peak.tool, "tool_fixed_rate": gw_half.tool,
        "bare_peak": bare_peak.as_dict(), "gateway_peak": gw_peak.as_dict(),
        "bare_half": bare_half.as_dict(), "gateway_half": gw_half.as_dict(),
        "throughput_ratio": round(gw_peak.rps / bare_peak.rps, 3),
        "p99_half_ratio": round(gw_half.p99_ms / max(bare_half.p99_ms, 0.001), 2),
        "goal_throughput_met": gw_peak.rps >= PEAK_GOAL_RPS,
        "goal_p99_met": gw_half.p99_ms < HALF_PEAK_P99_GOAL_MS and gw_half.errors == 0,
    }
