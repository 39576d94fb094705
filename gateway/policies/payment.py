"""Which roles may call which route of the payment service, through the gateway.

The service checks ownership itself: finance reads only its own consortium, a unit manager
only its own claims, capitation and distributions.
"""
from __future__ import annotations

from gateway.policy import FILE_UPLOAD, Rule, rule
from platform_common.auth import Role as R

IO, FO, UM = R.INSURANCE_OFFICER, R.FINANCE_OFFICER, R.UNIT_MANAGER

RULES: list[Rule] = [
    # budgets (总额预算) and advances (预拨)
    rule("POST", "/budgets", IO),
    rule("GET", "/budgets", IO, FO),
    rule("GET", "/budgets/{budget_id}", IO, FO),
    rule("POST", "/budgets/{budget_id}/adjustments", IO),
    rule("POST", "/budgets/{budget_id}/advances/{month}/pay", IO),
    # fund-year policy versions
    rule("POST", "/policies", IO),
    rule("GET", "/policies", IO, FO),
    rule("GET", "/policies/effective", IO, FO),
    # claims
    rule("POST", "/claims", IO, FO),
    rule("POST", "/claims/uploads", IO, FO, uploads=FILE_UPLOAD),
    rule("GET", "/claims/uploads", IO, FO),
    rule("GET", "/claims/uploads/{upload_id}", IO, FO),
    rule("GET", "/claims/uploads/{upload_id}/errors", IO, FO),
    rule("GET", "/claims/uploads/{upload_id}/errors.csv", IO, FO),
    rule("GET", "/claims", IO, FO, UM),
    rule("GET", "/claims/{claim_no}", IO, FO, UM),
    # capitation (按人头付费)
    rule("PUT", "/enrolments/{org_id}", IO, FO),
    rule("GET", "/enrolments", IO, FO),
    rule("POST", "/capitation/runs", IO),
    rule("GET", "/capitation", IO, FO, UM),
    rule("GET", "/capitation/runs", IO, FO),
    rule("GET", "/capitation/runs/{run_id}/contracts", IO, FO),
    # the family-doctor contract roster (家庭医生签约): kept by primary units' managers for their own unit
    rule("POST", "/roster/uploads", IO, FO, UM, uploads=FILE_UPLOAD),
    rule("GET", "/roster/uploads/{upload_id}", IO, FO, UM),
    rule("GET", "/roster/uploads/{upload_id}/errors", IO, FO, UM),
    rule("POST", "/contracts", IO, FO, UM),
    rule("GET", "/contracts", IO, FO, UM),
    rule("GET", "/contracts/{contract_id}", IO, FO, UM),
    rule("POST", "/contracts/{contract_id}/end", IO, FO, UM),
    rule("POST", "/contracts/{contract_id}/transfer", IO, FO, UM),
    rule("PUT", "/census/{org_id}", IO, FO, UM),
    rule("GET", "/roster/fee-split", IO, FO),
    rule("GET", "/roster/coverage", IO, FO, UM),  # a unit's manager: its own unit's lines
    # appraisal of member units (成员单位绩效考核) and the primary units' share of the fund
    rule("GET", "/appraisal", IO, FO, UM),  # a unit's manager: the consortium's and its own unit's
    rule("GET", "/primary-share", IO, FO),
    rule("GET", "/chronic-visits", IO, FO),
    # performance and settlement
    rule("GET", "/indicators", IO, FO),
    rule("GET", "/performance", IO, FO),
    rule("POST", "/settlements", IO),
    rule("GET", "/settlements", IO, FO),
    rule("GET", "/settlements/{settlement_id}", IO, FO),
    rule("GET", "/settlements/{settlement_id}/statement.csv", IO, FO),
    rule("GET", "/settlements/{settlement_id}/statement.xlsx", IO, FO),
    rule("GET", "/distributions", IO, FO, UM),
    # ledger (财务一本账)
    rule("GET", "/ledger/balances", IO, FO),
    rule("GET", "/ledger/accounts/{account}/postings", IO, FO),
    # reconciliation (对账)
    rule("POST", "/reconciliations", IO, uploads=FILE_UPLOAD),
    rule("GET", "/reconciliations", IO, FO),
    rule("GET", "/reconciliations/{recon_id}", IO, FO),
    rule("GET", "/reconciliations/{recon_id}/items", IO, FO),
    rule("GET", "/reconciliations/{recon_id}/report.csv", IO, FO),
    rule("GET", "/reconciliations/{recon_id}/errors.csv", IO, FO),
]
