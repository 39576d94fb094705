"""Two replicas of every service behind one gateway, on PostgreSQL and the broker: referrals with claims and
secondments through the gateway, one replica of each service killed with kill -9 midway (the one publishing its
outbox); afterwards every count agrees across the services, nothing was applied twice, and every consumer applied
each aggregate's events in their order (the envelope's `aggregate_sequence`).

CI's PostgreSQL pass (marker `postgres`, TEST_POSTGRES_URL) runs 1,000 referrals; REPLICA_TEST_REFERRALS scales
the count for a local run (e.g. 200).
"""
from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from devstack.components import ALL, GATEWAY, SERVICES
from devstack.stack import free_port, port_open
from tests.support.round_robin import RoundRobin
from tests.support.service_app import fresh_database

from .checks import against_tally, consistent, counts
from .conftest import FaultStack, directory_complete
from .test_faults import server_errors
from .workload import Driver

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not os.environ.get("TEST_POSTGRES_URL"), reason="needs TEST_POSTGRES_URL (CI's PostgreSQL pass)"),
]

REPLICAS = 2


def gateway_takes_replica_lists() -> bool:
    """Whether the gateway spreads over several URLs per service (`GATEWAY_<SERVICE>_URL=http://a,http://b`)."""
    from gateway import settings

    return hasattr(settings, "split_urls")


class ReplicaStack(FaultStack):
    """The broker, REPLICAS processes per service on the service's one database, and one gateway."""

    def __init__(self, data_dir: Path, env: dict[str, str]) -> None:
        replicas = {c.name: [f"{c.name}-{i}" for i in range(1, REPLICAS + 1)] for c in SERVICES}
        ports = {name: free_port() for names in replicas.values() for name in names} | {GATEWAY.name: free_port()}
        self.replicas = replicas
        self.proxies: list[RoundRobin] = []
        for service, names in replicas.items():
            urls = [f"http://127.0.0.1:{ports[n]}" for n in names]
            if gateway_takes_replica_lists():
                env[f"GATEWAY_{service.upper()}_URL"] = ",".join(urls)
                ports[service] = ports[names[0]]
            else:  # until the gateway lists replicas: one URL per service, a test-only round robin behind it
                proxy = RoundRobin([("127.0.0.1", ports[n]) for n in names])
                self.proxies.append(proxy)
                env[f"GATEWAY_{service.upper()}_URL"] = proxy.url
                ports[service] = proxy.port
        super().__init__(data_dir, ports, free_port(), extra_env=env)

    def start(self, timeout: float = 180) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        try:
            self.start_broker()
            self.migrate()
            for c in SERVICES:
                for name in self.replicas[c.name]:
                    self._spawn(name, self._uvicorn(c.app, self.ports[name]))
            self._spawn(GATEWAY.name, self._uvicorn(GATEWAY.app, self.ports[GATEWAY.name]))
            self._wait(lambda: all(port_open(self.ports[n]) for n in self.live()), 120, "a replica did not start")
            self.wait_healthy(timeout)
            self._wait(lambda: all(directory_complete(self.replica_url(n)) for n in self.live()), 60,
                       "a replica never received the organisation registry")
        except BaseException:
            self.stop()
            raise

    @staticmethod
    def _uvicorn(app: str, port: int) -> list[str]:
        return [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port), "--no-access-log",
                "--timeout-graceful-shutdown", "5"]

    def replica_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def live(self) -> list[str]:
        return [n for names in self.replicas.values() for n in names if n in self.procs]

    def health(self, name: str) -> dict:
        return httpx.get(f"{self.replica_url(name)}/health", timeout=10).json()

    def publishing(self, service: str) -> str:
        """The replica whose relay holds the outbox lease now."""
        for name in self.replicas[service]:
            if name in self.procs and self.health(name)["outbox"]["publishing"]:
                return name
        raise AssertionError(f"no replica of {service} publishes")

    def stop(self) -> None:
        self.stop_together([GATEWAY.name])
        self.stop_together(self.live())
        super().stop()
        for proxy in self.proxies:
            proxy.close()


def settled(stack: ReplicaStack) -> dict[str, dict]:
    """Per live replica: its service's outbox backlog (shared), its consumers' lag and partitions, its status."""
    out = {}
    for name in stack.live():
        body = stack.health(name)
        consumers = body["consumers"].values()
        out[name] = {"backlog": body["outbox"]["backlog"], "publishing": body["outbox"]["publishing"],
                     "lag": sum(c["lag"] for c in consumers), "status": body["status"],
                     "unassigned": sum(len(p) for c in consumers for p in c["unassigned_partitions"].values()),
                     "processed": sum(c["processed_since_start"] for c in consumers),
                     "duplicates_skipped": sum(c["duplicates_skipped"] for c in consumers),
                     "out_of_order": sum(c.get("out_of_order", 0) for c in consumers)}
    return out


def drained(state: dict[str, dict], stack: ReplicaStack) -> bool:
    each_publishes = all(sum(state[n]["publishing"] for n in stack.replicas[s] if n in state) == 1
                         for s in stack.replicas)
    return each_publishes and all(v["backlog"] == 0 and v["lag"] == 0 and v["unassigned"] == 0
                                  and v["status"] == "ok" for v in state.values())


def order_problems(urls: dict[str, str]) -> list[str]:
    """Each aggregate's numbers in every outbox are 1, 2, 3… in seq order; no consumer applied one out of order."""
    problems = []
    for service, url in urls.items():
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                numbers = defaultdict(list)
                for (envelope,) in conn.execute(text("SELECT envelope FROM outbox ORDER BY seq")):
                    envelope = json.loads(envelope) if isinstance(envelope, str) else envelope
                    numbers[(envelope["aggregate_type"], envelope["aggregate_id"])].append(
                        envelope["aggregate_sequence"])
                late = conn.execute(text("SELECT coalesce(sum(out_of_order), 0) FROM aggregate_positions")).scalar()
        finally:
            engine.dispose()
        gaps = [k for k, seen in numbers.items() if seen != list(range(1, len(seen) + 1))]
        if gaps:
            problems.append(f"{service}: {len(gaps)} aggregates numbered with a gap or repeat, e.g. {gaps[:3]}")
        if late:
            problems.append(f"{service}: {late} events applied out of their aggregate's order")
    return problems


@pytest.fixture
def replica_stack(tmp_path: Path):
    with ExitStack() as databases:
        env = {"CONSORTIUM_DEMO_MODE": "true", "CONSORTIUM_LOG_LEVEL": "INFO", "CONSORTIUM_REPLICAS": str(REPLICAS)}
        for c in ALL:
            env[f"{c.env_prefix}DATABASE_URL"] = databases.enter_context(fresh_database(tmp_path))
        stack = ReplicaStack(tmp_path / "platform", env)
        try:
            stack.start()
            yield stack
        finally:
            stack.stop()


def test_two_replicas_of_every_service_lose_one_each_midway_and_nothing_is_lost_twice_or_out_of_order(replica_stack):
    stack = replica_stack
    referrals = int(os.environ.get("REPLICA_TEST_REFERRALS", "1000"))
    driver = Driver(stack.gateway_url, seed=referrals)
    staff_ids = driver.register_staff(max(6, referrals // 40))
    started = time.monotonic()
    work = threading.Thread(target=driver.run, args=(referrals, staff_ids))
    work.start()
    stack._wait(lambda: len(driver.tally.submitted) >= referrals // 2 or not work.is_alive(), 600, "no progress")
    before = settled(stack)  # both replicas of each service consume: the group shares the partitions
    killed = [stack.publishing(c.name) for c in SERVICES]  # the replica holding each service's leases, most likely
    for name in killed:
        stack.kill(name)
    work.join()
    workload_seconds = time.monotonic() - started

    urls = stack.database_urls()
    deadline = time.monotonic() + 180
    while True:
        c, state = counts(urls), settled(stack)
        if (drained(state, stack) and not consistent(c)) or time.monotonic() > deadline:
            break
        time.sleep(1)
    t = driver.tally
    report = {
        "referrals_attempted": referrals, "killed": killed, "workload_seconds": round(workload_seconds, 1),
        "settle_seconds": round(time.monotonic() - started - workload_seconds, 1), "requests": t.requests,
        "retries": t.retries, "ambiguous_creations": t.ambiguous_submits + t.ambiguous_out_of_county,
        "gateway_lists_replicas": gateway_takes_replica_lists(), "counts": c.__dict__,
        "replicas_before_the_kill": before, "replicas": state,
        "mismatches": consistent(c), "against_driver": against_tally(c, t), "order": order_problems(urls),
        "errors": t.errors[:20], "server_errors": server_errors(stack),
    }
    print("\nREPLICA RUN " + json.dumps(report, ensure_ascii=False, indent=1))
    assert all(v["processed"] > 0 for v in before.values()), before
    assert drained(state, stack), f"not drained: {state}"
    assert not report["mismatches"], report["mismatches"]
    assert not report["against_driver"], report["against_driver"]
    assert not t.errors, t.errors[:20]
    assert c.claims_distinct == c.claims_ref + c.claims_ooc  # no claim twice
    assert not report["order"], report["order"]
    assert len(t.submitted) >= referrals * 9 // 10 * 9 // 10 and c.claims_ref > 0 and c.postings > 0
