"""Which roles may call which route of the referral service, through the gateway.

The service still checks that the caller's organisation sent or receives each referral,
and that unit roles see only their own unit's indicators.
"""
from __future__ import annotations

from gateway.policy import Rule, rule
from platform_common.auth import Role as R

CLERK = (R.REFERRAL_CLERK,)
CAPACITY = (R.REFERRAL_CLERK, R.UNIT_MANAGER)  # the service checks a county hospital publishes its own
INDICATOR_READERS = (R.BUREAU_ANALYST, R.FINANCE_OFFICER, R.REFERRAL_CLERK, R.UNIT_MANAGER)

RULES: list[Rule] = [
    rule("POST", "/referrals/upward", *CLERK),
    rule("POST", "/referrals/downward", *CLERK),
    rule("POST", "/referrals/out-of-county", *CLERK),
    rule("GET", "/referrals", *CLERK),
    rule("GET", "/referrals/overdue", *CLERK),
    rule("GET", "/follow-ups/overdue", *CLERK),
    rule("GET", "/referrals/{referral_id}", *CLERK),
    rule("POST", "/referrals/{referral_id}/accept", *CLERK),
    rule("POST", "/referrals/{referral_id}/reject", *CLERK),
    rule("POST", "/referrals/{referral_id}/redirect", *CLERK),
    rule("POST", "/referrals/{referral_id}/cancel", *CLERK),
    rule("POST", "/referrals/{referral_id}/arrive", *CLERK),
    rule("POST", "/referrals/{referral_id}/complete", *CLERK),
    rule("POST", "/referrals/{referral_id}/decline", *CLERK),
    rule("POST", "/referrals/{referral_id}/follow-ups/{follow_up_id}", *CLERK),
    rule("POST", "/referrals/{referral_id}/exams", *CLERK),
    rule("POST", "/referrals/{referral_id}/exams/{booking_id}/cancel", *CLERK),
    rule("POST", "/capacity/slots", *CAPACITY),
    rule("POST", "/capacity/templates/apply", *CAPACITY),
    rule("POST", "/capacity/bulk-edit", *CAPACITY),
    rule("GET", "/capacity", *CAPACITY),
    rule("GET", "/capacity/slots", *CAPACITY),
    rule("POST", "/consultations", *CLERK),
    rule("GET", "/consultations", *CLERK),
    rule("GET", "/consultations/overdue", *CLERK),
    rule("GET", "/consultations/{consultation_id}", *CLERK),
    rule("POST", "/consultations/{consultation_id}/answer", *CLERK),
    rule("POST", "/consultations/{consultation_id}/cancel", *CLERK),
    rule("GET", "/capabilities", *CLERK),
    rule("GET", "/icd10", *CLERK),
    rule("PUT", "/visit-volumes/{month}", R.REFERRAL_CLERK, R.UNIT_MANAGER),
    rule("GET", "/indicators", *INDICATOR_READERS),
    rule("POST", "/indicators/publish", R.BUREAU_ANALYST, R.FINANCE_OFFICER),
]
