"""Read side for the units: one referral, worklists, overdue answers and follow-ups."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from platform_common.auth import Principal
from platform_common.errors import InvalidInput

from ..adapters.diagnosis_catalogue import catalogue
from ..adapters.queries_referrals import ReferralRecord
from ..adapters.repository_referrals import SORT_KEYS, WorklistQuery
from ..adapters.tables import ReferralRow
from ..domain.diagnoses import Diagnosis, search
from ..domain.lifecycle import AWAITING_RESPONSE
from ..settings import ReferralSettings
from .access import require_clerk, require_visible
from .unit_of_work import ReferralUnitOfWork


def get(uow: ReferralUnitOfWork, principal: Principal, referral_id: str) -> ReferralRecord:
    """One referral for an answer, read without loading the aggregate (queries_referrals)."""
    require_clerk(principal)
    return require_visible(principal, uow.referral_records.get(referral_id), referral_id)


# e.g. the county desk's queue: emergencies first, then the nearest deadline (-urgency,response_deadline)
MAX_SORT_KEYS = 3


def worklist(uow: ReferralUnitOfWork, settings: ReferralSettings, principal: Principal, *, box: str,
             direction: str | None, statuses: list[str], urgency: str | None, specialty: str | None,
             date_from: date | None, date_to: date | None, sort: str, page: int,
             page_size: int | None) -> tuple[int, list[ReferralRow], int, int]:
    require_clerk(principal)
    keys = [k.strip() for k in sort.split(",")]
    if len(keys) > MAX_SORT_KEYS or any(k.lstrip("-") not in SORT_KEYS for k in keys):
        raise InvalidInput(f"sort by up to {MAX_SORT_KEYS} of {', '.join(sorted(SORT_KEYS))}, comma-separated "
                           "(prefix - for descending)", field="sort")
    if date_from and date_to and date_from > date_to:
        raise InvalidInput("date_from is after date_to", field="date_from")
    size = page_size or settings.page_size_default
    if size > settings.page_size_max:
        raise InvalidInput(f"page_size is at most {settings.page_size_max}", field="page_size")
    query = WorklistQuery(
        org_id=principal.org_id, box=box, direction=direction, statuses=tuple(statuses), urgency=urgency,
        specialty=specialty,
        # dates are local calendar days: date_to includes the whole day
        created_from=_day_start(date_from, settings, "date_from") if date_from else None,
        created_before=_day_start(date_to, settings, "date_to", days_after=1) if date_to else None,
        sort=tuple(keys), offset=(page - 1) * size, limit=size,
    )
    total, rows = uow.referrals.worklist(query)
    return total, rows, page, size


def _day_start(day: date, settings: ReferralSettings, field: str, days_after: int = 0) -> datetime:
    """Midnight (local) at the start of `day` + days_after, in UTC; the calendar's ends are refused."""
    try:
        return datetime.combine(day + timedelta(days=days_after), time(), settings.tz()).astimezone(timezone.utc)
    except OverflowError:
        raise InvalidInput(f"{field} is out of range", field=field) from None


def overdue_responses(uow: ReferralUnitOfWork, principal: Principal, now: datetime) -> list[ReferralRow]:
    """Urgent/emergency referrals still unanswered past their deadline, sent or received by the unit."""
    require_clerk(principal)
    return uow.referrals.awaiting_past_deadline(now, frozenset(s.value for s in AWAITING_RESPONSE),
                                                org_id=principal.org_id)


def search_diagnoses(principal: Principal, query: str, limit: int) -> list[Diagnosis]:
    require_clerk(principal)
    return search(catalogue(), query, limit)
