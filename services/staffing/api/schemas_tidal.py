"""Request and response models of tidal dispatch and the allowance report (pydantic v2)."""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from platform_common.api_types import Fen, ResponseModel, UtcInstant
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


class SeasonOut(ResponseModel):
    season_id: str
    org_id: str
    name: str
    start_date: date
    end_date: date
    specialties: list[Specialty]
    headcount: int


class DemandOut(ResponseModel):
    township_id: str
    specialty: Specialty
    window_volume: int
    baseline_volume: int
    window_days: int
    baseline_windows: int


class RecommendationOut(ResponseModel):
    recommendation_id: str
    township_id: str
    specialty: Specialty
    headcount: int
    score: int
    reasons: list[str]
    season_id: str | None
    window_volume: int
    status: Literal["open", "accepted", "dismissed", "superseded"]
    generated_at: UtcInstant
    request_id: str | None


class AcceptIn(In):
    start_date: date
    end_date: date
    title_level: TitleLevel = TitleLevel.INTERMEDIATE
    headcount: int | None = Field(default=None, ge=1, le=20)


class AllowanceLineOut(ResponseModel):
    staff_id: str
    name: str
    kind: Literal["secondment", "gp", "village_pension"]
    org_id: str
    title_level: TitleLevel
    days: int
    amount_fen: Fen
    posting_id: str


class AllowanceReportOut(ResponseModel):
    month: str
    total_fen: Fen
    secondment_total_fen: Fen
    gp_total_fen: Fen
    village_pension_total_fen: Fen = Field(description="乡村医生养老保险补助, prorated by the days posted to a village")
    lines: list[AllowanceLineOut]
