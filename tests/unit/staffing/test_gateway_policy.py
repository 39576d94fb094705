from __future__ import annotations

from fastapi.routing import APIRoute

from gateway.policies.staffing import RULES
from gateway.policy import RoutePolicy
from platform_common.auth import Role
from services.staffing.api import routes_county_policy, routes_secondments, routes_staff, routes_tidal


def test_every_service_route_is_exposed_and_every_rule_names_a_route():
    routes = {(m, r.path) for router in (routes_staff.router, routes_county_policy.router,
                                                routes_secondments.router, routes_tidal.router)
              for r in router.routes if isinstance(r, APIRoute) for m in r.methods}
    assert routes == {(r.method, r.path) for r in RULES}


def test_roles_at_the_gateway():
    policy = RoutePolicy(RULES)
    _, approve = policy.find("POST", "/secondments/abc/approve")
    assert approve.roles == {Role.HR_OFFICER}
    _, request = policy.find("POST", "/secondments")
    assert request.roles == {Role.UNIT_MANAGER}
    assert policy.find("PUT", "/quota-policies/defaults/2030-01-01")[1].roles == {Role.HR_OFFICER}
    assert policy.find("GET", "/staff")[1].roles.isdisjoint({Role.REFERRAL_CLERK, Role.FINANCE_OFFICER})
