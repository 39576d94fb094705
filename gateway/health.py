"""The platform's health as the gateway sees it: each service's own /health, the broker, and — under `make run`'s
supervisor — each process's restarts. The answer is typed like every other (`Health`): a service's part is its own
`/health` answer (`platform_common.health.ServiceHealth`), and one that does not read as such counts as down."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any, Literal

import httpx
from pydantic import Field, ValidationError

from platform_common.api_types import ResponseModel, UtcInstant
from platform_common.health import ServiceHealth
from platform_common.runtime import ServiceRuntime


class ComponentHealth(ResponseModel):
    status: Literal["ok", "starting", "degraded", "down"]
    detail: ServiceHealth | None = Field(default=None, description="the component's own /health answer")
    error: str | None = Field(default=None, description="why its /health could not be read")


class PlatformBroker(ResponseModel):
    status: Literal["ok", "down"]


class ProcessHealth(ResponseModel):
    state: Literal["running", "restarting", "gave_up"]
    restarts: int
    last_exit: int | None = None
    last_exit_at: UtcInstant | None = None
    restarting_in_seconds: float | None = None


class Health(ResponseModel):
    status: Literal["ok", "starting", "degraded"]
    broker: PlatformBroker
    services: dict[str, ComponentHealth] = Field(description="each service, and the gateway itself")
    processes: dict[str, ProcessHealth] | None = Field(
        default=None, description="under `make run`'s supervisor: each process's restarts (absent otherwise)")


async def platform_health(client: httpx.AsyncClient, urls: dict[str, str], runtime: ServiceRuntime,
                          timeout: float, supervisor_status: Path | None) -> Health:
    async def probe(name: str, url: str) -> tuple[str, ComponentHealth]:
        try:
            r = await client.get(f"{url}/health", timeout=timeout)
            detail = ServiceHealth.model_validate_json(r.content)
            return name, ComponentHealth(status=detail.status, detail=detail)
        except (httpx.HTTPError, ValidationError) as e:
            return name, ComponentHealth(status="down", error=type(e).__name__)

    results = dict(await asyncio.gather(*(probe(n, u) for n, u in urls.items())))
    _, own = await asyncio.to_thread(runtime.health)
    results["gateway"] = ComponentHealth(status=own["status"], detail=ServiceHealth.model_validate(own))
    broker = PlatformBroker(status="ok" if own["broker"]["healthy"] else "down")
    statuses = {r.status for r in results.values()}
    processes = supervised_processes(supervisor_status)
    # A process the supervisor is restarting, or gave up on, leaves the platform degraded even if the others answer.
    down = any(p.state != "running" for p in (processes or {}).values())
    overall = "ok" if broker.status == "ok" and statuses == {"ok"} and not down else \
        "starting" if broker.status == "ok" and statuses == {"ok", "starting"} and not down else "degraded"
    supervised = {"processes": processes} if processes is not None else {}  # absent, not null, when unsupervised
    return Health(status=overall, broker=broker, services=results, **supervised)


def supervised_processes(path: Path | None) -> dict[str, ProcessHealth] | None:
    """What `make run`'s supervisor last wrote about each process, or None when nothing supervises the platform."""
    if path is None:
        return None
    try:
        processes: dict[str, Any] = json.loads(path.read_text())["processes"]
        return {name: ProcessHealth.model_validate(p) for name, p in processes.items()}
    except (OSError, ValueError, KeyError):  # pydantic's ValidationError is a ValueError
        return None
