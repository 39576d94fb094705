"""The platform's clock: every instant ("now", always UTC) and every local "today" is read here.

One source for the whole process, so the services cannot disagree about the date (the consortium's
zone, not the host's) and a test can set the time of everything at once (02:00 in Wushan is still
the previous day in UTC) instead of each module reading the host's clock its own way.
"""
from __future__ import annotations

from datetime import date, datetime, timezone, tzinfo
from typing import Callable

# None: the host's clock. Replaced only through `set_source` (tests freeze it).
_source: Callable[[], datetime] | None = None


def utcnow() -> datetime:
    """The current instant, timezone-aware, in UTC."""
    now = _source() if _source is not None else datetime.now(timezone.utc)
    return now.astimezone(timezone.utc)


def today(tz: tzinfo) -> date:
    """The calendar date in the zone `tz` (the consortium's) at this instant."""
    return utcnow().astimezone(tz).date()


def set_source(source: Callable[[], datetime] | None) -> Callable[[], datetime] | None:
    """Replace the source of the current instant (None: the host's clock); returns the previous one."""
    global _source
    previous, _source = _source, source
    return previous


def as_utc(moment: datetime) -> datetime:
    """An aware instant in UTC; a naive one is taken as UTC (what the platform stores)."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def iso_instant(moment: datetime | None) -> str | None:
    """The platform's one text form of an instant: ISO-8601 in UTC with `Z` (`2026-11-27T03:04:05.123456Z`),
    exactly what the pydantic response models write, so hand-built answers (CSV, error details) agree."""
    if moment is None:
        return None
    return as_utc(moment).isoformat().replace("+00:00", "Z")
