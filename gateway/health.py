"""The platform's health as the gateway sees it: each service's own /health, the broker, and — under `make run`'s
supervisor — each process's restarts."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx

from platform_common.runtime import ServiceRuntime


async def platform_health(client: httpx.AsyncClient, urls: dict[str, str], runtime: ServiceRuntime,
                          timeout: float, supervisor_status: Path | None) -> dict[str, Any]:
    async def probe(name: str, url: str) -> tuple[str, dict]:
        try:
            r = await client.get(f"{url}/health", timeout=timeout)
            body = r.json()
            return name, {"status": body.get("status", "down"), "detail": body}
        except (httpx.HTTPError, ValueError) as e:
            return name, {"status": "down", "error": type(e).__name__}

    results = dict(await asyncio.gather(*(probe(n, u) for n, u in urls.items())))
    _, own = await asyncio.to_thread(runtime.health)
    results["gateway"] = {"status": own["status"], "detail": own}
    broker = {"status": "ok" if own["broker"]["healthy"] else "down"}
    statuses = {r["status"] for r in results.values()}
    processes = supervised_processes(supervisor_status)
    # A process the supervisor is restarting, or gave up on, leaves the platform degraded even if the others answer.
    down = any(p["state"] != "running" for p in (processes or {}).values())
    overall = "ok" if broker["status"] == "ok" and statuses == {"ok"} and not down else \
        "starting" if broker["status"] == "ok" and statuses == {"ok", "starting"} and not down else "degraded"
    body: dict[str, Any] = {"status": overall, "broker": broker, "services": results}
    if processes is not None:
        body["processes"] = processes
    return body


def supervised_processes(path: Path | None) -> dict[str, dict] | None:
    """What `make run`'s supervisor last wrote about each process, or None when nothing supervises the platform."""
    if path is None:
        return None
    try:
        return json.loads(path.read_text())["processes"]
    except (OSError, ValueError, KeyError):
        return None
