import pytest
from pydantic import ValidationError

from gateway.passwords import hash_password, verify_password
from gateway.policy import RoutePolicy, rule
from gateway.ratelimit import LoginThrottle
from platform_common.auth import Role
from platform_common.events import EventEnvelope


def _envelope(**kw):
    base = dict(type="ReferralSubmitted", producer="referral", correlation_id="req-1",
                aggregate_type="referral", aggregate_id="r1", payload={"a": 1})
    return EventEnvelope(**(base | kw))


def test_an_envelope_survives_the_wire():
    env = _envelope()
    assert EventEnvelope.from_bytes(env.to_bytes()) == env


@pytest.mark.parametrize("bad", [{"type": ""}, {"version": 0}, {"correlation_id": ""}, {"unexpected": 1}])
def test_an_invalid_envelope_is_refused(bad):
    with pytest.raises(ValidationError):
        _envelope(**bad)


def test_policy_matches_templates_and_methods():
    policy = RoutePolicy([rule("POST", "/referrals/{rid}/accept", Role.REFERRAL_CLERK),
                          rule("GET", "/referrals", Role.REFERRAL_CLERK, Role.BUREAU_ANALYST)])
    known, r = policy.find("POST", "/referrals/abc/accept")
    assert known and r.roles == {Role.REFERRAL_CLERK}
    assert policy.find("GET", "/referrals/abc/accept") == (True, None)  # path known, method not
    assert policy.find("POST", "/referrals/abc/accept/extra") == (False, None)
    assert policy.find("GET", "/referrals/") [1] is not None


def test_passwords_verify_only_with_the_right_password():
    stored = hash_password("demo-password")
    assert verify_password("demo-password", stored)
    assert not verify_password("Demo-password", stored)
    assert not verify_password("demo-password", "garbage")


def test_login_throttle_blocks_after_repeated_failures_and_forgets_after_success():
    t = LoginThrottle(max_failures=3, window_seconds=60)
    for _ in range(3):
        assert t.retry_after("user:a") == 0
        t.failed("user:a")
    assert t.retry_after("user:a") > 0
    assert t.retry_after("user:b") == 0
    t.succeeded("user:a")
    assert t.retry_after("user:a") == 0
