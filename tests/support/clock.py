"""Setting the platform's clock in tests (every service in this process reads `platform_common.clock`)."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime
from typing import Iterator
from zoneinfo import ZoneInfo

from platform_common import clock


@contextmanager
def frozen_clock(at: str | datetime) -> Iterator[datetime]:
    """The platform's clock stands at `at` (ISO-8601 with its offset, e.g. "2026-11-27T02:00:00+08:00")."""
    instant = datetime.fromisoformat(at) if isinstance(at, str) else at
    if instant.tzinfo is None:
        raise ValueError("a frozen instant needs its offset")
    previous = clock.set_source(lambda: instant)
    try:
        yield instant
    finally:
        clock.set_source(previous)


def county_today():  # noqa: ANN201
    """Today in the consortium's zone (what the services call today), from the platform's clock."""
    from platform_common.settings import CommonSettings

    return clock.today(ZoneInfo(CommonSettings().local_timezone))
