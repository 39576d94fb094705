"""Budgets, advances and fund-year policies (the insurance office manages; finance reads)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from ..service_layer import budgets, policies
from platform_common.api_types import IsoDate
from . import schemas_budgets as out
from . import views
from .deps import PrincipalDep, ReadUowDep, SettingsDep, UowDep
from .schemas import AdjustmentCreate, BudgetCreate, PolicyCreate

router = APIRouter(tags=["budgets"])


@router.post("/budgets", status_code=201, response_model=out.BudgetOut)
def create_budget(body: BudgetCreate, uow: UowDep, principal: PrincipalDep) -> dict:
    return views.budget(budgets.create_budget(uow, principal, **body.model_dump()))


@router.get("/budgets", response_model=list[out.BudgetOut])
def list_budgets(uow: ReadUowDep, principal: PrincipalDep, consortium_id: str | None = None,
                 fund_year: Annotated[int | None, Query(ge=2000, le=2100)] = None) -> list[dict]:
    return [views.budget(b) for b in budgets.list_budgets(uow, principal, consortium_id, fund_year)]


@router.get("/budgets/{budget_id}", response_model=out.BudgetOut)
def get_budget(budget_id: str, uow: ReadUowDep, principal: PrincipalDep) -> dict:
    return views.budget(budgets.get_budget(uow, principal, budget_id))


@router.post("/budgets/{budget_id}/adjustments", status_code=201, response_model=out.BudgetOut)
def adjust_budget(budget_id: str, body: AdjustmentCreate, uow: UowDep, principal: PrincipalDep) -> dict:
    return views.budget(budgets.adjust_budget(uow, principal, budget_id, **body.model_dump()))


MONTH_DOC = ("the month to pay, `YYYY-MM` in the budget's fund year (e.g. `2026-03`), like every other route. "
             "Deprecated: the month number alone (`3`) is still accepted and answered with a `Deprecation: true` "
             "header; it will be removed.")


@router.post("/budgets/{budget_id}/advances/{month}/pay", status_code=201, response_model=out.AdvanceOut,
              responses={200: {"model": out.AdvanceOut, "description": "paid before: the same payment"}})
def pay_advance(budget_id: str, month: Annotated[str, Path(description=MONTH_DOC, max_length=7)], uow: UowDep,
                principal: PrincipalDep, response: Response) -> dict:
    advance, created = budgets.pay_advance(uow, principal, budget_id, month)
    if not created:
        response.status_code = 200
    if month.isdigit():
        response.headers["Deprecation"] = "true"
    return advance


@router.post("/policies", status_code=201, response_model=out.PolicyVersionOut)
def create_policy(body: PolicyCreate, uow: UowDep, principal: PrincipalDep, settings: SettingsDep) -> dict:
    params = body.model_dump(exclude={"fund_year", "effective_from", "reason"}, exclude_none=True)
    return policies.create_version(uow, principal, settings, fund_year=body.fund_year,
                                   effective_from=body.effective_from, params=params, reason=body.reason)


@router.get("/policies", response_model=list[out.PolicyVersionOut])
def list_policies(fund_year: Annotated[int, Query(ge=2000, le=2100)], uow: ReadUowDep,
                  principal: PrincipalDep) -> list[dict]:
    return policies.list_versions(uow, principal, fund_year)


@router.get("/policies/effective", response_model=out.EffectivePolicyOut)
def effective_policy(on: IsoDate, uow: ReadUowDep, principal: PrincipalDep, settings: SettingsDep) -> dict:
    return views.policy_in_force(policies.in_force(uow, principal, settings, on))
