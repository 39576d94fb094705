"""What the staffing pages share: who may decide what, units by kind, a quota refusal in Chinese."""
from __future__ import annotations

from ... import labels as L
from ...gateway_client import ApiError
from ...messages import translate_message
from ...web import Ctx, NotAllowed

GROUP_STAFF, GROUP_SUPPORT, GROUP_UNIT = "人员与编制", "支援与调度", "本单位"
STAFFED_KINDS = ("county_hospital", "township_centre")


def bureau(ctx: Ctx) -> bool:
    """The health bureau's HR office: registers and moves staff, overrides quota rules, plans rotations."""
    return ctx.user.role == "hr_officer" and ctx.user.org_kind == "health_bureau"


def deciding(ctx: Ctx) -> bool:
    """The bureau's or the lead hospital's HR office: approves, rejects and dispatches secondments."""
    return ctx.user.role == "hr_officer"


def require_bureau(ctx: Ctx) -> None:
    if not bureau(ctx):
        raise NotAllowed()


def units(ctx: Ctx, *kinds: str) -> list[tuple[str, str]]:
    return [(o.org_id, o.name) for o in sorted(ctx.registry.of_kind(*(kinds or STAFFED_KINDS)),
                                               key=lambda o: (o.kind != "county_hospital", o.org_id))]


def refusal(err: ApiError, org_name) -> list[dict] | None:  # noqa: ANN001
    """A posting refused by the quota rules (409 naming them): each broken rule with its detail in Chinese."""
    violations = err.details.get("violations") if err.status == 409 else None
    if not violations:
        return None
    return [{"rule": v["rule"], "name": L.label(L.QUOTA_RULES, v["rule"]),
             "detail": translate_message(v["detail"], "conflict", None, org_name)} for v in violations]
