"""Which replica takes a request, and when a replica leaves and re-enters the rotation."""
from __future__ import annotations

from collections import Counter

import pytest
from pydantic import ValidationError

from gateway.replicas import ReplicaSet, health_verdict, may_retry
from gateway.settings import GatewaySettings


def three() -> ReplicaSet:
    return ReplicaSet.of("referral", ["http://a:8001", "http://b:8001", "http://c:8001"])


def test_an_idle_service_is_spread_round_robin():
    replicas = three()
    chosen = [replicas.choose().index for _ in range(9)]
    assert Counter(chosen) == {1: 3, 2: 3, 3: 3}
    assert chosen[:3] == [1, 2, 3]


def test_the_replica_with_fewest_requests_outstanding_is_chosen():
    replicas = three()
    replicas.replicas[0].outstanding = 4
    replicas.replicas[1].outstanding = 1
    replicas.replicas[2].outstanding = 2
    assert {replicas.choose().index for _ in range(5)} == {2}


def test_a_replica_out_of_rotation_takes_nothing_until_it_is_back():
    replicas = three()
    b = replicas.replicas[1]
    replicas.observe(b, False, "/health: ConnectError")
    assert not b.in_rotation and b.last_error == "/health: ConnectError" and b.changed_at is not None
    assert 2 not in {replicas.choose().index for _ in range(10)}
    replicas.observe(b, True)
    assert b.in_rotation and 2 in {replicas.choose().index for _ in range(10)}


def test_when_every_replica_is_out_they_are_still_tried_in_turn():
    replicas = three()
    for r in replicas.replicas:
        r.take_out("refused")
    assert Counter(replicas.choose().index for _ in range(6)) == {1: 2, 2: 2, 3: 2}


def test_each_attempt_of_a_request_goes_to_a_replica_not_yet_tried_then_none():
    replicas = three()
    tried = []
    while (r := replicas.choose(tried)) is not None:
        tried.append(r)
    assert sorted(r.index for r in tried) == [1, 2, 3]


def test_an_untried_replica_in_rotation_comes_before_an_untried_one_out_of_it():
    replicas = three()
    a, b, c = replicas.replicas
    b.take_out("refused")
    assert replicas.choose([a]) is c
    assert replicas.choose([a, c]) is b  # the last resort


@pytest.mark.parametrize("method, again", [("GET", True), ("HEAD", True), ("OPTIONS", True), ("POST", False),
                                           ("PUT", False), ("PATCH", False), ("DELETE", False)])
def test_only_requests_that_change_nothing_are_sent_again(method, again):
    assert may_retry(method) is again


def _health(status: str) -> bytes:
    return (f'{{"service": "referral", "status": "{status}", "directory": {{}}, "database": {{"healthy": '
            f'{"false" if status == "down" else "true"}}}, "broker": {{"healthy": true}}, "outbox": {{"healthy": true}}, '
            f'"consumers": {{}}}}').encode()


@pytest.mark.parametrize("status, in_rotation", [("ok", True), ("starting", True), ("degraded", True),
                                                 ("down", False)])
def test_a_replica_stays_in_rotation_unless_its_health_says_down(status, in_rotation):
    healthy, why, detail = health_verdict(503 if status == "down" else 200, _health(status))
    assert healthy is in_rotation and detail.status == status and (why is None) is in_rotation


def test_an_answer_that_is_not_a_services_health_takes_the_replica_out():
    healthy, why, detail = health_verdict(200, b"<html>proxy error</html>")
    assert not healthy and detail is None and "200" in why


def test_the_url_setting_takes_one_url_or_several(tmp_path):
    s = GatewaySettings(database_url="sqlite://", referral_url="http://a:8001, http://b:8001/",
                        payment_url="http://p:8002")
    assert s.service_replicas()["referral"] == ["http://a:8001", "http://b:8001"]
    assert s.service_replicas()["payment"] == ["http://p:8002"]


@pytest.mark.parametrize("value", ["", " , ", "a:8001", "http://a:8001/api", "ftp://a:21", "http://a:8001,b"])
def test_a_url_setting_that_names_no_service_root_is_refused(value):
    with pytest.raises(ValidationError) as e:
        GatewaySettings(database_url="sqlite://", referral_url=value)
    assert "referral_url" in str(e.value)
