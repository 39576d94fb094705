"""Load generators: wrk for peak throughput (closed loop), an asyncio open-loop generator for a fixed rate.

The same generator always measures both the baseline and the route it is compared with. wrk is the
Debian package; when it is missing and we run as root, `apt-get install -y wrk` fetches it; otherwise
the peak runs fall back to the Python closed-loop generator (and the results say so).
"""
from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import asdict, dataclass

import httpx


@dataclass
class LoadResult:
    tool: str
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    connections: int = 0
    target_rps: float | None = None

    def as_dict(self) -> dict:
        return {k: (round(v, 2) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def ensure_wrk() -> str | None:
    path = shutil.which("wrk")
    if path is None and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)
        path = shutil.which("wrk")
    return path


_LUA = """wrk.method = "{method}"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"
{auth}
"""


def _ms(text: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s)", text)
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def wrk_peak(wrk: str, url: str, method: str = "GET", body: dict | None = None, token: str | None = None,
             seconds: int = 8, connections: int = 16, threads: int = 1) -> LoadResult:
    auth = f'wrk.headers["Authorization"] = "Bearer {token}"' if token else ""
    lua = _LUA.format(method=method, body=json.dumps(json.dumps(body)) if body is not None else "nil", auth=auth)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(lua)
    try:
        out = subprocess.run([wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", f.name,
                              url], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(f.name)
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    elapsed = _ms(re.search(r"requests in ([\d.]+\w+),", out).group(1)) / 1000
    p50 = _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1))
    p99 = _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1))
    errors = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += sum(int(x) for x in m.groups())
    return LoadResult("wrk", requests, elapsed, requests / elapsed, p50, p99, errors, connections)


async def _closed_loop(url: str, method: str, body: dict | None, headers: dict, seconds: float,
                       connections: int) -> tuple[list[float], int]:
    lat: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=30, headers=headers) as client:
        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                t = time.perf_counter()
                try:
                    r = await client.request(method, url, json=body)
                    errors += r.status_code >= 400
                except httpx.HTTPError:
                    errors += 1
                lat.append(time.perf_counter() - t)
        await asyncio.gather(*(worker() for _ in range(connections)))
    return lat, errors


def python_peak(url: str, method: str = "GET", body: dict | None = None, token: str | None = None,
                seconds: int = 8, connections: int = 16) -> LoadResult:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    started = time.perf_counter()
    lat, errors = asyncio.run(_closed_loop(url, method, body, headers, seconds, connections))
    elapsed = time.perf_counter() - started
    return _summary("python-asyncio-httpx", lat, errors, elapsed, connections)


async def _open_loop(url: str, method: str, body_fn, headers: dict, rate: float, seconds: float,  # noqa: ANN001
                     on_sent=None) -> tuple[list[float], int]:  # noqa: ANN001
    """`body_fn(i)` gives (url, body) of request i (None: GET `url`). Requests start on a fixed schedule whatever the answers do; latency counts from the scheduled
    start, so a stalled server is not hidden by the generator waiting for it (coordinated omission)."""
    lat: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    timeout = httpx.Timeout(30, pool=None)  # a request queued behind a slow server waits; its latency shows it
    async with httpx.AsyncClient(limits=limits, timeout=timeout, headers=headers) as client:
        start = time.perf_counter()
        total = int(rate * seconds)

        async def one(i: int, scheduled: float) -> None:
            nonlocal errors
            target, body = (url, None) if body_fn is None else body_fn(i)
            try:
                r = await client.request(method, target, json=body)
                if r.status_code >= 400:
                    errors += 1
                elif on_sent:
                    on_sent(i, r)
            except httpx.HTTPError:
                errors += 1
            lat.append(time.perf_counter() - scheduled)

        tasks = []
        for i in range(total):
            scheduled = start + i / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(i, scheduled)))
        await asyncio.gather(*tasks)
    return lat, errors


def fixed_rate(url: str, rate: float, seconds: float, method: str = "GET", body_fn=None,  # noqa: ANN001
               token: str | None = None, on_sent=None) -> LoadResult:  # noqa: ANN001
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    started = time.perf_counter()
    lat, errors = asyncio.run(_open_loop(url, method, body_fn, headers, rate, seconds, on_sent))
    elapsed = time.perf_counter() - started
    res = _summary("python-asyncio-open-loop", lat, errors, elapsed, 0)
    res.target_rps = rate
    return res


def _summary(tool: str, lat: list[float], errors: int, elapsed: float, connections: int) -> LoadResult:
    lat.sort()
    n = len(lat)
    pct = lambda q: lat[min(n - 1, int(n * q))] * 1000 if n else 0.0  # noqa: E731
    return LoadResult(tool, n, elapsed, n / elapsed, pct(0.5), pct(0.99), errors, connections)
