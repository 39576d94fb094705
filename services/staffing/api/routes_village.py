"""Village doctors (乡聘村用): registration by a township, postings to its village clinics, qualifications,
the station schedule (tours and stations), the licence share and the villages with no doctor."""
from __future__ import annotations

from fastapi import APIRouter

from platform_common.api_types import IsoDate

from ..service_layer import village as village_uc
from ..service_layer import village_schedule as schedule_uc
from . import schemas, schemas_village
from .deps import Caller, Limit, Offset, Runtime
from .views import licence_report_out, posting_out, schedule_out, uncovered_out, village_doctor_out

router = APIRouter(tags=["village"])


@router.post("/village-doctors", status_code=201, response_model=schemas_village.VillageDoctorOut)
def register_village_doctor(body: schemas_village.VillageDoctorIn, runtime: Runtime, caller: Caller):
    new = village_uc.NewVillageDoctor(body.name, body.id_number, body.qualification, body.township_id,
                                      body.clinic_id, body.start_date or runtime.settings.today(),
                                      body.specialty.value, body.title_level.value, body.date_of_birth)
    with runtime.uow() as uow:
        staff, posting = village_uc.register(uow, runtime.settings, caller, new)
        return village_doctor_out(staff, posting)


@router.get("/village-doctors", response_model=schemas_village.VillageDoctorPage)
def list_village_doctors(runtime: Runtime, caller: Caller, township_id: str | None = None, limit: Limit = 50,
                         offset: Offset = 0):
    with runtime.read_uow() as uow:
        page = village_uc.listed(uow, runtime.settings, caller, township_id, limit, offset)
        return schemas_village.VillageDoctorPage(total=page.total, limit=limit, offset=offset,
                                                 items=[village_doctor_out(s, p) for s, p in page.items])


@router.post("/village-doctors/{staff_id}/qualification", response_model=schemas_village.VillageDoctorOut)
def record_qualification(staff_id: str, body: schemas_village.QualificationIn, runtime: Runtime, caller: Caller):
    today = runtime.settings.today()
    with runtime.uow() as uow:
        staff = village_uc.qualify(uow, runtime.settings, caller, staff_id, body.qualification,
                                   body.effective_date or today, body.reason, today)
        return village_doctor_out(staff, uow.village.open_posting(staff_id, today))


@router.post("/village-postings", status_code=201, response_model=schemas.PostingOut)
def post_to_village(body: schemas_village.VillagePostingIn, runtime: Runtime, caller: Caller):
    with runtime.uow() as uow:
        return posting_out(village_uc.post(uow, runtime.settings, caller, body.staff_id, body.clinic_id,
                                           body.start_date, body.end_date))


@router.post("/village-postings/{posting_id}/end", response_model=schemas.PostingOut)
def end_village_posting(posting_id: str, body: schemas_village.VillagePostingEndIn, runtime: Runtime,
                        caller: Caller):
    with runtime.uow() as uow:
        return posting_out(village_uc.end_posting(uow, runtime.settings, caller, posting_id, body.ended_on))


@router.get("/village-doctors/licence-share", response_model=schemas_village.LicenceReportOut)
def licence_share(runtime: Runtime, caller: Caller, as_of: IsoDate | None = None):
    with runtime.read_uow() as uow:
        return licence_report_out(village_uc.licence_report(uow, runtime.settings, caller,
                                                            as_of or runtime.settings.today()))


@router.get("/village-clinics/uncovered", response_model=list[schemas_village.UncoveredClinicOut])
def uncovered_clinics(runtime: Runtime, caller: Caller, township_id: str | None = None, as_of: IsoDate | None = None):
    with runtime.read_uow() as uow:
        return [uncovered_out(u) for u in schedule_uc.uncovered(uow, runtime.settings, caller, township_id,
                                                                 as_of or runtime.settings.today())]


@router.post("/village-schedules", status_code=201, response_model=schemas_village.ScheduleOut)
def add_schedule(body: schemas_village.ScheduleIn, runtime: Runtime, caller: Caller):
    new = schedule_uc.NewSchedule(body.staff_id, body.clinic_id, body.kind, body.weekdays, body.start_date,
                                  body.end_date, body.reason)
    with runtime.uow() as uow:
        return schedule_out(schedule_uc.add(uow, runtime.settings, caller, new))


@router.get("/village-schedules", response_model=list[schemas_village.ScheduleOut])
def list_schedules(runtime: Runtime, caller: Caller, township_id: str | None = None, as_of: IsoDate | None = None):
    with runtime.read_uow() as uow:
        return [schedule_out(s) for s in schedule_uc.listed(uow, runtime.settings, caller, township_id, as_of)]


@router.delete("/village-schedules/{schedule_id}", response_model=schemas_village.ScheduleOut)
def remove_schedule(schedule_id: str, runtime: Runtime, caller: Caller):
    with runtime.uow() as uow:
        return schedule_out(schedule_uc.remove(uow, runtime.settings, caller, schedule_id))
