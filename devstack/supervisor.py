"""`make run` keeps its processes up: a process that died is restarted with backoff, reported on the
terminal and in the gateway's `/health` (through a status file), and given up loudly after repeated crashes.

The broker restarted this way has lost its log (memory only): the relays notice and re-publish by themselves.
"""
from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, TextIO

from platform_common.worker import Backoff

from .stack import Stack

STATUS_FILE_ENV = "GATEWAY_SUPERVISOR_STATUS_FILE"


@dataclass
class Watched:
    state: str = "running"  # running | restarting | gave_up
    restarts: int = 0
    crashes: deque = field(default_factory=deque)  # when it died (monotonic), within the window
    last_exit: int | None = None
    last_exit_at: str | None = None
    restart_at: float | None = None


class Supervisor:
    def __init__(self, stack: Stack, *, max_crashes: int = 5, window_seconds: float = 300.0,
                 first_backoff: float = 1.0, max_backoff: float = 30.0, out: TextIO = sys.stderr,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stack = stack
        self.max_crashes = max_crashes
        self.window = window_seconds
        self.backoff = Backoff(first=first_backoff, longest=max_backoff)
        self.out = out
        self.clock = clock
        self.status_file = status_file(stack.data_dir)
        self.watched: dict[str, Watched] = {}

    def run(self, stop: threading.Event, every: float = 0.5) -> None:
        while not stop.wait(every):
            self.check()

    def check(self) -> None:
        """Notice the processes that died, restart those whose backoff is over, write the status."""
        now = self.clock()
        for name, proc in list(self.stack.procs.items()):
            watched = self.watched.setdefault(name, Watched())
            if watched.state == "running" and proc.poll() is not None:
                self._died(name, watched, proc.returncode, now)
        for name, watched in self.watched.items():
            if watched.state == "restarting" and now >= (watched.restart_at or 0):
                self._restart(name, watched, now)
        self.write_status()

    def _died(self, name: str, watched: Watched, code: int | None, now: float) -> None:
        watched.last_exit, watched.last_exit_at = code, _now_iso()
        watched.crashes.append(now)
        while watched.crashes and watched.crashes[0] < now - self.window:
            watched.crashes.popleft()
        log = self.stack.log_dir / f"{name}.log"
        if len(watched.crashes) >= self.max_crashes:
            watched.state = "gave_up"
            self._say(f"!!! {name} exited with {code}, its {len(watched.crashes)}th crash in {self.window:.0f} s: "
                      f"NOT restarting it any more. The platform is degraded; see {log}")
            return
        delay = self.backoff.for_failure(len(watched.crashes))
        watched.state, watched.restart_at = "restarting", now + delay
        self._say(f"{name} exited with {code}; restarting it in {delay:.0f} s (see {log})")

    def _restart(self, name: str, watched: Watched, now: float) -> None:
        try:
            self.stack.restart(name)
        except Exception as e:  # noqa: BLE001 - a failed start counts as one more crash
            self._say(f"{name} did not start again: {e}")
            self._died(name, watched, None, now)
            return
        watched.state, watched.restart_at = "running", None
        watched.restarts += 1
        self._say(f"{name} restarted (restart {watched.restarts})")

    def _say(self, line: str) -> None:
        print(f"[supervisor {datetime.now().strftime('%H:%M:%S')}] {line}", file=self.out, flush=True)

    def write_status(self) -> None:
        now = self.clock()
        processes = {name: {"state": w.state, "restarts": w.restarts, "last_exit": w.last_exit,
                            "last_exit_at": w.last_exit_at,
                            "restarting_in_seconds": round(max(0.0, w.restart_at - now), 1) if w.restart_at else None}
                     for name, w in sorted(self.watched.items())}
        tmp = self.status_file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"updated_at": _now_iso(), "processes": processes}))
        os.replace(tmp, self.status_file)  # the gateway never reads half a file

    def remove_status(self) -> None:
        self.status_file.unlink(missing_ok=True)


def status_file(data_dir: Path) -> Path:
    return Path(data_dir).resolve() / "supervisor.json"


def _now_iso() -> str:
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")
