"""Village doctors (乡聘村用 / 乡管村用): registered by a township centre, posted to one of its village clinics,
moved between them, their qualification recorded; the licence share against its target.

A village posting is a posting (kind `village`): it occupies the person like a secondment does, so no
person is ever in two overlapping postings, village postings included, and it bumps the person's row, whose
version column makes the second of two racing transactions fail (409) instead of committing an overlap.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from platform_common.auth import OrgKind, Principal
from platform_common.contracts import STAFFING_TOPIC, StaffingEvent
from platform_common.errors import Conflict, InvalidInput, NotFound
from platform_common.events import utcnow
from platform_common.org_directory import Organisation

from ..adapters.tables import Posting, Staff, TitleChange
from ..domain.model import EndReason, PostingKind, PostingStatus, TitleLevel, mask_id_number
from ..domain.village import VILLAGE_POOL, VILLAGE_QUALIFICATIONS, LicenceShare, licence_share
from ..settings import StaffingSettings
from .access import can_read_all, require_township_reader, require_township_staffer
from .post_counts import after_public_health_change, county_defaults
from .postings import last_day
from .staff import id_hash
from .unit_of_work import StaffingUnitOfWork


@dataclass(frozen=True)
class NewVillageDoctor:
    name: str
    id_number: str
    qualification: str
    township_id: str
    clinic_id: str
    start_date: date
    specialty: str = "general_practice"
    title_level: str = TitleLevel.JUNIOR.value
    date_of_birth: date | None = None


def township(uow: StaffingUnitOfWork, org_id: str, field: str) -> Organisation:
    org = uow.orgs.get(uow.session, org_id)
    if org is None or org.kind is not OrgKind.TOWNSHIP_CENTRE:
        raise InvalidInput(f"{org_id} is not a township centre", field=field)
    return org


def clinic_of(uow: StaffingUnitOfWork, town: Organisation, clinic_id: str, field: str = "clinic_id") -> Organisation:
    clinic = uow.orgs.get(uow.session, clinic_id)
    if clinic is None or clinic.kind is not OrgKind.VILLAGE_CLINIC:
        raise InvalidInput(f"{clinic_id} is not a village clinic", field=field)
    if clinic.parent_org_id != town.org_id:
        raise InvalidInput(f"{clinic_id} is a village clinic of {clinic.parent_org_id}, not of {town.org_id}: a "
                           "township posts people to its own villages", field=field)
    return clinic


def register(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal,
             new: NewVillageDoctor) -> tuple[Staff, Posting]:
    """A township hires a village doctor (乡聘) and posts them to one of its village clinics (村用)."""
    town = township(uow, new.township_id, "township_id")
    require_township_staffer(principal, town.org_id)
    clinic = clinic_of(uow, town, new.clinic_id)
    if new.qualification not in VILLAGE_QUALIFICATIONS:
        raise InvalidInput("a village doctor holds a village-doctor certificate or an assistant or practising "
                           "physician licence", field="qualification")
    if new.date_of_birth is not None and not date(1900, 1, 1) <= new.date_of_birth <= settings.today():
        raise InvalidInput("date_of_birth lies between 1900-01-01 and today", field="date_of_birth")
    digest = id_hash(settings, new.id_number)
    if uow.staff.by_hash(digest) is not None:
        raise Conflict("a person with this identity number is already registered", field="id_number",
                       state="registered")
    staff = Staff(staff_id=str(uuid.uuid4()), name=new.name, id_number_hash=digest,
                  id_number_masked=mask_id_number(new.id_number), qualification=new.qualification,
                  title_level=new.title_level, specialty=new.specialty, pool=VILLAGE_POOL, home_org_id=town.org_id,
                  active=True, registered_by=principal.username, created_at=utcnow(), posting_changes=0,
                  targeted_post=False, date_of_birth=new.date_of_birth)
    uow.village.add(staff)
    uow.village.flush()
    posting = _post(uow, principal, staff, town, clinic, new.start_date, None)
    uow.commit()
    return staff, posting


def post(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, staff_id: str, clinic_id: str,
         start: date, end: date | None) -> Posting:
    """Post a township's person to one of its village clinics (乡管村用). A village doctor already posted
    open-ended elsewhere moves: that posting ends the day before (announced)."""
    staff = uow.staff.get(staff_id)
    if staff is None or not staff.active:
        raise NotFound(f"no active staff {staff_id}")
    town = uow.orgs.get(uow.session, staff.home_org_id)
    if town is None or town.kind is not OrgKind.TOWNSHIP_CENTRE:
        raise Conflict(f"{staff_id} belongs to {staff.home_org_id}: only a township centre's people are posted to "
                       "its village clinics", rule="village_posting_township", field="staff_id")
    require_township_staffer(principal, town.org_id)
    clinic = clinic_of(uow, town, clinic_id)
    if end is not None and end < start:
        raise InvalidInput("end_date is before start_date", field="end_date")
    before = uow.quota.public_health_physicians(town.org_id, start)
    posting = _post(uow, principal, staff, town, clinic, start, end)
    after_public_health_change(uow, settings, staff, town.org_id, start, before)
    uow.commit()
    return posting


def _post(uow: StaffingUnitOfWork, principal: Principal, staff: Staff, town: Organisation, clinic: Organisation,
          start: date, end: date | None) -> Posting:
    current = uow.village.open_posting(staff.staff_id, start)
    moved_from = None
    if current is not None and current.end_date is None and current.start_date < start:
        if current.org_id == clinic.org_id:
            raise Conflict(f"{staff.staff_id} is posted to {clinic.org_id} already", state=current.status,
                           posting_id=current.posting_id, rule="overlapping_posting")
        _end(uow, staff, current, start - timedelta(days=1), EndReason.MOVED)
        moved_from = current.org_id
        uow.village.flush()
    clash = uow.postings.overlapping(staff.staff_id, start, end or date.max)
    if clash:
        c = clash[0]
        raise Conflict(f"staff {staff.staff_id} is already posted to {c.org_id} from {c.start_date.isoformat()} to "
                       f"{last_day(c)}; a person cannot be in two overlapping postings",
                       rule="overlapping_posting", state=c.status, posting_id=c.posting_id)
    posting = Posting(posting_id=str(uuid.uuid4()), staff_id=staff.staff_id, kind=PostingKind.VILLAGE.value,
                      from_org_id=town.org_id, org_id=clinic.org_id, start_date=start, end_date=end,
                      status=PostingStatus.ACTIVE.value, created_by=principal.username, created_at=utcnow())
    uow.village.add(posting)
    staff.posting_changes += 1  # the optimistic lock: see the module docstring
    uow.record(STAFFING_TOPIC, StaffingEvent.VILLAGE_DOCTOR_POSTED, "posting", posting.posting_id, {
        "posting_id": posting.posting_id, "staff_id": staff.staff_id, "township_id": town.org_id,
        "clinic_id": clinic.org_id, "qualification": staff.qualification, "start_date": start.isoformat(),
        "end_date": end.isoformat() if end else None, "moved_from_clinic_id": moved_from,
    }, org_id=clinic.org_id)
    return posting


def _end(uow: StaffingUnitOfWork, staff: Staff, posting: Posting, on: date, reason: EndReason) -> None:
    posting.ended_on = on
    posting.status, posting.end_reason = PostingStatus.ENDED.value, reason.value
    staff.posting_changes += 1
    uow.record(STAFFING_TOPIC, StaffingEvent.VILLAGE_POSTING_ENDED, "posting", posting.posting_id, {
        "posting_id": posting.posting_id, "staff_id": staff.staff_id, "clinic_id": posting.org_id,
        "ended_on": on.isoformat(), "reason": reason.value,
    }, org_id=posting.org_id)


def end_posting(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, posting_id: str,
                on: date) -> Posting:
    """The person leaves the village clinic after `on` (离开村卫生室)."""
    posting = uow.postings.get(posting_id)
    if posting is None or posting.kind != PostingKind.VILLAGE:
        raise NotFound(f"no village posting {posting_id}")
    require_township_staffer(principal, posting.from_org_id or "")
    if posting.status == PostingStatus.ENDED:
        raise Conflict(f"village posting {posting_id} has ended", state=posting.status, allowed_from=["active"])
    if on < posting.start_date or (posting.end_date is not None and on > posting.end_date):
        raise InvalidInput(f"the last day lies within the posting, from {posting.start_date.isoformat()} to "
                           f"{last_day(posting)}", field="ended_on")
    _end(uow, uow.staff.get(posting.staff_id), posting, on, EndReason.LEFT)
    uow.commit()
    return posting


def qualify(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, staff_id: str,
            qualification: str, effective: date, reason: str, today: date) -> Staff:
    """Record a village doctor's new qualification (e.g. passing the assistant physician exam, 执业助理医师)."""
    staff = uow.staff.get(staff_id)
    if staff is None or staff.pool != VILLAGE_POOL:
        raise NotFound(f"no village doctor {staff_id}")
    require_township_staffer(principal, staff.home_org_id)
    if qualification not in VILLAGE_QUALIFICATIONS:
        raise InvalidInput("a village doctor holds a village-doctor certificate or an assistant or practising "
                           "physician licence", field="qualification")
    if qualification == staff.qualification:
        raise InvalidInput(f"{staff_id} already holds a {staff.title_level} title as {qualification}",
                           field="qualification")
    if effective > today:
        raise InvalidInput("record a title change once it has taken effect", field="effective_date")
    uow.village.add(TitleChange(staff_id=staff.staff_id, from_title=staff.title_level, to_title=staff.title_level,
                                from_qualification=staff.qualification, to_qualification=qualification,
                                effective_date=effective, reason=reason, override_reason=None,
                                decided_by=principal.username, created_at=utcnow()))
    uow.record(STAFFING_TOPIC, StaffingEvent.VILLAGE_DOCTOR_QUALIFIED, "staff", staff.staff_id, {
        "staff_id": staff.staff_id, "township_id": staff.home_org_id, "from_qualification": staff.qualification,
        "to_qualification": qualification, "effective_date": effective.isoformat(),
    }, org_id=staff.home_org_id)
    staff.qualification = qualification
    uow.commit()
    return staff


@dataclass(frozen=True)
class DoctorPage:
    items: list[tuple[Staff, Posting | None]]  # each village doctor with their village posting today
    total: int


def listed(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, township_id: str | None,
           limit: int, offset: int) -> DoctorPage:
    if not can_read_all(principal, settings):
        require_township_reader(principal, settings, township_id or principal.org_id)
        township_id = principal.org_id
    rows, total = uow.village.village_doctors([township_id] if township_id else None, limit, offset)
    today = settings.today()
    return DoctorPage([(s, uow.village.open_posting(s.staff_id, today)) for s in rows], total)


@dataclass(frozen=True)
class TownshipShare:
    township: Organisation
    share: LicenceShare


@dataclass(frozen=True)
class LicenceReport:
    as_of: date
    townships: list[TownshipShare]
    county: LicenceShare


def licence_report(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal,
                   as_of: date) -> LicenceReport:
    """The share of the people posted to village clinics on `as_of` who hold a practising or assistant physician
    licence, per township (the clinic's) and for the county, against the target in force that day."""
    towns = [o for o in uow.orgs.all(uow.session) if o.kind is OrgKind.TOWNSHIP_CENTRE]
    if not can_read_all(principal, settings):
        require_township_reader(principal, settings, principal.org_id)
        towns = [t for t in towns if t.org_id == principal.org_id]
    target = county_defaults(uow, settings, as_of).village_licence_target_bp
    clinics = {o.org_id: o.parent_org_id for o in uow.orgs.all(uow.session) if o.kind is OrgKind.VILLAGE_CLINIC}
    held: dict[str, list[str]] = {}
    everyone: list[str] = []
    for v in uow.village.posted_on(as_of, list(clinics)):
        held.setdefault(clinics[v.posting.org_id] or "", []).append(v.qualification)
        everyone.append(v.qualification)
    return LicenceReport(as_of, [TownshipShare(t, licence_share(held.get(t.org_id, []), target)) for t in towns],
                         licence_share(everyone, target))
