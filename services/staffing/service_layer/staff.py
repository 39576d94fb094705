"""The staff registry: registering (one or a whole pool), reading, and moving a person's
establishment (在编) between units under the quota rules."""
from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from platform_common.auth import Principal
from platform_common.errors import Conflict, Forbidden, InvalidInput, NotFound, ServiceError

from ..adapters.tables import Posting, Staff, TitleChange
from ..domain.model import EndReason, Qualification, PostingKind, PostingStatus, mask_id_number
from ..settings import StaffingSettings
from .access import can_read_all, require_bureau_hr
from .quota import check_admission, staffed_unit
from .unit_of_work import StaffingUnitOfWork
from platform_common.events import utcnow


@dataclass(frozen=True)
class NewStaff:
    name: str
    id_number: str
    qualification: str
    title_level: str
    specialty: str
    home_org_id: str
    start_date: date
    pool: str = "county"
    override_reason: str | None = None


def id_hash(settings: StaffingSettings, id_number: str) -> str:
    key = (settings.id_hash_key or settings.common.jwt_secret).encode()
    return hmac.new(key, id_number.upper().encode(), hashlib.sha256).hexdigest()


def register(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, new: NewStaff) -> Staff:
    require_bureau_hr(principal)
    return _register(uow, settings, principal, new)


def register_many(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal,
                  people: list[NewStaff]) -> list[Staff]:
    """All or nothing: a refused person leaves no one registered; the error names their index."""
    require_bureau_hr(principal)
    registered = []
    for i, new in enumerate(people):
        try:
            registered.append(_register(uow, settings, principal, new))
        except ServiceError as e:
            if e.field:
                e.field = f"staff[{i}].{e.field}"
            e.details["index"] = i
            raise
    return registered


def _register(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, new: NewStaff) -> Staff:
    org = staffed_unit(uow, new.home_org_id, "home_org_id")
    digest = id_hash(settings, new.id_number)
    if uow.repo.staff_by_hash(digest) is not None:
        raise Conflict("a person with this identity number is already registered", field="id_number",
                       state="registered")
    staff = Staff(staff_id=str(uuid.uuid4()), name=new.name, id_number_hash=digest,
                  id_number_masked=mask_id_number(new.id_number), qualification=new.qualification,
                  title_level=new.title_level, specialty=new.specialty, pool=new.pool,
                  home_org_id=new.home_org_id, active=True, registered_by=principal.username,
                  created_at=utcnow(), posting_changes=0)
    check_admission(uow, settings, principal, org, new.start_date,
                    professional=Qualification(new.qualification).professional, title=new.title_level,
                    staff_id=staff.staff_id, override_reason=new.override_reason)
    uow.repo.add(staff)
    uow.repo.add(_establishment_posting(staff, org.org_id, None, new.start_date, principal))
    uow.session.flush()
    return staff


def _establishment_posting(staff: Staff, org_id: str, from_org: str | None, start: date,
                           principal: Principal) -> Posting:
    return Posting(posting_id=str(uuid.uuid4()), staff_id=staff.staff_id, kind=PostingKind.ESTABLISHMENT.value,
                   from_org_id=from_org, org_id=org_id, start_date=start, end_date=None,
                   status=PostingStatus.ACTIVE.value, created_by=principal.username, created_at=utcnow())


def transfer(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, staff_id: str,
             to_org_id: str, effective: date, override_reason: str | None) -> Staff:
    """Move a person's establishment (编制) to another unit; the quota rules of the receiving unit apply."""
    require_bureau_hr(principal)
    staff = get_staff(uow, settings, principal, staff_id)
    if staff.home_org_id == to_org_id:
        raise Conflict(f"{staff_id} is already established at {to_org_id}", field="to_org_id",
                       state=staff.home_org_id)
    org = staffed_unit(uow, to_org_id, "to_org_id")
    current = uow.repo.current_establishment(staff.staff_id)
    if current and effective <= current.start_date:
        raise InvalidInput(f"effective_date must be after {current.start_date.isoformat()}, when the "
                           "current establishment began", field="effective_date")
    check_admission(uow, settings, principal, org, effective,
                    professional=Qualification(staff.qualification).professional, title=staff.title_level,
                    staff_id=staff.staff_id, override_reason=override_reason)
    from_org = staff.home_org_id
    if current:
        current.end_date = current.ended_on = effective - timedelta(days=1)
        current.status = PostingStatus.ENDED.value
        current.end_reason = EndReason.TRANSFERRED.value
    uow.repo.add(_establishment_posting(staff, org.org_id, from_org, effective, principal))
    staff.home_org_id = org.org_id
    staff.posting_changes += 1
    return staff


def change_title(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, staff_id: str, *,
                 title_level: str, qualification: str | None, effective: date, today: date, reason: str,
                 override_reason: str | None) -> Staff:
    """Record a promotion (晋升) or a new qualification (e.g. an assistant physician passing the
    practising exam). Title caps bind promotions above all, so the home unit's quota rules apply."""
    require_bureau_hr(principal)
    staff = get_staff(uow, settings, principal, staff_id)
    if not staff.active:
        raise Conflict(f"staff {staff_id} is not active", state="inactive")
    qualification = qualification or staff.qualification
    if (title_level, qualification) == (staff.title_level, staff.qualification):
        raise InvalidInput(f"{staff_id} already holds a {title_level} title as {qualification}", field="title_level")
    if effective > today:
        raise InvalidInput("record a title change once it has taken effect", field="effective_date")
    # Checked from today: the head counts are of today's titles, whatever the date of the decision.
    org = staffed_unit(uow, staff.home_org_id, "staff_id")
    check_admission(uow, settings, principal, org, today,
                    professional=Qualification(qualification).professional, title=title_level,
                    staff_id=staff.staff_id, override_reason=override_reason,
                    replacing=(Qualification(staff.qualification).professional, staff.title_level),
                    what="title change")
    uow.repo.add(TitleChange(staff_id=staff.staff_id, from_title=staff.title_level, to_title=title_level,
                             from_qualification=staff.qualification, to_qualification=qualification,
                             effective_date=effective, reason=reason, override_reason=override_reason,
                             decided_by=principal.username, created_at=utcnow()))
    staff.title_level, staff.qualification = title_level, qualification
    return staff


def get_staff(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, staff_id: str) -> Staff:
    staff = uow.repo.staff(staff_id)
    if staff is None:
        raise NotFound(f"no staff {staff_id}")
    if can_read_all(principal, settings):
        return staff
    # A unit manager sees the people established at, or posted to, their unit.
    if principal.role.value == "unit_manager" and (
            staff.home_org_id == principal.org_id
            or any(p.org_id == principal.org_id for p in uow.repo.postings_of(staff_id))):
        return staff
    raise Forbidden("you may read only staff of your own unit")
