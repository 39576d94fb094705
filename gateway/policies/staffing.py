"""Which roles may call which route of the staffing service, through the gateway.

The service checks the organisation itself: a unit manager only for their own township, quota
overrides only by the health bureau's HR office, approvals by the bureau's or the lead hospital's.
"""
from __future__ import annotations

from gateway.policy import Rule, rule
from platform_common.auth import Role as R

HR = R.HR_OFFICER
READERS = (R.HR_OFFICER, R.BUREAU_ANALYST)
UNIT = (R.HR_OFFICER, R.BUREAU_ANALYST, R.UNIT_MANAGER)

RULES: list[Rule] = [
    # staff registry
    rule("POST", "/staff", HR),
    rule("POST", "/staff/bulk", HR),
    rule("GET", "/staff", *UNIT),
    rule("GET", "/staff/{staff_id}", *UNIT),
    rule("POST", "/staff/{staff_id}/transfer", HR),
    rule("POST", "/staff/{staff_id}/title", HR),
    # quotas
    rule("GET", "/units/{org_id}/quota", *UNIT),
    rule("GET", "/units/{org_id}/postings", *UNIT),
    rule("GET", "/units/{org_id}/quota-overrides", *UNIT),
    rule("GET", "/units/{org_id}/quota-policies", *UNIT),
    rule("POST", "/units/{org_id}/quota-policies", HR),
    rule("GET", "/quota-report", *READERS),
    rule("GET", "/quota-policies/defaults", *UNIT),
    rule("PUT", "/quota-policies/defaults/{effective_from}", HR),
    # secondments and postings
    rule("POST", "/secondments", R.UNIT_MANAGER),
    rule("GET", "/secondments", *UNIT),
    rule("GET", "/secondments/{request_id}", *UNIT),
    rule("POST", "/secondments/{request_id}/approve", HR),
    rule("POST", "/secondments/{request_id}/reject", HR),
    rule("POST", "/secondments/{request_id}/cancel", HR, R.UNIT_MANAGER),
    rule("GET", "/secondments/{request_id}/candidates", HR),
    rule("POST", "/secondments/{request_id}/dispatch", HR),
    rule("GET", "/postings/{posting_id}", *UNIT),
    rule("POST", "/postings/{posting_id}/arrive", HR, R.UNIT_MANAGER),
    rule("POST", "/postings/{posting_id}/extend", HR),
    rule("POST", "/postings/{posting_id}/end", HR),
    # rotation
    rule("POST", "/rotation-plans", HR),
    rule("GET", "/rotation-plans", *READERS),
    rule("GET", "/rotation-plans/{plan_id}", *READERS),
    # tidal dispatch
    rule("GET", "/tidal/demand", *READERS),
    rule("POST", "/tidal/recommendations/generate", HR),
    rule("GET", "/tidal/recommendations", *READERS),
    rule("POST", "/tidal/recommendations/{rec_id}/accept", HR),
    rule("POST", "/tidal/recommendations/{rec_id}/dismiss", HR),
    rule("POST", "/seasons", HR),
    rule("GET", "/seasons", *UNIT),
    rule("DELETE", "/seasons/{season_id}", HR),
    # allowances
    rule("GET", "/allowances", *READERS),
]
