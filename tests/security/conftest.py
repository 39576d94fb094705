"""The gateway and each service in-process on fresh databases, for fuzzing and the authorisation matrix."""
from __future__ import annotations

import importlib
from contextlib import ExitStack

import pytest
from fastapi.testclient import TestClient

from devstack.components import SERVICES
from gateway.api import MIGRATIONS as GATEWAY_MIGRATIONS, create_app as create_gateway
from gateway.settings import GatewaySettings
from platform_common.migrate import upgrade
from tests.support.service_app import service_client


@pytest.fixture(scope="session")
def apps(tmp_path_factory: pytest.TempPathFactory):
    """{name: TestClient} for referral, payment, staffing and the gateway (no broker, no background threads)."""
    with ExitStack() as stack:
        clients = {}
        for c in SERVICES:
            module, cls = c.settings.split(":")
            settings_cls = getattr(importlib.import_module(module), cls)
            bootstrap = importlib.import_module(c.bootstrap)
            clients[c.name] = stack.enter_context(
                service_client(bootstrap, settings_cls, tmp_path_factory.mktemp(c.name)))
        url = f"sqlite:///{tmp_path_factory.mktemp('gateway') / 'gw.db'}"
        upgrade(GATEWAY_MIGRATIONS, url)
        # Nothing listens on port 9: the proxy is not fuzzed here (the matrix drives it against a real stack).
        gateway = create_gateway(GatewaySettings(database_url=url, referral_url="http://127.0.0.1:9",
                                                 payment_url="http://127.0.0.1:9", staffing_url="http://127.0.0.1:9"),
                                 background=False)
        clients["gateway"] = stack.enter_context(TestClient(gateway))
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
