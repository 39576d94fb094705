"""The staff registry: registering (one or a whole pool), reading, and moving a person's
establishment (在编) between units under the quota rules. Each change commits its own unit of work."""
from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from platform_common.auth import Principal
from platform_common.errors import Conflict, InvalidInput, NotFound, ServiceError
from platform_common.events import utcnow

from ..adapters.tables import Posting, Staff, TitleChange
from ..domain.model import (EndReason, PostingKind, PostingStatus, Qualification, TitleLevel, current_posting,
                            mask_id_number)
from ..domain.seniority import ExemptionFinding, TitleGained, exemption_on
from ..domain.village import VILLAGE_POOL
from ..settings import StaffingSettings
from .access import require_bureau_hr, require_staff_reader, staff_list_scope
from .post_counts import PostHolding, after_public_health_change, counted, county_defaults, seniority_rules
from .quota import check_admission, staffed_unit
from .unit_of_work import StaffingUnitOfWork


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
    targeted_post: bool = False              # 定向岗位 (a senior at a township centre)
    date_of_birth: date | None = None        # for the near-retirement exemption
    retirement_age_years: int | None = None  # the person's statutory age, where it is not the setting's


@dataclass(frozen=True)
class StaffRecord:
    """A person as the API shows them: where they are today and, on the detail view, their posting history
    and title changes (None where the view leaves them out)."""

    staff: Staff
    current_posting: Posting | None
    postings: list[Posting] | None = None
    title_changes: list[TitleChange] | None = None


@dataclass(frozen=True)
class StaffFilter:
    org_id: str | None = None
    specialty: str | None = None
    title_level: str | None = None
    qualification: str | None = None
    name: str | None = None  # part of the name


def id_hash(settings: StaffingSettings, id_number: str) -> str:
    key = (settings.id_hash_key or settings.common.jwt_secret).encode()
    return hmac.new(key, id_number.upper().encode(), hashlib.sha256).hexdigest()


def register(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal,
             new: NewStaff) -> StaffRecord:
    require_bureau_hr(principal)
    (record,) = _with_current(uow, settings, [_register(uow, settings, principal, new)])
    uow.commit()
    return record


def register_many(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal,
                  people: list[NewStaff]) -> list[StaffRecord]:
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
    records = _with_current(uow, settings, registered)
    uow.commit()
    return records


def _with_current(uow: StaffingUnitOfWork, settings: StaffingSettings, people: list[Staff]) -> list[StaffRecord]:
    """Each person with where they are today, as the detail view shows it (one query for all of them)."""
    postings, today = uow.postings.of_many([s.staff_id for s in people]), settings.today()
    return [StaffRecord(s, current_posting(postings[s.staff_id], today)) for s in people]


def _detail(uow: StaffingUnitOfWork, settings: StaffingSettings, staff: Staff, *,
            title_changes: bool = True) -> StaffRecord:
    postings = uow.postings.of_staff(staff.staff_id)
    return StaffRecord(staff, current_posting(postings, settings.today()), postings,
                       uow.staff.title_changes(staff.staff_id) if title_changes else None)


def list_staff(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, where: StaffFilter,
               limit: int, offset: int) -> tuple[list[StaffRecord], int]:
    staff_list_scope(principal, settings, where.org_id)
    rows, total = uow.staff.list(org_id=where.org_id, specialty=where.specialty, title_level=where.title_level,
                                 qualification=where.qualification, limit=limit, offset=offset, name=where.name)
    return _with_current(uow, settings, rows), total


def detail(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, staff_id: str) -> StaffRecord:
    """One person with their posting history and title changes."""
    return _detail(uow, settings, get_staff(uow, settings, principal, staff_id))


def _register(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, new: NewStaff) -> Staff:
    org = staffed_unit(uow, new.home_org_id, "home_org_id")
    digest = id_hash(settings, new.id_number)
    if uow.staff.by_hash(digest) is not None:
        raise Conflict("a person with this identity number is already registered", field="id_number",
                       state="registered")
    staff = Staff(staff_id=str(uuid.uuid4()), name=new.name, id_number_hash=digest,
                  id_number_masked=mask_id_number(new.id_number), qualification=new.qualification,
                  title_level=new.title_level, specialty=new.specialty, pool=new.pool,
                  home_org_id=new.home_org_id, active=True, registered_by=principal.username,
                  created_at=utcnow(), posting_changes=0, targeted_post=new.targeted_post,
                  date_of_birth=new.date_of_birth, retirement_age_years=new.retirement_age_years)
    if new.date_of_birth is not None and not date(1900, 1, 1) <= new.date_of_birth <= settings.today():
        raise InvalidInput("date_of_birth lies between 1900-01-01 and today", field="date_of_birth")
    if new.pool == VILLAGE_POOL or new.qualification == Qualification.VILLAGE_DOCTOR:
        raise InvalidInput("village doctors are hired by a township for its villages, outside its quota: register "
                           "them with POST /village-doctors", field="pool" if new.pool == VILLAGE_POOL else "qualification")
    check_admission(uow, settings, principal, org, new.start_date,
                    holding=PostHolding(Qualification(new.qualification).professional, new.title_level,
                                        new.targeted_post),
                    staff_id=staff.staff_id, override_reason=new.override_reason)
    uow.staff.register(staff, _establishment_posting(staff, org.org_id, None, new.start_date, principal))
    return staff


def _establishment_posting(staff: Staff, org_id: str, from_org: str | None, start: date,
                           principal: Principal) -> Posting:
    return Posting(posting_id=str(uuid.uuid4()), staff_id=staff.staff_id, kind=PostingKind.ESTABLISHMENT.value,
                   from_org_id=from_org, org_id=org_id, start_date=start, end_date=None,
                   status=PostingStatus.ACTIVE.value, created_by=principal.username, created_at=utcnow())


def transfer(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, staff_id: str,
             to_org_id: str, effective: date, override_reason: str | None, targeted_post: bool = False) -> StaffRecord:
    """Move a person's establishment (编制) to another unit; the quota rules of the receiving unit apply. A
    targeted post belongs to the unit that set it: the person holds one at the new unit only if `targeted_post`."""
    require_bureau_hr(principal)
    staff = get_staff(uow, settings, principal, staff_id)
    if staff.pool == VILLAGE_POOL:
        raise Conflict("a village doctor is employed by a township, outside its quota: post them to another clinic "
                       "with POST /village-doctors/{staff_id}/postings", state="village", field="staff_id")
    if staff.home_org_id == to_org_id:
        raise Conflict(f"{staff_id} is already established at {to_org_id}", field="to_org_id",
                       state=staff.home_org_id)
    org = staffed_unit(uow, to_org_id, "to_org_id")
    current = uow.postings.current_establishment(staff.staff_id)
    if current and effective <= current.start_date:
        raise InvalidInput(f"effective_date must be after {current.start_date.isoformat()}, when the "
                           "current establishment began", field="effective_date")
    check_admission(uow, settings, principal, org, effective,
                    holding=PostHolding(Qualification(staff.qualification).professional, staff.title_level,
                                        targeted_post),
                    staff_id=staff.staff_id, override_reason=override_reason)
    from_org = staff.home_org_id
    public_health_before = uow.quota.public_health_physicians(from_org, effective)
    if current:
        current.end_date = current.ended_on = effective - timedelta(days=1)
        current.status = PostingStatus.ENDED.value
        current.end_reason = EndReason.TRANSFERRED.value
    uow.postings.add(_establishment_posting(staff, org.org_id, from_org, effective, principal))
    staff.home_org_id = org.org_id
    staff.targeted_post = targeted_post
    staff.posting_changes += 1
    after_public_health_change(uow, settings, staff, from_org, effective, public_health_before)
    record = _detail(uow, settings, staff, title_changes=False)
    uow.commit()
    return record


def change_title(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, staff_id: str, *,
                 title_level: str, qualification: str | None, effective: date, today: date, reason: str,
                 override_reason: str | None, targeted_post: bool | None = None) -> StaffRecord:
    """Record a promotion (晋升) or a new qualification (e.g. an assistant physician passing the
    practising exam). Title caps bind promotions above all, so the home unit's quota rules apply; a person
    promoted after the years of township work is appointed beyond the cap, and the change says why."""
    require_bureau_hr(principal)
    staff = get_staff(uow, settings, principal, staff_id)
    if not staff.active:
        raise Conflict(f"staff {staff_id} is not active", state="inactive")
    if staff.pool == VILLAGE_POOL:
        raise Conflict("a village doctor's qualification is recorded with POST /village-doctors/{staff_id}/"
                       "qualification (outside the township's quota)", state="village", field="staff_id")
    qualification = qualification or staff.qualification
    targeted = staff.targeted_post if targeted_post is None else targeted_post
    if (title_level, qualification, targeted) == (staff.title_level, staff.qualification, staff.targeted_post):
        raise InvalidInput(f"{staff_id} already holds a {title_level} title as {qualification}", field="title_level")
    if effective > today:
        raise InvalidInput("record a title change once it has taken effect", field="effective_date")
    # Checked from today: the head counts are of today's titles, whatever the date of the decision.
    org = staffed_unit(uow, staff.home_org_id, "staff_id")
    exemption = promotion_exemption(uow, settings, staff, title_level, qualification, effective, today)
    held = counted(uow, settings, county_defaults(uow, settings, today), org, today, onward=True)
    check_admission(uow, settings, principal, org, today,
                    holding=PostHolding(Qualification(qualification).professional, title_level, targeted,
                                        exemption is not None),
                    staff_id=staff.staff_id, override_reason=override_reason,
                    replacing=PostHolding(Qualification(staff.qualification).professional, staff.title_level,
                                          staff.targeted_post, any(h.staff_id == staff_id for h in held.exempt)),
                    what="title change")
    uow.staff.add_title_change(TitleChange(staff_id=staff.staff_id, from_title=staff.title_level, to_title=title_level,
                             from_qualification=staff.qualification, to_qualification=qualification,
                             effective_date=effective, reason=reason, override_reason=override_reason,
                             decided_by=principal.username, created_at=utcnow(), targeted_post=targeted,
                             exemption=exemption.exemption.value if exemption else None,
                             exemption_reason=exemption.reason if exemption else None))
    staff.title_level, staff.qualification, staff.targeted_post = title_level, qualification, targeted
    record = _detail(uow, settings, staff)
    uow.commit()
    return record


def promotion_exemption(uow: StaffingUnitOfWork, settings: StaffingSettings, staff: Staff, title: str,
                        qualification: str, gained_on: date, today: date) -> ExemptionFinding | None:
    """The exemption the new title will have today, counting this promotion as gained on `gained_on`."""
    if TitleLevel(title).rank <= TitleLevel(staff.title_level).rank:
        return None
    county = county_defaults(uow, settings, today)
    spells = uow.quota.spells(staff.staff_id)
    return exemption_on(today, title=title, professional=Qualification(qualification).professional, spells=spells,
                        gained=[TitleGained(title, gained_on)], date_of_birth=staff.date_of_birth,
                        retirement_age_years=staff.retirement_age_years, rules=seniority_rules(county, settings))


def get_staff(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, staff_id: str) -> Staff:
    staff = uow.staff.get(staff_id)
    if staff is None:
        raise NotFound(f"no staff {staff_id}")
    require_staff_reader(principal, settings, staff, lambda: uow.postings.of_staff(staff_id))
    return staff
