"""Bench 11: the gateway's hop — the same read (GET one referral by id) through the gateway and direct to the
referral service, in one run, as CPU milliseconds per request of each process.

CPU time, not wall time: each process's utime + stime from `/proc/<pid>/stat` before and after a fixed number of
requests (8 concurrent clients, aiohttp in this process), so the figure stays fair on a loaded machine. The
gateway's figure through the gateway is the hop (goal ≤ 0.5 ms); its figure during the direct requests is what
it burns meanwhile with no request of its own (its background work), shown beside it.
"""
from __future__ import annotations

import asyncio
import os

import aiohttp
import httpx

from .b_gateway import upward_body

GOAL_MS = 0.5
CONCURRENCY = 8


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads), in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _get_many(url: str, token: str, n: int) -> int:
    """n GETs of url over CONCURRENCY connections; the number that did not answer 200."""
    failures = 0
    per_client = [n // CONCURRENCY + (1 if i < n % CONCURRENCY else 0) for i in range(CONCURRENCY)]
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as session:
        async def client(count: int) -> None:
            nonlocal failures
            for _ in range(count):
                async with session.get(url) as r:
                    await r.read()
                    failures += r.status != 200
        await asyncio.gather(*(client(c) for c in per_client))
    return failures


def _measure(url: str, token: str, n: int, pids: dict[str, int]) -> dict:
    before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    failures = asyncio.run(_get_many(url, token, n))
    after = {name: cpu_seconds(pid) for name, pid in pids.items()}
    return {"requests": n, "failures": failures,
            "cpu_ms": {name: round(1000 * (after[name] - before[name]) / n, 3) for name in pids}}


def run(stack, token: str, n: int = 3000) -> dict:  # noqa: ANN001
    r = httpx.post(f"{stack.gateway_url}/referral/referrals/upward", json=upward_body(),
                   headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == 201, r.text
    path = f"/referrals/{r.json()['referral_id']}"
    through, direct = f"{stack.gateway_url}/referral{path}", f"{stack.url('referral')}{path}"
    pids = {name: stack.procs[name].pid for name in ("gateway", "referral")}
    for url in (through, direct):  # warm-up: connections, caches
        asyncio.run(_get_many(url, token, 200))
    via_gateway = _measure(through, token, n, pids)
    to_service = _measure(direct, token, n, pids)
    hop = via_gateway["cpu_ms"]["gateway"]
    return {"route": "GET /referrals/{id}", "concurrency": CONCURRENCY, "through_gateway": via_gateway,
            "direct": to_service, "gateway_hop_cpu_ms": hop, "goal_ms": GOAL_MS, "goal_met": hop <= GOAL_MS}
