from __future__ import annotations

from gateway.policies.staffing import RULES
from gateway.policy import RoutePolicy
from platform_common.auth import Role


def test_roles_at_the_gateway():
    policy = RoutePolicy(RULES)
    _, approve = policy.find("POST", "/secondments/abc/approve")
    assert approve.roles == {Role.HR_OFFICER}
    _, request = policy.find("POST", "/secondments")
    assert request.roles == {Role.UNIT_MANAGER}
    assert policy.find("PUT", "/quota-policies/defaults/2030-01-01")[1].roles == {Role.HR_OFFICER}
    assert policy.find("GET", "/staff")[1].roles.isdisjoint({Role.REFERRAL_CLERK, Role.FINANCE_OFFICER})
