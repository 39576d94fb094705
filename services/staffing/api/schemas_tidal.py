"""Request and response models of tidal dispatch and the allowance report (pydantic v2)."""
from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from platform_common.contracts import Specialty

from ..domain.model import TitleLevel
from .schemas import In


class SeasonIn(In):
    org_id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    start_date: date
    end_date: date
    specialties: list[Specialty] = Field(min_length=1)
    headcount: int = Field(default=1, ge=1, le=10)


class SeasonOut(BaseModel):
    season_id: str
    org_id: str
    name: str
    start_date: date
    end_date: date
    specialties: list[str]
    headcount: int


class DemandOut(BaseModel):
    township_id: str
    specialty: str
    window_volume: int
    baseline_volume: int
    window_days: int
    baseline_windows: int


class RecommendationOut(BaseModel):
    recommendation_id: str
    township_id: str
    specialty: str
    headcount: int
    score: int
    reasons: list[str]
    season_id: str | None
    window_volume: int
    status: str
    generated_at: datetime
    request_id: str | None


class AcceptIn(In):
    start_date: date
    end_date: date
    title_level: TitleLevel = TitleLevel.INTERMEDIATE
    headcount: int | None = Field(default=None, ge=1, le=20)


class AllowanceLineOut(BaseModel):
    staff_id: str
    name: str
    kind: str
    org_id: str
    title_level: str
    days: int
    amount_fen: int
    posting_id: str


class AllowanceReportOut(BaseModel):
    month: str
    total_fen: int
    secondment_total_fen: int
    gp_total_fen: int
    lines: list[AllowanceLineOut]
