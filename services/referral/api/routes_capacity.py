"""Capacity routes: a county department publishes slots, beds and exams; member units read free capacity; the
receiving hospital books and cancels a referral's exams. Thin: parse, call one use case, shape the answer."""
from __future__ import annotations

from fastapi import APIRouter

from platform_common.api_types import IsoDate
from platform_common.contracts import Specialty
from platform_common.events import utcnow

from ..adapters.queries_capacity import CapacityFilter
from ..domain.capacity import CapacityKind, ExamType, SlotSpec, WeekRow, band
from ..service_layer import capacity, exams
from . import schemas_capacity as c
from . import schemas_referrals as out
from . import views
from .deps import Caller, Runtime
from .views import detail

router = APIRouter(tags=["capacity"])


@router.post("/capacity/slots", response_model=c.PublishedOut)
def publish_slots(body: c.SlotsIn, rt: Runtime, caller: Caller) -> dict:
    specs = [SlotSpec(s.day, *band(body.kind, s.start, s.end, f"slots.{i}.start"), s.count)
             for i, s in enumerate(body.slots)]
    with rt.uow() as uow:
        return views.published(capacity.publish_slots(uow, rt.settings, caller, utcnow(), specialty=body.specialty,
                                                      kind=body.kind, exam_type=body.exam_type, slots=specs))


@router.post("/capacity/templates/apply", response_model=c.PublishedOut)
def apply_template(body: c.TemplateIn, rt: Runtime, caller: Caller) -> dict:
    week = [WeekRow(r.weekday, *band(body.kind, r.start, r.end, f"week.{i}.start"), r.count)
            for i, r in enumerate(body.week)]
    with rt.uow() as uow:
        return views.published(capacity.apply_template(
            uow, rt.settings, caller, utcnow(), specialty=body.specialty, kind=body.kind, exam_type=body.exam_type,
            week=week, date_from=body.date_from, date_to=body.date_to))


@router.post("/capacity/bulk-edit", response_model=c.PublishedOut)
def bulk_edit(body: c.BulkEditIn, rt: Runtime, caller: Caller) -> dict:
    with rt.uow() as uow:
        return views.published(capacity.bulk_edit(uow, rt.settings, caller, utcnow(), **body.model_dump()))


@router.get("/capacity", response_model=c.CapacityDays)
def free_capacity(rt: Runtime, caller: Caller, org_id: str | None = None, specialty: Specialty | None = None,
                  kind: CapacityKind | None = None, exam_type: ExamType | None = None, date_from: IsoDate | None = None,
                  date_to: IsoDate | None = None) -> dict:
    """Per county hospital, department, kind and day of the caller's consortium (default: the next 7 days), as a
    grid: `days`, and for each line its figures day by day in the same order."""
    f = CapacityFilter(None, org_id, specialty, kind, exam_type, date_from, date_to)
    with rt.read_uow() as uow:
        f, grid = capacity.free_by_day(uow, rt.settings, caller, utcnow(), f)
    return {"consortium_id": f.consortium_id, "date_from": f.date_from, "date_to": f.date_to} | views.capacity_grid(grid)


@router.get("/capacity/slots", response_model=c.CapacitySlots)
def capacity_slots(rt: Runtime, caller: Caller, org_id: str | None = None, specialty: Specialty | None = None,
                   kind: CapacityKind | None = None, exam_type: ExamType | None = None, date_from: IsoDate | None = None,
                   date_to: IsoDate | None = None) -> dict:
    """The slots with their ids and free places, to choose one when referring or accepting."""
    f = CapacityFilter(None, org_id, specialty, kind, exam_type, date_from, date_to)
    with rt.read_uow() as uow:
        f, bands = capacity.free_bands(uow, rt.settings, caller, utcnow(), f)
    return {"consortium_id": f.consortium_id, "date_from": f.date_from, "date_to": f.date_to,
            "items": [views.band(b) for b in bands]}


@router.post("/referrals/{referral_id}/exams", response_model=out.ReferralDetail)
def book_exam(referral_id: str, body: c.ExamIn, rt: Runtime, caller: Caller) -> dict:
    now = utcnow()
    with rt.uow() as uow:
        row = exams.book(uow, rt.settings, caller, now, referral_id, **body.model_dump())
        return detail(row, now, caller.org_id)


@router.post("/referrals/{referral_id}/exams/{booking_id}/cancel", response_model=out.ReferralDetail)
def cancel_exam(referral_id: str, booking_id: str, rt: Runtime, caller: Caller) -> dict:
    now = utcnow()
    with rt.uow() as uow:
        return detail(exams.cancel(uow, caller, now, referral_id, booking_id), now, caller.org_id)
