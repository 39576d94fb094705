"""Tokens remembered once verified: the same answers as verifying each time, expiry included."""
import pytest

from platform_common import auth
from platform_common.auth import OrgKind, Principal, Role, TokenError, VerifiedTokens, issue_token

SECRET = "x" * 40
ALICE = Principal("alice", "dachang-thc", OrgKind.TOWNSHIP_CENTRE, "wushan", Role.REFERRAL_CLERK)
BOB = Principal("bob", "county-peoples-hospital", OrgKind.COUNTY_HOSPITAL, "wushan", Role.REFERRAL_CLERK)


def test_a_remembered_token_gives_its_principal_again():
    tokens = VerifiedTokens(SECRET)
    token = issue_token(ALICE, SECRET, 60)
    assert tokens.verify(token) == ALICE and tokens.verify(token) == ALICE


def test_a_remembered_token_is_refused_once_it_expires(monkeypatch):
    tokens = VerifiedTokens(SECRET)
    token = issue_token(ALICE, SECRET, 60)
    assert tokens.verify(token) == ALICE
    real = auth.time.time
    monkeypatch.setattr(auth.time, "time", lambda: real() + 61)
    with pytest.raises(TokenError, match="token expired"):
        tokens.verify(token)


@pytest.mark.parametrize("token", ["not-a-jwt", issue_token(ALICE, "y" * 40, 60)])
def test_a_token_that_does_not_verify_is_refused_every_time(token):
    tokens = VerifiedTokens(SECRET)
    for _ in range(2):
        with pytest.raises(TokenError, match="invalid token"):
            tokens.verify(token)


def test_tampering_with_a_remembered_token_is_refused():
    tokens = VerifiedTokens(SECRET)
    token = issue_token(ALICE, SECRET, 60)
    tokens.verify(token)
    header, claims, signature = token.split(".")
    forged = issue_token(BOB, "y" * 40, 60).split(".")[1]
    with pytest.raises(TokenError):
        tokens.verify(f"{header}.{forged}.{signature}")


def test_the_memory_is_bounded():
    tokens = VerifiedTokens(SECRET, size=2)
    issued = [issue_token(Principal(f"u{i}", "dachang-thc", OrgKind.TOWNSHIP_CENTRE, "wushan", Role.REFERRAL_CLERK),
                          SECRET, 60) for i in range(5)]
    for token in issued:
        tokens.verify(token)
    assert len(tokens._known) == 2 and all(tokens.verify(t).username == f"u{i}" for i, t in enumerate(issued))
