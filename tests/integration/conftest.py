"""The `stack` fixture: the real broker, the three services and the gateway as processes."""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, Callable

import httpx
import pytest

from devstack.components import ALL
from devstack.stack import Stack, free_port
from gateway.demo import DEMO_PASSWORD


class RunningStack(Stack):
    """A Stack with test conveniences: logged-in clients and polling."""

    _tokens: dict[str, str]

    def token(self, username: str, password: str = DEMO_PASSWORD) -> str:
        if username not in self._tokens:
            r = httpx.post(f"{self.gateway_url}/auth/token", data={"username": username, "password": password},
                           timeout=10)
            assert r.status_code == 200, r.text
            self._tokens[username] = r.json()["access_token"]
        return self._tokens[username]

    def client(self, username: str) -> httpx.Client:
        return httpx.Client(base_url=self.gateway_url, timeout=30,
                            headers={"Authorization": f"Bearer {self.token(username)}"})

    @staticmethod
    def wait_until(fn: Callable[[], Any], timeout: float = 30, interval: float = 0.2) -> Any:
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            try:
                last = fn()
            except (httpx.HTTPError, AssertionError, KeyError) as e:
                last = e
            else:
                if last:
                    return last
            time.sleep(interval)
        raise AssertionError(f"condition not met within {timeout} s (last: {last!r})")


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> RunningStack:
    data_dir: Path = tmp_path_factory.mktemp("stack")
    extra = {"CONSORTIUM_DEMO_MODE": "true"}
    database_urls = os.environ.get("TEST_DATABASE_URLS")  # e.g. for the PostgreSQL pass in CI
    if database_urls:
        for pair in database_urls.split(","):
            name, url = pair.split("=", 1)
            extra[f"{name.upper()}_DATABASE_URL"] = url
    s = RunningStack(data_dir, {c.name: free_port() for c in ALL}, free_port(), extra_env=extra)
    s._tokens = {}
    s.start(timeout=120)
    # Every service must have the demo organisations before a test relies on them.
    s.wait_until(lambda: all(_directory_complete(s.url(c.name)) for c in ALL if c.name != "gateway"), 60)
    yield s
    s.stop()


def _directory_complete(service_url: str) -> bool:
    from gateway.demo import ORGANISATIONS

    body = httpx.get(f"{service_url}/health", timeout=5).json()
    return body.get("directory", {}).get("organisations", 0) >= len(ORGANISATIONS)
