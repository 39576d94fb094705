"""The console's pages, one module per desk or subject; each module declares its pages (access.register)
and exposes `router`. Importing them in this order sets the order of the left-hand menu. Within a desk,
fixed paths come before the patterns that would take them (/claims/upload before /claims/{claim_no}); the
referral page comes last because its pattern (/referrals/{id}) would otherwise take the fixed paths before it."""
from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from . import auth, worklists, upward, downward, out_of_county, follow_ups, indicators, icd10, detail  # noqa: I001
    from . import capacity, capacity_desk, consultations, exams
    from .payment import budgets, policies, uploads, claims, settlement, statement, reconciliation, ledger
    from .payment import roster, contracts, census, primary_care, capitation_runs, appraisal
    from .staffing import registry, staff_forms, quota, secondments, rotation, tidal, allowances, visits

    referral = [auth, worklists, upward, downward, out_of_county, follow_ups, indicators, icd10, capacity, capacity_desk,
                consultations, exams]  # /referrals/{id}/exams before the detail's /referrals/{id}/{action}
    payment = [budgets, policies, uploads, claims, settlement, statement, reconciliation, ledger,
               roster, contracts, census, primary_care, capitation_runs, appraisal]  # /contracts/new before /contracts/{id}
    staffing = [staff_forms, registry, quota, secondments, rotation, tidal, allowances, visits]  # /staff/new first
    return [m.router for m in (*referral, *payment, *staffing, detail)]
