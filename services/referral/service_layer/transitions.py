"""A referral's moves through its state machine, each with its audit row (the transitions table)."""
from __future__ import annotations

from datetime import datetime

from platform_common.auth import Principal
from platform_common.errors import Conflict, Forbidden

from ..adapters.tables import ReferralRow, TransitionRow
from ..domain.lifecycle import Action, Direction, Party, Status, next_status
from .unit_of_work import ReferralUnitOfWork


def check_version(row: ReferralRow, expected: int | None) -> None:
    if expected is not None and expected != row.version:
        raise Conflict("the referral was changed by someone else; reload and try again",
                       current_status=row.status, current_version=row.version)


def ensure_can(row: ReferralRow, action: Action, principal: Principal, expected_version: int | None) -> Status:
    """409 (stale version, illegal step) or 403 (wrong side) before any input is looked at."""
    check_version(row, expected_version)
    new, party = next_status(Direction(row.direction), Status(row.status), action)
    side = row.to_org_id if party is Party.RECEIVER else row.from_org_id
    if principal.org_id != side:
        raise Forbidden(f"only the {party.value} of the referral may {action.value} it")
    return new


def transition(uow: ReferralUnitOfWork, row: ReferralRow, action: Action, principal: Principal, now: datetime, *,
               reason: str | None = None, response_minutes: int | None = None,
               expected_version: int | None = None) -> Status:
    """Move the referral through the state machine, checking the actor's side, and audit it."""
    current = Status(row.status)
    new = ensure_can(row, action, principal, expected_version)
    row.status, row.updated_at = new.value, now
    row.transitions.append(TransitionRow(
        action=action.value, from_status=current.value, to_status=new.value, actor=principal.username,
        actor_org_id=principal.org_id, at=now, reason=reason, response_minutes=response_minutes))
    return new


def audit_creation(row: ReferralRow, action: Action, principal: Principal, now: datetime,
                   reason: str | None = None) -> None:
    row.updated_at = now
    # A new referral's collections are known: set them, so rendering it after the commit needs no query.
    row.follow_ups = list(row.follow_ups or [])
    row.transitions.append(TransitionRow(
        action=action.value, from_status=None, to_status=row.status, actor=principal.username,
        actor_org_id=principal.org_id, at=now, reason=reason))
