"""The platform's health as the gateway sees it: each service's own /health, the broker, and — under `make run`'s
supervisor — each process's restarts. The answer is typed like every other (`Health`): a service's part is its own
`/health` answer (`platform_common.health.ServiceHealth`), and one that does not read as such counts as down."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from platform_common.api_types import ResponseModel, UtcInstant
from platform_common.health import ServiceHealth
from platform_common.runtime import ServiceRuntime

from .replicas import ReplicaSet, check
from .upstream import Upstream


Status = Literal["ok", "starting", "degraded", "down"]


class ReplicaHealth(ResponseModel):
    status: Status = Field(description="the replica's own /health status; down when it did not answer as a service")
    in_rotation: bool = Field(description="the gateway sends it requests (out after a refused connection or a "
                                          "failed health check, back once its /health answers)")
    outstanding: int = Field(description="requests under way")
    forwarded: int = Field(description="requests sent to it since the gateway started")
    last_error: str | None = Field(default=None, description="why it last left the rotation")
    changed_at: UtcInstant | None = Field(default=None, description="when it last left or re-entered the rotation")


class ComponentHealth(ResponseModel):
    status: Status = Field(description="a service with several replicas: down when none answers, degraded when "
                                       "one does not")
    detail: ServiceHealth | None = Field(default=None, description="the component's own /health answer (a service's "
                                                                   "first replica that answered)")
    error: str | None = Field(default=None, description="why its /health could not be read")
    replicas: dict[str, ReplicaHealth] | None = Field(
        default=None, description="a service's replicas by their position in its URL setting (1, 2, …)")


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


async def platform_health(client: Upstream, services: dict[str, ReplicaSet], runtime: ServiceRuntime,
                          timeout: float, supervisor_status: Path | None) -> Health:
    async def service(name: str, replicas: ReplicaSet) -> tuple[str, ComponentHealth]:
        answers = await asyncio.gather(*(check(client, replicas, r, timeout) for r in replicas.replicas))
        return name, _component(replicas, answers)

    results = dict(await asyncio.gather(*(service(n, s) for n, s in services.items())))
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


def _component(replicas: ReplicaSet, answers: list[tuple[ServiceHealth | None, str | None]]) -> ComponentHealth:
    states = {str(r.index): ReplicaHealth(
        status=detail.status if detail is not None else "down", in_rotation=r.in_rotation, outstanding=r.outstanding,
        forwarded=r.forwarded, last_error=r.last_error, changed_at=r.changed_at)
        for r, (detail, _) in zip(replicas.replicas, answers)}
    answering = [d for d, _ in answers if d is not None and d.status != "down"]
    statuses = {d.status for d in answering}
    status: Status = "down" if not answering else "degraded" if len(answering) < len(answers) else \
        "ok" if statuses == {"ok"} else "degraded" if "degraded" in statuses else "starting"
    detail = next((d for d, _ in answers if d is not None), None)
    error = next((e for _, e in answers if e is not None), None) if detail is None else None
    fields = {"detail": detail} if detail is not None else {"error": error}
    return ComponentHealth(status=status, replicas=states, **fields)


def supervised_processes(path: Path | None) -> dict[str, ProcessHealth] | None:
    """What `make run`'s supervisor last wrote about each process, or None when nothing supervises the platform."""
    if path is None:
        return None
    try:
        processes: dict[str, Any] = json.loads(path.read_text())["processes"]
        return {name: ProcessHealth.model_validate(p) for name, p in processes.items()}
    except (OSError, ValueError, KeyError):  # pydantic's ValidationError is a ValueError
        return None
