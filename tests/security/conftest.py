"""The gateway and each service in-process on fresh databases, for fuzzing and limits; the real platform for the
authorisation matrix."""
from __future__ import annotations

import pytest

from devstack.components import SERVICES
from tests.support.inprocess import in_process_platform


@pytest.fixture(scope="session")
def apps(tmp_path_factory: pytest.TempPathFactory):
    """{name: TestClient} for referral, payment, staffing and the gateway, which forwards to them in-process
    (no broker, no background threads)."""
    with in_process_platform(tmp_path_factory.mktemp("platform-in-process")) as clients:
        yield clients


@pytest.fixture(scope="session")
def platform(tmp_path_factory: pytest.TempPathFactory):
    """The real gateway, services and broker (SQLite: the matrix is about who may do what, not storage)."""
    from devstack.components import ALL
    from devstack.stack import free_port
    from tests.integration.conftest import RunningStack, _directory_complete

    s = RunningStack(tmp_path_factory.mktemp("platform"), {c.name: free_port() for c in ALL}, free_port(),
                     extra_env={"CONSORTIUM_DEMO_MODE": "true"})
    s._tokens = {}
    s.start(timeout=120)
    s.wait_until(lambda: all(_directory_complete(s.url(c.name)) for c in SERVICES), 60)
    yield s
    s.stop()


def pytest_terminal_summary(terminalreporter) -> None:  # noqa: ANN001
    """The fuzz's request counts (docs/reliability.md quotes them), when tests/security/test_fuzz.py ran."""
    import sys

    fuzz = sys.modules.get("tests.security.test_fuzz")
    line = fuzz.figures() if fuzz else None
    if line:
        terminalreporter.write_line(line)
