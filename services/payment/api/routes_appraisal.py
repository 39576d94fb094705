"""Appraisal of member units and the consortium; the primary units' share of the fund."""
from __future__ import annotations

from fastapi import APIRouter

from ..service_layer import appraisal
from . import schemas_appraisal as s
from .deps import PrincipalDep, ReadUowDep, SettingsDep

router = APIRouter(tags=["appraisal"])


@router.get("/appraisal", response_model=s.AppraisalReportOut)
def get_appraisal(consortium_id: str, period: str, uow: ReadUowDep, principal: PrincipalDep,
                  settings: SettingsDep) -> dict:
    """成员单位绩效考核: each unit's and the consortium's score by the policy's catalogue, every indicator with its
    value, target and points (`2026-11`, `2026-Q4` or `2026`)."""
    return appraisal.appraisal(uow, principal, settings, consortium_id, period)


@router.get("/chronic-visits", response_model=s.ChronicVisitsOut)
def chronic_visits(consortium_id: str, period: str, uow: ReadUowDep, principal: PrincipalDep) -> dict:
    """两慢病患者基层门诊就诊率: claims with a hypertension (I10–I15) or diabetes (E10–E14) main diagnosis charged to
    township centres and village clinics over all such claims, per month and over the period; each unit's count."""
    return appraisal.chronic_visit_rate(uow, principal, consortium_id, period)


@router.get("/primary-share", response_model=s.PrimaryShareOut)
def primary_share(consortium_id: str, period: str, uow: ReadUowDep, principal: PrincipalDep) -> dict:
    """基层医保基金占比 of a period and each of its months."""
    return appraisal.primary_share(uow, principal, consortium_id, period)
