"""Who may see and do what in the staffing service. The gateway admits roles to routes; the ownership rules
(which unit's staff, postings and requests a unit manager may touch) are checked here, and only here."""
from __future__ import annotations

from typing import Callable, Iterable

from platform_common.auth import OrgKind, Principal, Role
from platform_common.errors import Forbidden

from ..adapters.tables import Posting, SecondmentRequest, Staff
from ..settings import StaffingSettings


def is_bureau_hr(p: Principal) -> bool:
    return p.role is Role.HR_OFFICER and p.org_kind is OrgKind.HEALTH_BUREAU


def is_lead_hr(p: Principal, settings: StaffingSettings) -> bool:
    return p.role is Role.HR_OFFICER and p.org_id == settings.lead_org_id


def is_unit_manager_of(p: Principal, *org_ids: str | None) -> bool:
    return p.role is Role.UNIT_MANAGER and p.org_id in org_ids


def require_bureau_hr(p: Principal) -> None:
    if not is_bureau_hr(p):
        raise Forbidden("only the health bureau's HR office may do this")


def require_approver(p: Principal, settings: StaffingSettings) -> None:
    """Approve, reject and dispatch: the health bureau's or the lead hospital's HR office."""
    if not (is_bureau_hr(p) or is_lead_hr(p, settings)):
        raise Forbidden("only the health bureau's or the lead hospital's HR office may do this")


def can_read_all(p: Principal, settings: StaffingSettings) -> bool:
    return is_bureau_hr(p) or is_lead_hr(p, settings) or p.role is Role.BUREAU_ANALYST


def require_reader_of_all(p: Principal, settings: StaffingSettings, what: str) -> None:
    """Consortium-wide reports (`what`, a plural: "rotation plans"): HR offices and the health bureau's analysts."""
    if not can_read_all(p, settings):
        raise Forbidden(f"{what} are read by HR offices and the health bureau")


def require_unit_reader(p: Principal, settings: StaffingSettings, org_id: str) -> None:
    """Consortium-wide readers, or the manager of the unit itself."""
    if not (can_read_all(p, settings) or is_unit_manager_of(p, org_id)):
        raise Forbidden("you may read only your own unit's staffing")


def staff_list_scope(p: Principal, settings: StaffingSettings, org_id: str | None) -> None:
    if not (can_read_all(p, settings) or is_unit_manager_of(p, org_id)):
        raise Forbidden("a unit manager lists their own unit's staff: pass org_id=<your unit>")


def require_staff_reader(p: Principal, settings: StaffingSettings, staff: Staff,
                         postings: Callable[[], Iterable[Posting]]) -> None:
    """A unit manager sees the people established at, or posted to, their unit (`postings` is read only then)."""
    if can_read_all(p, settings):
        return
    if p.role is Role.UNIT_MANAGER and (
            staff.home_org_id == p.org_id or any(x.org_id == p.org_id for x in postings())):
        return
    raise Forbidden("you may read only staff of your own unit")


def require_posting_reader(p: Principal, settings: StaffingSettings, posting: Posting) -> None:
    if not (can_read_all(p, settings) or is_unit_manager_of(p, posting.org_id, posting.from_org_id)):
        raise Forbidden("you may read only postings to or from your own unit")


def requests_scope(p: Principal, settings: StaffingSettings, org_id: str | None) -> str | None:
    """The unit whose secondment requests a list may show: any (or the one asked) for consortium-wide readers,
    their own for everyone else."""
    if can_read_all(p, settings):
        return org_id
    if org_id not in (None, p.org_id):
        raise Forbidden("you may list only your own unit's requests")
    return p.org_id


def require_request_reader(p: Principal, settings: StaffingSettings, request: SecondmentRequest) -> None:
    if not (can_read_all(p, settings) or p.org_id == request.org_id):
        raise Forbidden("you may read only your own unit's requests")


def require_request_canceller(p: Principal, settings: StaffingSettings, request: SecondmentRequest) -> None:
    """The requesting unit's manager withdraws their own request; an approver may cancel any."""
    if not is_unit_manager_of(p, request.org_id):
        require_approver(p, settings)


def require_requester(p: Principal, org_id: str) -> None:
    if not is_unit_manager_of(p, org_id):
        raise Forbidden("a township centre's manager requests staff for their own unit only")


def require_arrival_recorder(p: Principal, settings: StaffingSettings, posting: Posting) -> None:
    """The receiving unit's manager records an arrival, or an approver."""
    if not is_unit_manager_of(p, posting.org_id):
        require_approver(p, settings)


def require_calendar_reader(p: Principal, settings: StaffingSettings, org_id: str | None) -> None:
    if not (can_read_all(p, settings) or org_id == p.org_id):
        raise Forbidden("you may read only your own unit's calendar")


def require_township_staffer(p: Principal, township_id: str) -> None:
    """Village doctors are hired and posted by their township centre (乡聘村用): its manager, or the health
    bureau's HR office."""
    if not (is_bureau_hr(p) or is_unit_manager_of(p, township_id)):
        raise Forbidden("only the township centre's manager or the health bureau's HR office may do this")


def require_township_reader(p: Principal, settings: StaffingSettings, township_id: str | None) -> None:
    if not (can_read_all(p, settings) or is_unit_manager_of(p, township_id)):
        raise Forbidden("you may read only your own township's villages")
