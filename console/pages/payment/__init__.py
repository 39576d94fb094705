"""The insurance office's and the finance office's desks (医保经办, 财务): budgets and policies, claims and their
uploads, settlement and statements, reconciliation, the ledger. One module per subject; `routers()` in
console/pages/__init__.py imports them in menu order."""
