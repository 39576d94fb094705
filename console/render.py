"""Jinja2 templates and the filters pages share: local times, clocks, money, rates, tags."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from . import labels as L


def parse_moment(value: str | None) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def make_environment(tz: ZoneInfo) -> Environment:
    env = Environment(loader=PackageLoader("console", "templates"), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)

    def local(value: str | datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
        moment = parse_moment(value) if isinstance(value, str) else value
        return moment.astimezone(tz).strftime(fmt) if moment else "—"

    def day(value: str | date | None) -> str:
        if not value:
            return "—"
        return value if isinstance(value, str) else value.isoformat()

    env.filters.update(local=local, day=day, yuan=yuan, pct=pct, minutes=minutes)
    env.globals.update(L=L, label=L.label, clock=clock, status_tag=status_tag, urgency_tag=urgency_tag, zip=zip)
    return env


def yuan(fen: int | None) -> str:
    if fen is None:
        return "—"
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}¥{whole:,}.{cents:02d}"


def pct(bp: int | None, digits: int = 1) -> str:
    """Basis points as a percentage: 9123 -> 91.2%."""
    if bp is None:
        return "—"
    return f"{bp / 100:.{digits}f}%"


def minutes(value: int | None) -> str:
    if value is None:
        return "—"
    hours, rest = divmod(value, 60)
    return f"{hours} 小时 {rest} 分钟" if hours else f"{rest} 分钟"


def clock(deadline: str | None, now: datetime, awaiting: bool) -> Markup:
    """The response clock as time left; red once overdue. `data-deadline` lets the page script count down."""
    if not deadline or not awaiting:
        return Markup('<span class="clock clock-none">—</span>')
    due = parse_moment(deadline)
    left = int((due - now).total_seconds() // 60)
    text = f"剩余 {minutes(left)}" if left >= 0 else f"已超时 {minutes(-left)}"
    tone = "clock-overdue" if left < 0 else ("clock-soon" if left < 15 else "clock-ok")
    return Markup('<span class="clock {}" data-deadline="{}">{}</span>').format(tone, due.isoformat(), text)


def status_tag(status: str) -> Markup:
    tone = L.STATUS_TONES.get(status, "closed")
    return Markup('<span class="tag tag-{}">{}</span>').format(tone, L.label(L.STATUSES, status))


def urgency_tag(urgency: str, category: str | None = None) -> Markup:
    text = L.label(L.URGENCIES, urgency)
    if category:
        text = f"{text}·{L.label(L.EMERGENCY_CATEGORIES, category)}"
    return Markup('<span class="tag tag-urgency-{}">{}</span>').format(urgency, text)
