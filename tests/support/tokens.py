"""Tokens for tests, signed like the gateway signs them, for the demo organisations."""
from __future__ import annotations

from gateway.demo import ORGANISATIONS, USERS
from platform_common.auth import Principal, Role, issue_token
from platform_common.settings import DEMO_JWT_SECRET

ORGS = {o.org_id: o for o in ORGANISATIONS}
USERS_BY_NAME = {u.username: u for u in USERS}
# Many tests build their headers when their module is imported. A full `make test` on the loaded machine took 68
# minutes, so an hour's token had expired ("token expired", 401) before the last tests ran: tests' tokens last a day.
TEST_TOKEN_TTL = 24 * 3600


def principal_for(org_id: str, role: Role, username: str | None = None) -> Principal:
    org = ORGS[org_id]
    return Principal(username or f"{org_id}.{role.value}", org_id, org.kind, org.consortium_id, role)


def token_for(org_id: str, role: Role, *, ttl: int = TEST_TOKEN_TTL, secret: str = DEMO_JWT_SECRET) -> str:
    return issue_token(principal_for(org_id, role), secret, ttl)


def auth_header(org_id: str, role: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(org_id, role)}"}


def demo_user_header(username: str) -> dict[str, str]:
    user = USERS_BY_NAME[username]
    return {"Authorization": f"Bearer {issue_token(principal_for(user.org_id, user.role, username), DEMO_JWT_SECRET, TEST_TOKEN_TTL)}"}
