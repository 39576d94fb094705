"""A private platform per fault test: the tests kill its processes, so it cannot be the shared `stack`."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from devstack.components import ALL, SERVICES
from devstack.stack import Stack, free_port, port_open
from gateway.demo import ORGANISATIONS
from tests.support.service_app import fresh_database


class FaultStack(Stack):
    """A Stack with the fault operations the tests inject, each waiting until it has taken effect."""

    def database_urls(self) -> dict[str, str]:
        return {c.name: self.env().get(f"{c.env_prefix}DATABASE_URL") or f"sqlite:///{self.data_dir / c.name}.db"
                for c in ALL}

    def service_urls(self) -> dict[str, str]:
        return {c.name: self.url(c.name) for c in ALL}

    def kill_and_restart(self, name: str, down_for: float = 1.0) -> None:
        self.kill(name)
        time.sleep(down_for)
        if name == "broker":
            self.start_broker()
        else:
            self.start_component(name)
            self._wait(lambda: port_open(self.ports[name]), 60, f"{name} did not come back")

    def pause_broker(self) -> None:
        os.killpg(self.procs["broker"].pid, signal.SIGSTOP)

    def resume_broker(self) -> None:
        os.killpg(self.procs["broker"].pid, signal.SIGCONT)

    def replay_outboxes(self) -> str:
        """The documented recovery after a broker lost its log: `python -m devstack replay-outbox <c>`."""
        out = []
        for c in ALL:
            done = subprocess.run([sys.executable, "-m", "devstack", "replay-outbox", c.name], env=self.env(),
                                  check=True, capture_output=True, text=True)
            out.append(done.stdout.strip())
        return "\n".join(out)

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.log_dir.glob("*.log")))


def directory_complete(url: str) -> bool:
    return httpx.get(f"{url}/health", timeout=5).json().get("directory", {}).get("organisations", 0) >= len(ORGANISATIONS)


@pytest.fixture
def fault_stack(tmp_path: Path):
    """SQLite files, or in the CI PostgreSQL pass (TEST_POSTGRES_URL) a fresh database per component."""
    with ExitStack() as databases:
        env = {"CONSORTIUM_DEMO_MODE": "true", "CONSORTIUM_LOG_LEVEL": "INFO"}
        if os.environ.get("TEST_POSTGRES_URL"):
            for c in ALL:
                env[f"{c.env_prefix}DATABASE_URL"] = databases.enter_context(fresh_database(tmp_path))
        s = FaultStack(tmp_path / "platform", {c.name: free_port() for c in ALL}, free_port(), extra_env=env)
        try:
            yield from _started(s)
        finally:
            s.stop()


def _started(s: FaultStack):  # noqa: ANN202
    s.start(timeout=120)
    deadline = time.monotonic() + 60
    while not all(directory_complete(s.url(c.name)) for c in SERVICES):
        assert time.monotonic() < deadline, "the services never received the organisation registry"
        time.sleep(0.5)
    yield s
