"""Request and response models of village doctors, their postings, schedules and reports."""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from platform_common.api_types import BasisPoints, ResponseModel, UtcInstant
from platform_common.contracts import Specialty

from ..domain.model import TitleLevel
from ..domain.village import ScheduleKind
from .schemas import ID_NUMBER, In, PostingOut, Text

VillageQualification = Literal["village_doctor", "assistant_physician", "practising_physician"]


class VillageDoctorIn(In):
    name: str = Field(min_length=1, max_length=100)
    id_number: str = Field(pattern=ID_NUMBER, description="resident identity number; stored only hashed and masked")
    qualification: VillageQualification = Field(description="乡村医生 certificate, or an assistant or practising "
                                                            "physician licence")
    township_id: str = Field(min_length=1, max_length=64, description="the township centre that hires them (乡聘)")
    clinic_id: str = Field(min_length=1, max_length=64, description="one of its village clinics (村用)")
    start_date: date | None = Field(default=None, description="posted from; default today")
    specialty: Specialty = Specialty.GENERAL_PRACTICE
    title_level: TitleLevel = TitleLevel.JUNIOR
    date_of_birth: date | None = None


class VillagePostingIn(In):
    staff_id: str = Field(min_length=1, max_length=36)
    clinic_id: str = Field(min_length=1, max_length=64)
    start_date: date
    end_date: date | None = Field(default=None, description="planned last day; default: until moved or ended")


class VillagePostingEndIn(In):
    ended_on: date


class QualificationIn(In):
    qualification: VillageQualification
    effective_date: date | None = Field(default=None, description="when it took effect; default today")
    reason: str = Text


class VillageDoctorOut(ResponseModel):
    staff_id: str
    name: str
    id_number: str = Field(description="masked")
    qualification: VillageQualification
    title_level: TitleLevel
    specialty: Specialty
    township_id: str
    current_posting: PostingOut | None = Field(description="the village posting in force today, if any")


class VillageDoctorPage(ResponseModel):
    total: int
    limit: int
    offset: int
    items: list[VillageDoctorOut]


class LicenceShareOut(ResponseModel):
    doctors: int = Field(description="people posted to village clinics on the day")
    licensed: int = Field(description="of them, practising or assistant physicians (执业（助理）医师)")
    share_bp: BasisPoints | None = Field(description="licensed / doctors, rounded down; null with no doctor")
    target_bp: BasisPoints
    meets_target: bool
    licensed_needed: int = Field(description="more licensed doctors needed to reach the target")


class TownshipShareOut(LicenceShareOut):
    township_id: str
    name: str


class LicenceReportOut(ResponseModel):
    as_of: date
    townships: list[TownshipShareOut]
    county: LicenceShareOut


class ScheduleIn(In):
    staff_id: str = Field(min_length=1, max_length=36)
    clinic_id: str = Field(min_length=1, max_length=64)
    kind: ScheduleKind = Field(description="tour (巡诊) or station (派驻, a clinic with no resident doctor)")
    weekdays: list[int] = Field(min_length=1, max_length=7, description="1 Monday … 7 Sunday")
    start_date: date
    end_date: date
    reason: str = Text


class ScheduleOut(ResponseModel):
    schedule_id: str
    staff_id: str
    clinic_id: str
    township_id: str
    kind: ScheduleKind
    weekdays: list[int]
    start_date: date
    end_date: date
    reason: str
    created_by: str
    created_at: UtcInstant
    removed_at: UtcInstant | None
    removed_by: str | None


class UncoveredClinicOut(ResponseModel):
    clinic_id: str
    name: str
    township_id: str | None
    schedules: list[ScheduleOut] = Field(description="who serves it on schedule, in force on the day")
