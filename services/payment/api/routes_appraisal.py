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


@router.get("/primary-share", response_model=s.PrimaryShareOut)
def primary_share(consortium_id: str, period: str, uow: ReadUowDep, principal: PrincipalDep) -> dict:
    """基层医保基金占比 of a period and each of its months."""
    return appraisal.primary_share(uow, principal, consortium_id, period)
