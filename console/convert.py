"""Turning what a clerk types into what the API takes: local times with their zone, yuan into fen.

A value that cannot be converted is reported beside its field here, in the API's field name, so the page
shows it exactly like an error the API found.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from .web import Form


def local_moment(form: Form, name: str, tz: ZoneInfo, api_field: str | None = None) -> str | None:
    """`2026-11-27T09:30` typed in the county's time -> ISO with its offset; blank -> None."""
    raw = form.v(name)
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        form.add(api_field or name, "请填写正确的日期和时间，如 2026-11-27 09:30")
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=tz)).isoformat()


def fen_from_yuan(form: Form, name: str, api_field: str) -> int | None:
    """`1,234.50` yuan -> 123450 fen; more than two decimals is refused rather than rounded (money)."""
    raw = str(form.v(name)).replace(",", "").replace("，", "").replace("¥", "").strip()
    if not raw:
        return None
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        form.add(api_field, "请填写金额（元），如 1234.50")
        return None
    if not amount.is_finite() or amount.as_tuple().exponent < -2:
        form.add(api_field, "金额最多保留两位小数（元）")
        return None
    return int(amount * 100)


def checked(form: Form, name: str) -> bool:
    return form.v(name) == "on"


def bp_from_percent(form: Form, name: str, api_field: str | None = None) -> int | None:
    """`80` or `80.5` percent -> 8000 / 8050 basis points; blank -> None; more than two decimals refused."""
    raw = str(form.v(name)).replace("%", "").replace("％", "").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        form.add(api_field or name, "请填写百分比数字，如 80 或 12.5")
        return None
    if not value.is_finite() or value.as_tuple().exponent < -2:
        form.add(api_field or name, "百分比最多保留两位小数")
        return None
    return int(value * 100)


def whole(form: Form, name: str, api_field: str | None = None, label: str = "数量") -> int | None:
    """A whole number typed with or without thousands separators; blank -> None."""
    raw = str(form.v(name)).replace(",", "").replace("，", "").strip()
    if not raw:
        return None
    if not raw.lstrip("-").isdigit():
        form.add(api_field or name, f"{label}应为整数")
        return None
    return int(raw)
