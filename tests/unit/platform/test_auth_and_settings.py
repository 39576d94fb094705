import time

import jwt
import pytest
from pydantic import ValidationError

from platform_common.auth import ISSUER, OrgKind, Principal, Role, TokenError, issue_token, verify_token
from platform_common.settings import DEMO_JWT_SECRET, CommonSettings

SECRET = "x" * 40
ALICE = Principal("alice", "dachang-thc", OrgKind.TOWNSHIP_CENTRE, "wushan", Role.REFERRAL_CLERK)


def test_a_token_round_trips_the_principal():
    assert verify_token(issue_token(ALICE, SECRET, 60), SECRET) == ALICE


def test_an_expired_token_is_refused():
    token = jwt.encode(ALICE.claims() | {"iat": int(time.time()) - 100, "exp": int(time.time()) - 10, "iss": ISSUER},
                       SECRET, algorithm="HS256")
    with pytest.raises(TokenError, match="expired"):
        verify_token(token, SECRET)


def test_a_token_signed_with_another_secret_is_refused():
    with pytest.raises(TokenError):
        verify_token(issue_token(ALICE, "y" * 40, 60), SECRET)


def test_a_tampered_token_is_refused():
    header, payload, signature = issue_token(ALICE, SECRET, 60).split(".")
    forged = jwt.encode(ALICE.claims() | {"role": "insurance_officer", "iat": 1, "exp": 2**31, "iss": ISSUER},
                        "an-attacker-key-of-32-characters!", algorithm="HS256").split(".")[1]
    with pytest.raises(TokenError):
        verify_token(f"{header}.{forged}.{signature}", SECRET)


def test_an_unsigned_token_is_refused():
    unsigned = jwt.encode(ALICE.claims() | {"iat": 1, "exp": 2**31, "iss": ISSUER}, None, algorithm="none")
    with pytest.raises(TokenError):
        verify_token(unsigned, SECRET)


def test_the_demo_secret_is_refused_outside_demo_mode(monkeypatch):
    monkeypatch.delenv("CONSORTIUM_JWT_SECRET", raising=False)
    monkeypatch.setenv("CONSORTIUM_DEMO_MODE", "false")
    with pytest.raises(ValidationError, match="demo secret"):
        CommonSettings()
    monkeypatch.setenv("CONSORTIUM_JWT_SECRET", SECRET)
    assert CommonSettings().jwt_secret == SECRET


def test_a_short_secret_is_refused(monkeypatch):
    monkeypatch.setenv("CONSORTIUM_JWT_SECRET", "short")
    with pytest.raises(ValidationError, match="at least 32"):
        CommonSettings()


def test_demo_mode_accepts_the_demo_secret(monkeypatch):
    monkeypatch.setenv("CONSORTIUM_DEMO_MODE", "true")
    monkeypatch.delenv("CONSORTIUM_JWT_SECRET", raising=False)
    assert CommonSettings().jwt_secret == DEMO_JWT_SECRET


def test_fewer_partitions_than_replicas_is_refused(monkeypatch):
    """A replica beyond the partition count would be a consumer-group member with nothing to consume."""
    monkeypatch.setenv("CONSORTIUM_DEMO_MODE", "true")
    with pytest.raises(ValueError, match="CONSORTIUM_TOPIC_PARTITIONS"):
        CommonSettings(topic_partitions=2, replicas=3)
    assert CommonSettings(topic_partitions=3, replicas=3).replicas == 3


def test_the_relays_fallback_poll_is_short_when_other_replicas_write_to_its_outbox(monkeypatch):
    """With several replicas only the one holding the relay's lease publishes: rows the others commit wait for its
    fallback poll, so the default is short there and long (idle CPU) when one process writes alone."""
    from services.referral.settings import ReferralSettings

    monkeypatch.setenv("CONSORTIUM_DEMO_MODE", "true")
    alone = ReferralSettings(common=CommonSettings(replicas=1)).relay_config().idle_poll_seconds
    replicated = ReferralSettings(common=CommonSettings(topic_partitions=3, replicas=2)).relay_config()
    chosen = ReferralSettings(common=CommonSettings(replicas=2), relay_idle_poll_seconds=1.5).relay_config()
    assert (alone, replicated.idle_poll_seconds, chosen.idle_poll_seconds) == (5.0, 0.2, 1.5)
