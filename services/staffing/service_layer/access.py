"""Who may do what in the staffing service (the gateway checks roles; ownership is checked here)."""
from __future__ import annotations

from platform_common.auth import OrgKind, Principal, Role
from platform_common.errors import Forbidden

from ..settings import StaffingSettings


def is_bureau_hr(p: Principal) -> bool:
    return p.role is Role.HR_OFFICER and p.org_kind is OrgKind.HEALTH_BUREAU


def is_lead_hr(p: Principal, settings: StaffingSettings) -> bool:
    return p.role is Role.HR_OFFICER and p.org_id == settings.lead_org_id


def require_bureau_hr(p: Principal) -> None:
    if not is_bureau_hr(p):
        raise Forbidden("only the health bureau's HR office may do this")


def require_approver(p: Principal, settings: StaffingSettings) -> None:
    """Approve, reject and dispatch: the health bureau's or the lead hospital's HR office."""
    if not (is_bureau_hr(p) or is_lead_hr(p, settings)):
        raise Forbidden("only the health bureau's or the lead hospital's HR office may do this")


def can_read_all(p: Principal, settings: StaffingSettings) -> bool:
    return is_bureau_hr(p) or is_lead_hr(p, settings) or p.role is Role.BUREAU_ANALYST


def require_unit_reader(p: Principal, settings: StaffingSettings, org_id: str) -> None:
    """Consortium-wide readers, or the manager of the unit itself."""
    if can_read_all(p, settings):
        return
    if p.role is Role.UNIT_MANAGER and p.org_id == org_id:
        return
    raise Forbidden("you may read only your own unit's staffing")
