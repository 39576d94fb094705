"""Who may see and change what (ownership; the gateway checks roles per route as well).

- insurance office: manages budgets, policies, capitation, settlement, reconciliation, for any consortium;
- consortium finance (at the lead hospital): reads everything of its own consortium, records claims;
- a member unit's manager: its own claims and distributions only.
"""
from __future__ import annotations

from platform_common.auth import Principal, Role
from platform_common.errors import Forbidden
from platform_common.web import require_role

MANAGERS = (Role.INSURANCE_OFFICER,)
READERS = (Role.INSURANCE_OFFICER, Role.FINANCE_OFFICER)
CLAIM_WRITERS = (Role.INSURANCE_OFFICER, Role.FINANCE_OFFICER)
UNIT_READERS = (Role.INSURANCE_OFFICER, Role.FINANCE_OFFICER, Role.UNIT_MANAGER)


def require_manager(principal: Principal) -> None:
    require_role(principal, *MANAGERS)


def require_consortium_reader(principal: Principal, consortium_id: str) -> None:
    """Insurance office: any consortium; finance office: its own."""
    require_role(principal, *READERS)
    if principal.role is Role.FINANCE_OFFICER and principal.consortium_id != consortium_id:
        raise Forbidden("you may only read your own consortium", consortium_id=consortium_id)


def report_scope(principal: Principal, consortium_id: str) -> str | None:
    """A consortium's report by unit (coverage, appraisal): the insurance office any consortium's, the finance
    office its own's, a member unit's manager only its own unit's lines (the org id returned to keep)."""
    if principal.role is Role.UNIT_MANAGER:
        if principal.consortium_id != consortium_id:
            raise Forbidden("you may only read your own consortium", consortium_id=consortium_id)
        return principal.org_id
    require_consortium_reader(principal, consortium_id)
    return None


def require_claim_writer(principal: Principal, consortium_id: str) -> None:
    require_role(principal, *CLAIM_WRITERS)
    if principal.role is Role.FINANCE_OFFICER and principal.consortium_id != consortium_id:
        raise Forbidden("you may only record claims of your own consortium", consortium_id=consortium_id)


def scope(principal: Principal) -> tuple[str | None, str | None]:
    """(consortium_id, org_id) a unit-level listing is restricted to; None means no restriction."""
    require_role(principal, *UNIT_READERS)
    if principal.role is Role.UNIT_MANAGER:
        return principal.consortium_id, principal.org_id
    if principal.role is Role.FINANCE_OFFICER:
        return principal.consortium_id, None
    return None, None
# The contract roster: kept by township centres and village clinics (their manager, for their own unit), the
# consortium's finance office and the insurance office.
ROSTER_KEEPERS = (Role.INSURANCE_OFFICER, Role.FINANCE_OFFICER, Role.UNIT_MANAGER)
