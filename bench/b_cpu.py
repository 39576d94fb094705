"""Bench 10: CPU time per request, counted by the kernel for each process of the stack.

CPU time is what a loaded, shared machine does not distort (wall time is): each figure is the difference of a
process's `utime + stime` (`/proc/<pid>/stat`) before and after a fixed amount of work, divided by that work.

- **Per referral**: `n` upward referrals submitted through the gateway by 8 concurrent clients (closed loop),
  counted until every event they caused is applied (the referral outbox published, staffing's inbox holding
  each `ReferralSubmitted`): the relays and consumers are part of the cost. Every process, and the sum.
- **Read by id**: `GET /referrals/{id}` of one referral, direct to the referral service (no gateway), by the
  same 8 clients: CPU in the referral service per read.
- **Idle**: no requests for 20 s once the stack has settled: each process's CPU as a share of one core.
"""
from __future__ import annotations

import asyncio
import os
import sqlite3
import time
from pathlib import Path

import httpx

from .b_gateway import upward_body

CLIENTS = 8
GOALS = {"cpu_ms_per_referral": 5.0, "read_by_id_cpu_ms": 1.0, "idle_cpu_percent": 2.0}
_TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of one process (its threads included), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / _TICK  # fields 14 and 15 of proc(5), counted after the name


def snapshot(stack) -> dict[str, float]:  # noqa: ANN001
    return {name: cpu_seconds(p.pid) for name, p in stack.procs.items() if p.poll() is None}


def spent(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {name: after[name] - before[name] for name in before if name in after}


async def _closed_loop(method: str, urls, body_fn, headers: dict, n: int) -> int:  # noqa: ANN001
    """`n` requests by CLIENTS clients, each sending its next request when the previous answer came; errors."""
    errors = 0
    counter = iter(range(n))
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(60), headers=headers) as client:
        async def worker() -> None:
            nonlocal errors
            for i in counter:
                r = await client.request(method, urls(i), json=body_fn(i) if body_fn else None)
                errors += r.status_code >= 400
        await asyncio.gather(*(worker() for _ in range(CLIENTS)))
    return errors


def _count(db: Path, sql: str, *args) -> int:  # noqa: ANN001
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return con.execute(sql, args).fetchone()[0]
    finally:
        con.close()


def _applied(data: Path, event_ids: set[str]) -> int:
    con = sqlite3.connect(f"file:{data / 'staffing.db'}?mode=ro", uri=True, timeout=30)
    try:
        rows = con.execute("SELECT event_id FROM inbox WHERE event_type = 'ReferralSubmitted'").fetchall()
    finally:
        con.close()
    return sum(1 for (e,) in rows if e in event_ids)


def _wait_propagated(data: Path, since: int, timeout: float = 300) -> bool:
    """Every ReferralSubmitted written after outbox seq `since` is published and applied by staffing."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        con = sqlite3.connect(f"file:{data / 'referral.db'}?mode=ro", uri=True, timeout=30)
        try:
            ids = {e for (e,) in con.execute("SELECT event_id FROM outbox WHERE seq > ? AND event_type = "
                                             "'ReferralSubmitted'", (since,))}
            unpublished = con.execute("SELECT COUNT(*) FROM outbox WHERE published_at IS NULL").fetchone()[0]
        finally:
            con.close()
        if unpublished == 0 and _applied(data, ids) >= len(ids):
            return True
        time.sleep(0.05)
    return False


def _per(work: dict[str, float], n: int, scale: float) -> dict[str, float]:
    return {name: round(seconds * scale / n, 3) for name, seconds in work.items()}


def referrals(stack, token: str, n: int) -> dict:  # noqa: ANN001
    data = stack.data_dir
    route = f"{stack.gateway_url}/referral/referrals/upward"
    headers = {"Authorization": f"Bearer {token}"}
    asyncio.run(_closed_loop("POST", lambda i: route, upward_body, headers, 50))  # warm-up
    _wait_propagated(data, 0)
    since = _count(data / "referral.db", "SELECT COALESCE(MAX(seq), 0) FROM outbox")
    before, began = snapshot(stack), time.monotonic()
    errors = asyncio.run(_closed_loop("POST", lambda i: route, upward_body, headers, n))
    propagated = _wait_propagated(data, since)
    after, seconds = snapshot(stack), time.monotonic() - began
    per = _per(spent(before, after), n, 1000)
    total = round(sum(per.values()), 2)
    return {"referrals": n, "clients": CLIENTS, "errors": errors, "all_propagated": propagated,
            "wall_seconds": round(seconds, 1), "per_process": per, "sum": total,
            "goal": GOALS["cpu_ms_per_referral"], "goal_met": total <= GOALS["cpu_ms_per_referral"]}


def read_by_id(stack, token: str, n: int) -> dict:  # noqa: ANN001
    headers = {"Authorization": f"Bearer {token}"}
    r = httpx.post(f"{stack.gateway_url}/referral/referrals/upward", json=upward_body(), headers=headers, timeout=30)
    r.raise_for_status()
    url = f"{stack.url('referral')}/referrals/{r.json()['referral_id']}"
    asyncio.run(_closed_loop("GET", lambda i: url, None, headers, 100))  # warm-up
    before = snapshot(stack)
    errors = asyncio.run(_closed_loop("GET", lambda i: url, None, headers, n))
    per = _per(spent(before, snapshot(stack)), n, 1000)
    service = per["referral"]
    return {"reads": n, "clients": CLIENTS, "errors": errors, "route": "GET /referrals/{id}, direct to the service",
            "service": service, "per_process": per, "goal": GOALS["read_by_id_cpu_ms"],
            "goal_met": service <= GOALS["read_by_id_cpu_ms"]}


def idle(stack, seconds: float = 20, settle: float = 3) -> dict:  # noqa: ANN001
    time.sleep(settle)
    before = snapshot(stack)
    time.sleep(seconds)
    per = _per(spent(before, snapshot(stack)), 1, 100 / seconds)
    total = round(sum(per.values()), 2)
    return {"seconds": seconds, "per_process": per, "sum": total, "goal": GOALS["idle_cpu_percent"],
            "goal_met": total < GOALS["idle_cpu_percent"]}


def run(stack, token: str, quick: bool = False) -> dict:  # noqa: ANN001
    """The three figures under the results' keys `cpu_ms_per_referral`, `read_by_id_cpu_ms`, `idle_cpu_percent`."""
    return {
        "cpu_ms_per_referral": referrals(stack, token, 500 if quick else 2000),
        "read_by_id_cpu_ms": read_by_id(stack, token, 1000 if quick else 3000),
        "idle_cpu_percent": idle(stack),
    }
