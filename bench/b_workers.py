"""Bench 9: referral submission throughput with 1 and then 2 uvicorn worker processes per component, on PostgreSQL.

Each worker process is a whole replica (its own relay, consumers and clock; the leases and the consumer groups
share the work), so 2 workers per component on one database is the replica layout on one host. Both runs use
fresh databases on the same PostgreSQL server, the same broker build and the same load (wrk, closed loop,
16 connections, through the gateway, which runs the same number of workers); the figure is the ratio of the two
peaks. On the 2-core machine a second worker can at best use the CPU the first leaves idle (waiting on
PostgreSQL, the broker, the other processes), so the ratio shows how far the platform is CPU-bound rather than
what more cores would give.

PostgreSQL: the server at BENCH_POSTGRES_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres), or,
when the distribution's PostgreSQL is installed, a throw-away server started for the bench (`.ci/postgres.sh`);
without either the bench is skipped with a message.
"""
from __future__ import annotations

import glob
import os
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import httpx
from sqlalchemy import create_engine, text

from devstack.components import ALL
from devstack.stack import Stack, free_port

from .b_gateway import upward_body
from .load import ensure_wrk, python_peak, wrk_peak

ROOT = Path(__file__).resolve().parents[1]


class WorkerStack(Stack):
    """The stack with every component under `uvicorn --workers N`."""

    def __init__(self, data_dir: Path, workers: int, env: dict[str, str]) -> None:
        super().__init__(data_dir, {c.name: free_port() for c in ALL}, free_port(), extra_env=env)
        self.workers = workers

    def start_component(self, name: str) -> None:
        from devstack.components import PROCESSES

        self._spawn(name, [sys.executable, "-m", "uvicorn", PROCESSES[name].app, "--host", "127.0.0.1", "--port",
                           str(self.ports[name]), "--no-access-log", "--workers", str(self.workers),
                           "--timeout-graceful-shutdown", "5"])


@contextmanager
def postgres_server() -> Iterator[str | None]:
    """A PostgreSQL server URL (its `postgres` database), or None when there is none to use."""
    if url := os.environ.get("BENCH_POSTGRES_URL"):
        yield url
        return
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="bench-pg-") as data:
        env = os.environ | {"PGPORT": str(free_port()), "PGDATA": data}
        subprocess.run(["bash", str(ROOT / ".ci" / "postgres.sh")], env=env, check=True, capture_output=True)
        try:
            yield f"postgresql+psycopg://postgres@127.0.0.1:{env['PGPORT']}/postgres"
        finally:
            subprocess.run(["bash", str(ROOT / ".ci" / "postgres.sh"), "stop"], env=env, capture_output=True)


@contextmanager
def databases(server: str) -> Iterator[dict[str, str]]:
    """A fresh database per component on `server`, dropped afterwards."""
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    names = {c.name: f"bench_{c.name}_{uuid.uuid4().hex[:8]}" for c in ALL}
    base = server.rsplit("/", 1)[0]
    try:
        with admin.connect() as conn:
            for name in names.values():
                conn.execute(text(f"CREATE DATABASE {name}"))
        yield {c.name: f"{base}/{names[c.name]}" for c in ALL}
    finally:
        with admin.connect() as conn:
            for name in names.values():
                conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def _ready(stack: Stack) -> None:
    from gateway.demo import ORGANISATIONS

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:  # every service has the demo organisations
        body = httpx.get(f"{stack.gateway_url}/health", timeout=5).json()
        if all(s.get("detail", {}).get("directory", {}).get("organisations", 0) >= len(ORGANISATIONS)
               for s in body["services"].values()):
            return
        time.sleep(0.5)
    raise TimeoutError("the services never received the organisation registry")


def login(stack: Stack, username: str) -> str:
    from gateway.demo import DEMO_PASSWORD

    r = httpx.post(f"{stack.gateway_url}/auth/token", data={"username": username, "password": DEMO_PASSWORD})
    r.raise_for_status()
    return r.json()["access_token"]


def one_run(work: Path, server: str, workers: int, seconds: int) -> dict:
    with databases(server) as urls:
        env = {"CONSORTIUM_DEMO_MODE": "true", "CONSORTIUM_LOG_LEVEL": "WARNING", "CONSORTIUM_REPLICAS": str(workers)}
        env |= {f"{c.env_prefix}DATABASE_URL": urls[c.name] for c in ALL}
        stack = WorkerStack(work / f"workers-{workers}", workers, env)
        stack.start(timeout=180)
        try:
            _ready(stack)
            token = login(stack, "dachang.referral")
            route = f"{stack.gateway_url}/referral/referrals/upward"
            wrk = ensure_wrk()
            peak = (lambda s: wrk_peak(wrk, route, "POST", upward_body(), token, seconds=s)) if wrk else \
                (lambda s: python_peak(route, "POST", upward_body(), token, seconds=s))
            peak(2)  # warm-up: connections, caches, every worker past its first request
            return peak(seconds).as_dict()
        finally:
            stack.stop()


def run(work: Path, seconds: int = 8) -> dict:
    with postgres_server() as server:
        if server is None:
            print("bench 9 skipped: no PostgreSQL (set BENCH_POSTGRES_URL, or install the distribution's postgresql)",
                  file=sys.stderr)
            return {"skipped": "no PostgreSQL: set BENCH_POSTGRES_URL or install postgresql"}
        one = one_run(work, server, 1, seconds)
        two = one_run(work, server, 2, seconds)
    return {"one_worker": one, "two_workers": two, "scaling_ratio": round(two["rps"] / one["rps"], 3) if one["rps"]
            else None, "postgres": "BENCH_POSTGRES_URL" if os.environ.get("BENCH_POSTGRES_URL") else "throw-away"}
