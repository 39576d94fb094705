"""The gateway in front of two replicas of the referral service that fail on demand: what is sent again, and where."""
from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient

from gateway.api import MIGRATIONS, create_app
from gateway.settings import GatewaySettings
from platform_common.auth import Role
from platform_common.migrate import upgrade
from tests.support.tokens import token_for

CLERK = {"Authorization": f"Bearer {token_for('dachang-thc', Role.REFERRAL_CLERK)}"}
NOWHERE = "http://127.0.0.1:9"
HEALTHY = (b'{"service": "referral", "status": "ok", "directory": {}, "database": {"healthy": true}, '
           b'"broker": {"healthy": true}, "outbox": {"healthy": true}, "consumers": {}}')


class Replicas:
    """Two fake replicas, a and b: each request recorded by host; `fail[host]` says how the host fails."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []
        self.fail: dict[str, type[httpx.TransportError] | None] = {"a": None, "b": None}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        if request.url.path != "/health":
            self.seen.append((host, request.method))
        if (error := self.fail.get(host, httpx.ConnectError)) is not None:  # nothing listens elsewhere
            raise error("simulated", request=request)
        if request.url.path == "/health":
            return httpx.Response(200, content=HEALTHY)
        return httpx.Response(200, json={"served_by": host})

    def hosts(self, method: str | None = None) -> list[str]:
        return [h for h, m in self.seen if method in (None, m)]


@pytest.fixture()
def two(tmp_path):
    url = f"sqlite:///{tmp_path / 'gw.db'}"
    upgrade(MIGRATIONS, url)
    replicas = Replicas()
    settings = GatewaySettings(database_url=url, referral_url="http://a,http://b", payment_url=NOWHERE,
                               staffing_url=NOWHERE, replica_probe_seconds=3600)  # probed once, at start
    app = create_app(settings, background=False, upstream=httpx.MockTransport(replicas))
    with TestClient(app, raise_server_exceptions=False) as client:
        client.replicas = replicas
        client.sets = app.state.replica_probe.sets
        yield client


GET = ("GET", "/referral/referrals/r-1", None)
POST = ("POST", "/referral/referrals/r-1/accept", {})


def send(client, request):  # noqa: ANN001, ANN201
    method, path, body = request
    return client.request(method, path, headers=CLERK, json=body)


def test_requests_alternate_between_the_replicas(two):
    served = [send(two, GET).json()["served_by"] for _ in range(4)]
    assert sorted(served) == ["a", "a", "b", "b"]


def test_a_get_refused_by_one_replica_is_answered_by_the_other_which_then_takes_every_request(two):
    two.replicas.fail["a"] = httpx.ConnectError
    answers = [send(two, GET) for _ in range(4)]
    assert [r.status_code for r in answers] == [200] * 4 and {r.json()["served_by"] for r in answers} == {"b"}
    assert two.replicas.hosts().count("a") == 1  # out of rotation after its refusal
    a = two.sets[0].replicas[0]
    assert not a.in_rotation and "ConnectError" in a.last_error


def test_a_get_whose_connection_broke_before_an_answer_is_sent_to_the_other_replica(two):
    two.replicas.fail["a"] = httpx.ReadError
    answers = [send(two, GET) for _ in range(2)]
    assert [r.status_code for r in answers] == [200, 200]
    assert two.sets[0].replicas[0].in_rotation  # one broken connection says nothing of the replica


@pytest.mark.parametrize("failure, code", [(httpx.ConnectError, "upstream_unavailable"),
                                           (httpx.ReadError, "upstream_connection_lost"),
                                           (httpx.RemoteProtocolError, "upstream_connection_lost")])
def test_a_post_is_never_sent_to_a_second_replica(two, failure, code):
    two.replicas.fail = {"a": failure, "b": failure}
    r = send(two, POST)
    assert r.status_code == 502 and r.json()["error"]["code"] == code
    assert len(two.replicas.hosts("POST")) == 1


@pytest.mark.parametrize("method, path", [("PUT", "/referral/visit-volumes/2026-10")])
def test_a_put_is_not_sent_again_either(two, method, path):
    two.replicas.fail = {"a": httpx.ConnectError, "b": httpx.ConnectError}
    r = two.request(method, path, headers=CLERK, json={"visits": 10})
    assert r.status_code == 502 and len(two.replicas.hosts(method)) == 1


def test_a_get_no_replica_answers_is_one_clear_error_after_one_try_each(two):
    two.replicas.fail = {"a": httpx.ConnectError, "b": httpx.ConnectError}
    r = send(two, GET)
    assert r.status_code == 502 and r.json()["error"]["code"] == "upstream_unavailable"
    assert sorted(two.replicas.hosts()) == ["a", "b"]


def test_a_timeout_is_not_sent_again(two):
    two.replicas.fail = {"a": httpx.ReadTimeout, "b": httpx.ReadTimeout}
    r = send(two, GET)
    assert r.status_code == 504 and len(two.replicas.hosts()) == 1


def test_health_shows_each_replica(two):
    two.replicas.fail["a"] = httpx.ConnectError
    send(two, GET)
    replicas = two.get("/health").json()["services"]["referral"]["replicas"]
    assert set(replicas) == {"1", "2"}
    assert replicas["1"]["in_rotation"] is False and replicas["1"]["status"] == "down"
    assert replicas["2"]["forwarded"] >= 1
