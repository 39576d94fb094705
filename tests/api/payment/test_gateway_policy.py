"""Who may call which payment route at the gateway (the parity of rules and routes: tests/api/gateway/test_openapi.py)."""
from gateway.policies.payment import RULES
from gateway.policy import RoutePolicy
from platform_common.auth import Role


def test_role_matrix_at_the_gateway():
    policy = RoutePolicy(RULES)
    _, settle = policy.find("POST", "/settlements")
    assert settle.roles == {Role.INSURANCE_OFFICER}
    _, own = policy.find("GET", "/distributions")
    assert Role.UNIT_MANAGER in own.roles and Role.REFERRAL_CLERK not in own.roles
    assert all(Role.REFERRAL_CLERK not in r.roles for r in RULES)
    assert policy.find("GET", "/ledger/accounts/unit:dachang-thc/postings")[1] is not None
