"""Who may see and do what in the referral service. The gateway admits roles to routes; which unit may see or
move which referral is checked here."""
from __future__ import annotations

from typing import TypeVar

from platform_common.auth import OrgKind, Principal, Role
from platform_common.errors import Forbidden, InvalidInput, NotFound
from platform_common.org_directory import Organisation
from platform_common.web import require_role

from ..adapters.tables import ReferralRow
from .unit_of_work import ReferralUnitOfWork

T = TypeVar("T")
MEMBER_KINDS = (OrgKind.COUNTY_HOSPITAL, OrgKind.TOWNSHIP_CENTRE, OrgKind.VILLAGE_CLINIC)
PRIMARY_KINDS = (OrgKind.TOWNSHIP_CENTRE, OrgKind.VILLAGE_CLINIC)
WIDE_ROLES = (Role.BUREAU_ANALYST, Role.FINANCE_OFFICER)   # indicators of any unit of their consortium
UNIT_ROLES = (Role.REFERRAL_CLERK, Role.UNIT_MANAGER)      # their own unit's


def require_clerk(principal: Principal) -> None:
    require_role(principal, Role.REFERRAL_CLERK)
    if principal.org_kind not in MEMBER_KINDS:
        raise Forbidden("only member hospitals, centres and clinics handle referrals")


def load_visible(uow: ReferralUnitOfWork, principal: Principal, referral_id: str) -> ReferralRow:
    """A unit sees only referrals it sent or (currently) receives; for anyone else they do not exist."""
    return require_visible(principal, uow.referrals.get(referral_id), referral_id)


def require_visible(principal: Principal, row: T | None, referral_id: str) -> T:
    """`row` (the aggregate or its read model), when the caller's unit sent it or currently receives it."""
    if row is None or principal.org_id not in (row.from_org_id, row.to_org_id):
        raise NotFound(f"referral {referral_id} not found")
    return row


def member_org(uow: ReferralUnitOfWork, org_id: str, field: str, kinds: tuple[OrgKind, ...],
               consortium_id: str | None) -> Organisation:
    """The unit a referral names, which must be a member of the caller's consortium of one of `kinds`."""
    org = uow.orgs.get(uow.session, org_id)
    if org is None:
        raise InvalidInput(f"unknown organisation {org_id}", field=field)
    if org.kind not in kinds:
        raise InvalidInput(f"{org_id} is a {org.kind.value}; expected {'/'.join(k.value for k in kinds)}", field=field)
    if org.consortium_id != consortium_id:
        raise InvalidInput(f"{org_id} is not a member of consortium {consortium_id}", field=field)
    return org


def indicator_scope(uow: ReferralUnitOfWork, principal: Principal, org_id: str | None,
                    consortium_id: str | None) -> tuple[str, str | None]:
    """The consortium and unit (None: consortium-wide) whose indicators the caller may read: the health bureau's
    analysts and the consortium finance office any unit of the consortium; a member unit's referral clerk or
    manager its own unit only. Nobody else."""
    require_role(principal, *WIDE_ROLES, *UNIT_ROLES)
    if principal.role in UNIT_ROLES:
        if org_id not in (None, principal.org_id):
            raise Forbidden("a unit sees its own indicators only")
        if principal.org_kind not in MEMBER_KINDS:
            raise Forbidden("only member units have referral indicators")
        org_id = principal.org_id
    consortium = principal.consortium_id or consortium_id
    if consortium_id and principal.consortium_id and consortium_id != principal.consortium_id:
        raise Forbidden("indicators of another consortium")
    if consortium is None:
        known = {o.consortium_id for o in uow.orgs.all(uow.session) if o.consortium_id}
        if len(known) != 1:
            raise InvalidInput("name the consortium", field="consortium_id")
        consortium = known.pop()
    elif not uow.orgs.all(uow.session, consortium):
        raise InvalidInput(f"no such consortium {consortium}", field="consortium_id")
    if org_id is not None:
        org = uow.orgs.get(uow.session, org_id)
        if org is None or org.consortium_id != consortium:
            raise InvalidInput(f"{org_id} is not a unit of consortium {consortium}", field="org_id")
    return consortium, org_id


def require_visit_reporter(principal: Principal) -> None:
    require_role(principal, *UNIT_ROLES)
    if principal.org_kind not in MEMBER_KINDS:
        raise Forbidden("only member units report visit volumes")
