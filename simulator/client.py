"""HTTP to the gateway as the county's users, and a plain text progress bar (no extra dependency)."""
from __future__ import annotations

import sys
import threading
import time
from typing import Any

import httpx

from gateway.demo import DEMO_PASSWORD

RETRY = {502, 503}  # upstream restarting or pool exhausted: nothing happened, try again


class SimulationError(RuntimeError):
    pass


_KEYED = {"organisations", "enrolments", "advances", "visit-volumes", "units", "accounts", "follow-ups"}


def _route(path: str) -> str:
    """/referral/referrals/<uuid>/accept -> /referral/referrals/{id}/accept, for per-route timings."""
    parts = path.split("/")
    return "/".join("{id}" if i and (parts[i - 1] in _KEYED or any(ch.isdigit() for ch in p)) else p
                    for i, p in enumerate(parts))


class Gateway:
    """Logged-in users (one token each, logged in on first use) and one httpx client per thread."""

    def __init__(self, url: str, password: str = DEMO_PASSWORD, timeout: float = 120) -> None:
        self.url, self.password, self.timeout = url.rstrip("/"), password, timeout
        self._tokens: dict[str, str] = {}
        self._lock = threading.Lock()
        self._local = threading.local()
        self.requests = 0
        self.errors: list[str] = []
        self.seconds: dict[str, list[float]] = {}  # "METHOD /route" -> durations, for the report

    def _client(self) -> httpx.Client:
        c = getattr(self._local, "client", None)
        if c is None:
            c = self._local.client = httpx.Client(base_url=self.url, timeout=self.timeout)
        return c

    def token(self, username: str) -> str:
        tok = self._tokens.get(username)
        if tok is None:
            r = self._client().post("/auth/token", data={"username": username, "password": self.password})
            if r.status_code != 200:
                raise SimulationError(f"login {username}: {r.status_code} {r.text[:200]}")
            tok = r.json()["access_token"]
            with self._lock:
                self._tokens[username] = tok
        return tok

    def call(self, user: str, method: str, path: str, *, ok: tuple[int, ...] = (200, 201), **kw: Any) -> httpx.Response:
        """One request as `user`; an answer outside `ok` raises SimulationError (after retrying 502/503)."""
        headers = {"Authorization": f"Bearer {self.token(user)}"}
        for attempt in range(20):
            with self._lock:
                self.requests += 1
            started = time.perf_counter()
            r = self._client().request(method, path, headers=headers, **kw)
            key = f"{method} {_route(path)}"
            with self._lock:
                self.seconds.setdefault(key, []).append(time.perf_counter() - started)
            if r.status_code not in RETRY:
                break
            time.sleep(0.2 * (attempt + 1))
        if r.status_code not in ok:
            raise SimulationError(f"{user} {method} {path}: {r.status_code} {r.text[:300]}")
        return r

    def note_error(self, text: str) -> None:
        with self._lock:
            self.errors.append(text)

    def close(self) -> None:
        c = getattr(self._local, "client", None)
        if c is not None:
            c.close()


class Progress:
    """`[#####-----]  45%  phase  n/total` on stderr, redrawn at most ten times a second."""

    def __init__(self, total: int, stream=sys.stderr, width: int = 30, enabled: bool = True) -> None:  # noqa: ANN001
        self.total, self.done, self.stream, self.width, self.enabled = max(total, 1), 0, stream, width, enabled
        # Not a terminal (a log, CI): one line per phase instead of a redrawn bar.
        self.tty = enabled and hasattr(stream, "isatty") and stream.isatty()
        self.phase = ""
        self._lock = threading.Lock()
        self._last = 0.0
        self._started = time.monotonic()

    def set_phase(self, phase: str) -> None:
        self.phase = phase
        if self.enabled and not self.tty:
            self.stream.write(f"{time.monotonic() - self._started:6.1f}s  {self.done * 100 // self.total:3d}%  {phase}\n")
            self.stream.flush()
            return
        self._draw(force=True)

    def advance(self, n: int = 1) -> None:
        with self._lock:
            self.done += n
        self._draw()

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if not self.tty or (not force and now - self._last < 0.1 and self.done < self.total):
            return
        self._last = now
        frac = min(1.0, self.done / self.total)
        bar = "#" * int(frac * self.width) + "-" * (self.width - int(frac * self.width))
        self.stream.write(f"\r[{bar}] {frac:4.0%}  {now - self._started:6.1f}s  {self.phase:<34.34}")
        self.stream.flush()

    def finish(self) -> None:
        self.done = self.total
        self._draw(force=True)
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()
