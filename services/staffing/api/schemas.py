"""Request and response models of the staffing API (pydantic v2)."""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import ConfigDict, Field

from platform_common.api_types import RequestBody, ResponseModel, UtcInstant
from platform_common.contracts import Specialty

from ..domain.model import EndReason, PostingKind, PostingStatus, Qualification, TitleLevel
from ..domain.secondment import RequestStatus
from ..domain.seniority import Exemption

ID_NUMBER = r"^\d{17}[\dXx]$"  # 居民身份证号码
Text = Field(min_length=1, max_length=500)


class In(RequestBody):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class StaffIn(In):
    name: str = Field(min_length=1, max_length=100)
    id_number: str = Field(pattern=ID_NUMBER, description="resident identity number; stored only hashed and masked")
    qualification: Qualification
    title_level: TitleLevel
    specialty: Specialty
    home_org_id: str = Field(min_length=1, max_length=64, description="the unit whose quota (编制) the person fills")
    start_date: date | None = Field(default=None, description="establishment from; default today")
    pool: str = Field(default="county", min_length=1, max_length=64)
    override_reason: str | None = Field(default=None, min_length=1, max_length=500)
    targeted_post: bool = Field(default=False, description="holds a targeted post (定向岗位): a senior, outside the "
                                                           "senior cap, within the targeted share")
    date_of_birth: date | None = Field(default=None, description="for the near-retirement exemption; default: read "
                                                                 "from the identity number when it holds a real date")
    retirement_age_years: int | None = Field(default=None, ge=40, le=75,
                                             description="the person's statutory retirement age, where it is not "
                                                         "the setting's")


class StaffBulkIn(In):
    staff: list[StaffIn] = Field(min_length=1, max_length=500)


class TransferIn(In):
    to_org_id: str = Field(min_length=1, max_length=64)
    effective_date: date
    override_reason: str | None = Field(default=None, min_length=1, max_length=500)
    targeted_post: bool = Field(default=False, description="into one of the receiving unit's targeted posts")


class TitleChangeIn(In):
    title_level: TitleLevel
    qualification: Qualification | None = Field(default=None, description="unchanged if omitted")
    effective_date: date | None = Field(default=None, description="when it took effect; default today")
    reason: str = Text
    override_reason: str | None = Field(default=None, min_length=1, max_length=500)
    targeted_post: bool | None = Field(default=None, description="into (true) or out of (false) a targeted post; "
                                                                 "unchanged if omitted")


class TitleChangeOut(ResponseModel):
    from_title: TitleLevel
    to_title: TitleLevel
    from_qualification: Qualification
    to_qualification: Qualification
    effective_date: date
    reason: str
    override_reason: str | None
    decided_by: str
    targeted_post: bool | None = Field(description="in a targeted post after the change (null: recorded before)")
    exemption: Exemption | None = Field(description="appointed beyond the cap under a seniority exemption")
    exemption_reason: str | None = Field(description="why, in words")


class PostingOut(ResponseModel):
    posting_id: str
    staff_id: str
    kind: PostingKind
    from_org_id: str | None
    org_id: str
    start_date: date
    end_date: date | None
    status: PostingStatus
    arrived_on: date | None
    ended_on: date | None
    end_reason: EndReason | None
    request_id: str | None
    plan_id: str | None


class StaffOut(ResponseModel):
    staff_id: str
    name: str
    id_number: str = Field(description="masked")
    qualification: Qualification
    title_level: TitleLevel
    specialty: Specialty
    pool: str
    home_org_id: str
    targeted_post: bool = Field(description="holds a targeted post (定向岗位)")
    current_posting: PostingOut | None = None
    postings: list[PostingOut] | None = None
    title_changes: list[TitleChangeOut] | None = None


class Page(ResponseModel):
    total: int
    limit: int
    offset: int


class StaffPage(Page):
    items: list[StaffOut]


class PostingPage(Page):
    items: list[PostingOut]


class SecondmentIn(In):
    org_id: str = Field(min_length=1, max_length=64)
    specialty: Specialty
    title_level: TitleLevel = Field(description="the lowest acceptable title")
    headcount: int = Field(ge=1, le=20)
    start_date: date
    end_date: date
    reason: str = Text


class SecondmentOut(ResponseModel):
    request_id: str
    org_id: str
    specialty: Specialty
    title_level: TitleLevel
    headcount: int
    dispatched: int
    start_date: date
    end_date: date
    reason: str
    status: RequestStatus
    source: Literal["request", "tidal"]
    recommendation_id: str | None
    requested_by: str
    decided_by: str | None
    decision_reason: str | None
    postings: list[PostingOut] = []


class SecondmentPage(Page):
    items: list[SecondmentOut]


class ApproveIn(In):
    reason: str | None = Field(default=None, min_length=1, max_length=500)
    staff_ids: list[str] = Field(default_factory=list, max_length=20)


class RejectIn(In):
    reason: str = Text


class DispatchIn(In):
    staff_id: str = Field(min_length=1, max_length=36)


class ArriveIn(In):
    arrived_on: date


class ExtendIn(In):
    end_date: date


class EndIn(In):
    ended_on: date


class CandidateOut(ResponseModel):
    staff_id: str
    name: str
    title_level: TitleLevel
    qualification: Qualification
    home_org_id: str
    days_seconded_this_year: int
    score: int
    reasons: list[str]


class RotationIn(In):
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["rotation_down", "rotation_up"]
    org_id: str = Field(min_length=1, max_length=64)
    staff_ids: list[str] = Field(min_length=1, max_length=50)
    start_date: date
    block_days: int = Field(ge=7, le=366)
    rounds: int = Field(default=1, ge=1, le=12)


class RotationOut(ResponseModel):
    plan_id: str
    name: str
    kind: Literal["rotation_down", "rotation_up"]
    org_id: str
    start_date: date
    block_days: int
    staff_ids: list[str]
    postings: list[PostingOut]


class RotationSummaryOut(ResponseModel):
    plan_id: str
    name: str
    kind: Literal["rotation_down", "rotation_up"]
    org_id: str
    start_date: date
    block_days: int
    staff_ids: list[str]
    created_by: str
    created_at: UtcInstant


class RotationPage(Page):
    items: list[RotationSummaryOut]
