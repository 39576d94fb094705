"""Fund-year policy versions (政策版本): retention by score band, overspend tolerance and the fund's share, the
split of retained surplus, the capitation rate, the distribution basis, the score weights — each version with
its effective date and the settled periods it governed. A settled period's policy is shown but can no longer
change: a new version takes effect only after the last settled month (the API refuses earlier ones, 409)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response

from ... import labels as L
from ...access import FINANCE, INSURANCE, Page, register
from ...convert import bp_from_percent, fen_from_yuan
from ...web import Ctx, Form, compact, guard, status_for
from .common import GROUP_BUDGET, consortia, managing, require_manager

router = APIRouter()
POLICIES = register(Page("/policies", "政策版本", GROUP_BUDGET, (INSURANCE, FINANCE)))
BANDS = 4
WEIGHTS = ("fund_use_bp", "county_domain_bp", "acceptance_bp", "chronic_downward_bp")
TARGETS = ("county_domain_target_bp", "chronic_downward_target_bp")


def _prefill(policy: dict) -> dict:
    """The form filled with a policy's numbers, as a clerk types them (percent, yuan)."""
    values = {f"band.{i}.score": str(s) for i, (s, _) in enumerate(policy["retention_bands"])}
    values |= {f"band.{i}.pct": f"{r / 100:g}" for i, (_, r) in enumerate(policy["retention_bands"])}
    values |= {"overspend_tolerance_pct": f"{policy['overspend_tolerance_bp'] / 100:g}",
               "fund_share_within_tolerance_pct": f"{policy['fund_share_within_tolerance_bp'] / 100:g}",
               "capitation_yuan": f"{policy['capitation_fen_per_resident_month'] / 100:.2f}",
               "distribution_basis": policy["distribution_basis"]}
    values |= {f"split.{k}": f"{v / 100:g}" for k, v in policy["split_bp"].items()}
    values |= {f"score.{k}": f"{policy['score'][k] / 100:g}" for k in WEIGHTS + TARGETS}
    return values


async def _render(ctx: Ctx, year: int, form: Form | None = None, status: int = 200) -> Response:
    versions = await ctx.get("/payment/policies", fund_year=year)
    effective = await ctx.get("/payment/policies/effective", on=ctx.today.isoformat()
                              if ctx.today.year == year else f"{year}-12-31")
    settled = []
    for c in consortia(ctx):
        settled += [s | {"consortium_id": c} for s in await ctx.get("/payment/settlements", consortium_id=c)
                    if s["period"].startswith(str(year))]
    last_closed = max((s["last_month"] for s in settled), default=None)
    if form is None:
        form = Form({"fund_year": str(year)} | _prefill(effective["policy"]))
    return ctx.render("payment/policies.html", status, title=POLICIES.title, year=year, versions=versions,
                      effective=effective, settled=settled, last_closed=last_closed, form=form, bands=BANDS,
                      weights=WEIGHTS, targets=TARGETS, manager=managing(ctx),
                      bases=list(L.BASES.items()), purposes=list(L.PURPOSES.items()))


@router.get(POLICIES.path)
async def policies(ctx: Annotated[Ctx, Depends(guard(POLICIES))], fund_year: str = "") -> Response:
    year = int(fund_year) if fund_year.isdigit() and 2000 <= int(fund_year) <= 2100 else ctx.today.year
    return await _render(ctx, year)


@router.post(POLICIES.path)
async def new_version(ctx: Annotated[Ctx, Depends(guard(POLICIES))]) -> Response:
    require_manager(ctx)
    form = await ctx.form()
    year = str(form.v("fund_year"))
    form.aliases |= {"overspend_tolerance_bp": "overspend_tolerance_pct", "split_bp": "split.performance_pay",
                     "fund_share_within_tolerance_bp": "fund_share_within_tolerance_pct",
                     "capitation_fen_per_resident_month": "capitation_yuan", "retention_bands": "band.0.score",
                     "score": "score.fund_use_bp"}
    bands = []
    for i in range(BANDS):
        score, pct = str(form.v(f"band.{i}.score")).strip(), bp_from_percent(form, f"band.{i}.pct")
        if score or pct is not None:
            if not score.isdigit() or pct is None:
                form.add(f"band.{i}.score", f"第{i + 1}档请同时填写最低得分（整数）和留用比例")
                continue
            bands.append([int(score), pct])
    body = compact({
        "fund_year": int(year) if year.isdigit() else year, "effective_from": form.v("effective_from"),
        "reason": form.v("reason"), "retention_bands": bands,
        "overspend_tolerance_bp": bp_from_percent(form, "overspend_tolerance_pct"),
        "fund_share_within_tolerance_bp": bp_from_percent(form, "fund_share_within_tolerance_pct"),
        "split_bp": {k: bp_from_percent(form, f"split.{k}") for k in L.PURPOSES},
        "capitation_fen_per_resident_month": fen_from_yuan(form, "capitation_yuan", "capitation_fen_per_resident_month"),
        "distribution_basis": form.v("distribution_basis") or None,
        "score": {k: bp_from_percent(form, f"score.{k}") for k in WEIGHTS + TARGETS},
    })
    saved = None if form.errors else await ctx.attempt(form, ctx.post("/payment/policies", body))
    back = int(year) if year.isdigit() else ctx.today.year
    if saved is None:
        return await _render(ctx, back, form, status_for(form))
    return ctx.redirect(f"/policies?fund_year={back}",
                        flash=f"第 {saved['version']} 版政策已保存，自 {saved['effective_from']} 起适用。")
