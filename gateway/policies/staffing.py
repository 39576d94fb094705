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
    # village doctors (乡聘村用): a township's manager or the bureau's HR office; reads as units
    rule("POST", "/village-doctors", HR, R.UNIT_MANAGER),
    rule("GET", "/village-doctors", *UNIT),
    rule("POST", "/village-doctors/{staff_id}/qualification", HR, R.UNIT_MANAGER),
    rule("GET", "/village-doctors/licence-share", *UNIT),
    rule("POST", "/village-postings", HR, R.UNIT_MANAGER),
    rule("POST", "/village-postings/{posting_id}/end", HR, R.UNIT_MANAGER),
    rule("GET", "/village-clinics/uncovered", *UNIT),
    rule("POST", "/village-schedules", HR, R.UNIT_MANAGER),
    rule("GET", "/village-schedules", *UNIT),
    rule("DELETE", "/village-schedules/{schedule_id}", HR, R.UNIT_MANAGER),
    # the pooled county quota: loans asked by either unit's manager or the bureau, decided by the bureau
    rule("GET", "/county-quota", *READERS),
    rule("POST", "/quota-loans", HR, R.UNIT_MANAGER),
    rule("GET", "/quota-loans", *UNIT),
    rule("POST", "/quota-loans/{loan_id}/approve", HR),
    rule("POST", "/quota-loans/{loan_id}/reject", HR),
    rule("POST", "/quota-loans/{loan_id}/cancel", HR, R.UNIT_MANAGER),
    rule("POST", "/quota-loans/{loan_id}/return", HR),
    rule("POST", "/units/{org_id}/quota-reviews", HR),
    rule("GET", "/quota-reviews", *READERS),
]
