"""make run's supervisor: a process that died is restarted with growing backoff, its restarts are reported (and
written for the gateway's /health), and after repeated crashes it is given up loudly (defect: `make run` printed
"payment exited with -9" and went on without payment)."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from devstack.supervisor import Supervisor


class Processes:
    """A stand-in for the Stack: processes that exit at once with `code` whenever started."""

    def __init__(self, tmp: Path, code: int) -> None:
        self.data_dir, self.log_dir, self.code = tmp, tmp / "logs", code
        self.procs: dict[str, subprocess.Popen] = {}
        self.started: list[str] = []

    def restart(self, name: str) -> None:
        self.started.append(name)
        self.procs[name] = subprocess.Popen([sys.executable, "-c", f"raise SystemExit({self.code})"])
        self.procs[name].wait()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_dead_process_comes_back_after_a_growing_backoff_then_is_given_up(tmp_path):
    stack, clock, out = Processes(tmp_path, code=-9 % 256), Clock(), io.StringIO()
    supervisor = Supervisor(stack, max_crashes=3, window_seconds=300, first_backoff=1, max_backoff=30,
                            out=out, clock=clock)
    stack.restart("payment")  # started once by make run, then it dies
    stack.started.clear()
    supervisor.check()
    assert supervisor.watched["payment"].state == "restarting" and stack.started == []
    clock.now += 1
    supervisor.check()  # the 1 s backoff is over: started again (and it dies again)
    assert stack.started == ["payment"] and supervisor.watched["payment"].restarts == 1
    supervisor.check()
    clock.now += 1.5
    supervisor.check()
    assert stack.started == ["payment"], "the second backoff is 2 s"
    clock.now += 0.5
    supervisor.check()
    assert stack.started == ["payment", "payment"]
    supervisor.check()  # its third crash within the window
    clock.now += 600
    supervisor.check()
    assert supervisor.watched["payment"].state == "gave_up" and len(stack.started) == 2
    text = out.getvalue()
    assert "payment exited with 247; restarting it in 1 s" in text and "payment restarted (restart 1)" in text
    assert "NOT restarting it any more" in text
    status = json.loads((tmp_path / "supervisor.json").read_text())["processes"]["payment"]
    assert status["state"] == "gave_up" and status["restarts"] == 2 and status["last_exit"] == 247


def test_crashes_older_than_the_window_are_forgotten(tmp_path):
    stack, clock = Processes(tmp_path, code=1), Clock()
    supervisor = Supervisor(stack, max_crashes=2, window_seconds=60, first_backoff=1, out=io.StringIO(), clock=clock)
    stack.restart("referral")
    for _ in range(4):  # a crash every 100 s: never two within a minute
        supervisor.check()
        clock.now += 100
        supervisor.check()
    supervisor.check()
    assert supervisor.watched["referral"].state == "restarting" and supervisor.watched["referral"].restarts == 4
