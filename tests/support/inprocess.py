"""The whole HTTP side of the platform in one process: the three services and the gateway in front of them.

The gateway's proxy reaches each service's app in-process (`ServiceRouter`), through the same
`forward()` code and the same URLs as in production (`http://<service>.internal`), without a broker or
background threads. Fast enough to fuzz thousands of requests through the gateway.
"""
from __future__ import annotations

import importlib
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Iterator

import httpx
from fastapi.testclient import TestClient

from devstack.components import SERVICES
from gateway.api import MIGRATIONS as GATEWAY_MIGRATIONS, create_app as create_gateway
from gateway.settings import GatewaySettings
from tests.support.service_app import migrate, service_client


class ServiceRouter(httpx.AsyncBaseTransport):
    """An httpx transport that hands each request to the app of the service its host names."""

    def __init__(self, apps: dict) -> None:  # noqa: ANN001 - {service name: ASGI app}
        # raise_app_exceptions=False: like a real server, an app's unhandled error reaches the gateway as a 500.
        self.transports = {name: httpx.ASGITransport(app=app, raise_app_exceptions=False) for name, app in apps.items()}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        name = request.url.host.removesuffix(".internal")
        return await self.transports[name].handle_async_request(request)


def service_url(name: str) -> str:
    return f"http://{name}.internal"


@contextmanager
def in_process_platform(tmp: Path, **gateway_overrides) -> Iterator[dict[str, TestClient]]:  # noqa: ANN003
    """{name: TestClient} for referral, payment, staffing and the gateway, which forwards to the other three."""
    with ExitStack() as stack:
        clients: dict[str, TestClient] = {}
        for c in SERVICES:
            module, cls = c.settings.split(":")
            settings_cls = getattr(importlib.import_module(module), cls)
            (tmp / c.name).mkdir(parents=True, exist_ok=True)
            clients[c.name] = stack.enter_context(
                service_client(importlib.import_module(c.bootstrap), settings_cls, tmp / c.name))
        url = f"sqlite:///{tmp / 'gateway.db'}"
        migrate(GATEWAY_MIGRATIONS, url)
        settings = GatewaySettings(database_url=url, **{f"{c.name}_url": service_url(c.name) for c in SERVICES},
                                   **gateway_overrides)
        gateway = create_gateway(settings, background=False,
                                 upstream=ServiceRouter({name: client.app for name, client in clients.items()}))
        clients["gateway"] = stack.enter_context(TestClient(gateway, raise_server_exceptions=False))
        yield clients
