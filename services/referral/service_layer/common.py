"""Helpers every referral use case shares: access, transitions with their audit row, event payloads."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from platform_common.auth import OrgKind, Principal, Role
from platform_common.clock import iso_instant
from platform_common.contracts import REFERRAL_TOPIC
from platform_common.errors import Conflict, Forbidden, InvalidInput, NotFound
from platform_common.org_directory import Organisation
from platform_common.web import require_role

from ..adapters.tables import ReferralRow, TransitionRow
from ..domain.identity import Sex, check_patient, parse_national_id, patient_key
from ..domain.lifecycle import Action, Direction, Party, Status, next_status
from ..settings import ReferralSettings
from .unit_of_work import ReferralUnitOfWork

AGGREGATE = "referral"
MEMBER_KINDS = (OrgKind.COUNTY_HOSPITAL, OrgKind.TOWNSHIP_CENTRE, OrgKind.VILLAGE_CLINIC)
PRIMARY_KINDS = (OrgKind.TOWNSHIP_CENTRE, OrgKind.VILLAGE_CLINIC)


def local_date(moment: datetime, settings: ReferralSettings) -> date:
    return moment.astimezone(settings.tz()).date()


def require_clerk(principal: Principal) -> None:
    require_role(principal, Role.REFERRAL_CLERK)
    if principal.org_kind not in MEMBER_KINDS:
        raise Forbidden("only member hospitals, centres and clinics handle referrals")


def member_org(uow: ReferralUnitOfWork, org_id: str, field: str, kinds: tuple[OrgKind, ...],
               consortium_id: str | None) -> Organisation:
    org = uow.orgs.get(uow.session, org_id)
    if org is None:
        raise InvalidInput(f"unknown organisation {org_id}", field=field)
    if org.kind not in kinds:
        raise InvalidInput(f"{org_id} is a {org.kind.value}; expected {'/'.join(k.value for k in kinds)}", field=field)
    if org.consortium_id != consortium_id:
        raise InvalidInput(f"{org_id} is not a member of consortium {consortium_id}", field=field)
    return org


def patient_fields(patient: dict[str, Any], settings: ReferralSettings, today: date) -> dict[str, Any]:
    nid = parse_national_id(patient["national_id"])
    sex, birth = Sex(patient["sex"]), patient["date_of_birth"]
    check_patient(nid, sex, birth, today)
    return {
        "patient_name": patient["name"].strip(), "patient_sex": sex.value, "patient_birth_date": birth,
        "patient_id_masked": nid.masked, "patient_key": patient_key(settings.patient_key_secret, nid),
    }


def load_visible(uow: ReferralUnitOfWork, principal: Principal, referral_id: str) -> ReferralRow:
    """A unit sees only referrals it sent or (currently) receives; for anyone else they do not exist."""
    row = uow.referrals.get(referral_id)
    if row is None or principal.org_id not in (row.from_org_id, row.to_org_id):
        raise NotFound(f"referral {referral_id} not found")
    return row


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


def publish(uow: ReferralUnitOfWork, row: ReferralRow, event_type: str, org_id: str | None,
            **extra: Any) -> None:
    """Every referral event carries the same header fields; never the patient's name or ID."""
    payload = {
        "referral_id": row.referral_id, "direction": row.direction, "from_org_id": row.from_org_id,
        "to_org_id": row.to_org_id, "consortium_id": row.consortium_id, "specialty": row.specialty,
    } | extra
    uow.record(REFERRAL_TOPIC, event_type, AGGREGATE, row.referral_id, payload, org_id=org_id)


def iso(value: date | datetime | None) -> str | None:
    """A date as YYYY-MM-DD; an instant in the platform's one form (UTC, `Z`)."""
    if isinstance(value, datetime):
        return iso_instant(value)
    return value.isoformat() if value else None
