"""Requests and answers of capacity: publishing slots, a weekly template, bulk edits, free capacity, exams."""
from __future__ import annotations

from datetime import date, time

from pydantic import Field

from platform_common.api_types import ResponseModel
from platform_common.contracts import Specialty

from ..domain.capacity import CapacityKind, ExamType
from .schemas import Body

Count = Field(ge=0, le=100_000)


class SlotIn(Body):
    day: date
    start: time | None = Field(default=None, description="local time; none for beds (the whole day)")
    end: time | None = Field(default=None, description="local time; none for beds")
    count: int = Count


class DepartmentIn(Body):
    specialty: Specialty = Field(description="the publishing department")
    kind: CapacityKind
    exam_type: ExamType | None = Field(default=None, description="for exam slots only")


class SlotsIn(DepartmentIn):
    slots: list[SlotIn] = Field(min_length=1, max_length=2000)


class WeekRowIn(Body):
    weekday: int = Field(ge=1, le=7, description="ISO weekday, 1 = Monday")
    start: time | None = None
    end: time | None = None
    count: int = Count


class TemplateIn(DepartmentIn):
    """A weekly template published over [date_from, date_to]."""

    week: list[WeekRowIn] = Field(min_length=1, max_length=200)
    date_from: date
    date_to: date


class BulkEditIn(DepartmentIn):
    """Every published slot of the department in the range (optionally some weekdays, one band) gets `count`."""

    date_from: date
    date_to: date
    weekdays: list[int] = Field(default_factory=list, max_length=7, description="ISO weekdays; empty: all")
    band_start: time | None = Field(default=None, description="only the band starting then")
    count: int = Count


class ExamIn(Body):
    exam_type: ExamType
    slot_id: str | None = Field(default=None, max_length=36, description="the exam slot; or give `day`")
    day: date | None = Field(default=None, description="book the first free slot of this local day")
    at: time | None = Field(default=None, description="with `day`: prefer the band holding this local time")


class SlotOut(ResponseModel):
    slot_id: str
    org_id: str
    specialty: Specialty
    kind: CapacityKind
    exam_type: ExamType | None
    day: date
    band_start: str = Field(description="local HH:MM (00:00 for beds)")
    band_end: str = Field(description="local HH:MM (24:00 for beds)")
    places: int
    booked: int = Field(description="places held, overflow included")
    free: int
    overflow: int = Field(description="places held beyond capacity (emergencies)")


class PublishedOut(ResponseModel):
    source: str = Field(description="slots, weekly_template or bulk_edit")
    date_from: date
    date_to: date
    slot_count: int
    places: int
    slots: list[SlotOut]


class CapacityLineOut(ResponseModel):
    """One line of a hospital (a department's outpatient slots, beds or one exam), day by day: item i of each list
    is the i-th of `days`; null where the line published nothing that day."""

    org_id: str
    specialty: Specialty
    kind: CapacityKind
    exam_type: ExamType | None
    slots: list[int | None] = Field(description="time bands published (1 for a bed day)")
    places: list[int | None] = Field(description="places published")
    booked: list[int | None] = Field(description="places booked (the overflow included)")
    free: list[int | None] = Field(description="places still free")
    overflow: list[int | None] = Field(description="emergencies taken in over capacity")


class CapacityDays(ResponseModel):
    consortium_id: str
    date_from: date
    date_to: date
    days: list[date] = Field(description="every day from date_from to date_to: the order of each line's lists")
    items: list[CapacityLineOut]


class CapacitySlots(ResponseModel):
    consortium_id: str
    date_from: date
    date_to: date
    items: list[SlotOut]
