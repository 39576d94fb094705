"""What the payment pages share: the consortium a page is about, periods, yuan typed into fen."""
from __future__ import annotations

import re

from ...web import Ctx, Form, NotAllowed

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
PERIOD = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]|Q[1-4]))?$")
GROUP_BUDGET, GROUP_CLAIMS, GROUP_SETTLE, GROUP_LEDGER = "基金预算", "理赔", "结算与对账", "财务"
GROUP_ROSTER, GROUP_APPRAISAL = "家庭医生签约", "绩效考核"


def consortia(ctx: Ctx) -> list[str]:
    """The consortia the user may choose: the finance office its own; the insurance office every one in the
    registry (it serves the whole county)."""
    if ctx.user.consortium_id:
        return [ctx.user.consortium_id]
    return sorted({o.consortium_id for o in ctx.registry.by_id.values() if o.consortium_id})


def consortium_of(ctx: Ctx, requested: str | None) -> str:
    options = consortia(ctx)
    return requested if requested in options else (options[0] if options else "")


def consortium_name(consortium_id: str) -> str:
    """The registry gives a consortium no name of its own: it is shown by its code."""
    return f"医共体（{consortium_id}）"


def last_month(ctx: Ctx) -> str:
    d = ctx.today
    year, month = (d.year, d.month - 1) if d.month > 1 else (d.year - 1, 12)
    return f"{year:04d}-{month:02d}"


def period_label(code: str) -> str:
    """2026-03 -> 2026年3月, 2026-Q1 -> 2026年第1季度, 2026 -> 2026年度."""
    if re.fullmatch(r"\d{4}", code):
        return f"{code}年度"
    if "-Q" in code:
        return f"{code[:4]}年第{code[-1]}季度"
    return f"{code[:4]}年{int(code[5:7])}月"


def check_period(form: Form, name: str = "period") -> str | None:
    value = str(form.v(name)).strip().upper().replace("Q", "Q")
    if not PERIOD.fullmatch(value):
        form.add(name, "结算期间应为月份（2026-03）、季度（2026-Q1）或年度（2026）")
        return None
    return value


def managing(ctx: Ctx) -> bool:
    """The insurance office manages budgets, policies, settlement and reconciliation; finance reads them."""
    return ctx.user.role == "insurance_officer"


def require_manager(ctx: Ctx) -> None:
    if not managing(ctx):
        raise NotAllowed()


def primary_units(ctx: Ctx) -> list[tuple[str, str]]:
    """The township centres and village clinics a user may pick: a unit's manager only their own."""
    if ctx.user.role == "unit_manager":
        return [(ctx.user.org_id, ctx.org_name(ctx.user.org_id))]
    allowed = consortia(ctx)
    return [(o.org_id, o.name) for o in ctx.registry.of_kind("township_centre", "village_clinic")
            if o.consortium_id in allowed]
