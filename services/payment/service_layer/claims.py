"""Recording claims one at a time (API, referral events) and reading them back."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from platform_common.auth import Principal
from platform_common.contracts import PAYMENT_TOPIC, PaymentEvent
from platform_common.errors import Conflict, InvalidInput, NotFound
from platform_common.events import utcnow

from ..adapters import tables as t
from ..domain.claims import ClaimInput, ClaimKind, RowError, parse_claim_no
from ..domain.ledger import claims_entry
from ..domain.periods import book_month
from .access import require_claim_writer, scope
from .unit_of_work import PaymentUnitOfWork

SORT_KEYS = {"service_date": t.claims.c.service_date, "amount_fen": t.claims.c.amount_fen,
             "claim_no": t.claims.c.claim_no, "recorded_at": t.claims.c.recorded_at}


def member_consortium(uow: PaymentUnitOfWork, org_id: str) -> str:
    if not org_id.strip():
        raise InvalidInput("missing", field="org_id")
    org = uow.directory.get(uow.session, org_id)
    if org is None or org.consortium_id is None or not (org.is_county_hospital or org.is_primary_unit):
        raise InvalidInput("not a member unit of a consortium", field="org_id")
    return org.consortium_id


def record_claim(uow: PaymentUnitOfWork, principal: Principal, claim: ClaimInput, today: date) -> tuple[dict, bool]:
    consortium_id = member_consortium(uow, claim.org_id)
    require_claim_writer(principal, consortium_id)
    if claim.service_date > today:
        raise InvalidInput("service_date lies in the future", field="service_date")
    try:
        result = store_claim(uow, claim, consortium_id, "api", principal.username)
        uow.commit()
    except IntegrityError:
        # The same number was recorded between our check and our insert (a client retrying while
        # its first request is still in flight): answer as for a repeat, never with a 500.
        uow.rollback()
        if claim.claim_no not in uow.claims.existing([claim.claim_no]):
            raise
        result = store_claim(uow, claim, consortium_id, "api", principal.username)
    return result


def store_claim(uow: PaymentUnitOfWork, claim: ClaimInput, consortium_id: str, source: str,
                recorded_by: str) -> tuple[dict, bool]:
    """Idempotent by claim number: the same claim again returns the stored one (False);
    a different claim under a known number is refused (409)."""
    uow.claims.hold_for_booking()
    existing = uow.claims.existing([claim.claim_no])
    if claim.claim_no in existing:
        stored = get_row(uow, claim.claim_no)
        if existing[claim.claim_no] != (claim.kind.value, claim.org_id, claim.amount_fen, claim.service_date):
            raise Conflict("this claim number is already recorded with different data", field="claim_no",
                           stored={k: str(v) if isinstance(v, (date, datetime)) else v
                                   for k, v in _view(stored).items()})
        return _view(stored), False
    month, late = book_month(claim.service_date, uow.claims.closed_months(consortium_id))
    row = {"claim_no": claim.claim_no, "kind": claim.kind.value, "org_id": claim.org_id,
           "consortium_id": consortium_id, "amount_fen": claim.amount_fen, "service_date": claim.service_date,
           "period": month, "late": late, "source": source, "upload_id": None, "recorded_by": recorded_by,
           "recorded_at": utcnow()}
    uow.claims.insert_many([row])
    uow.ledger.post(claims_entry(consortium_id, "claim", claim.claim_no,
                                 [(claim.org_id, claim.kind, month, claim.amount_fen)]), recorded_by, row["recorded_at"])
    uow.record(PAYMENT_TOPIC, PaymentEvent.CLAIM_RECORDED, "claim", claim.claim_no, {
        "claim_no": claim.claim_no, "kind": claim.kind.value, "org_id": claim.org_id,
        "consortium_id": consortium_id, "amount_fen": claim.amount_fen,
        "service_date": claim.service_date.isoformat(), "period": month, "late": late}, org_id=claim.org_id)
    return _view(row), True


def get_claim(uow: PaymentUnitOfWork, principal: Principal, claim_no: str) -> dict:
    consortium_id, org_id = scope(principal)
    row = get_row(uow, claim_no)
    if row is None or (consortium_id and row["consortium_id"] != consortium_id) or (org_id and row["org_id"] != org_id):
        raise NotFound("no such claim", claim_no=claim_no)  # 404, not 403: no probing of others' numbers
    return _view(row)


def get_row(uow: PaymentUnitOfWork, claim_no: str) -> dict | None:
    row = uow.session.execute(select(t.claims).where(t.claims.c.claim_no == claim_no)).first()
    return dict(row._mapping) if row else None


def list_claims(uow: PaymentUnitOfWork, principal: Principal, *, consortium_id: str | None, org_id: str | None,
                period: str | None, kind: ClaimKind | None, late: bool | None, sort: str, limit: int,
                offset: int, claim_no: str | None = None, date_from: date | None = None,
                date_to: date | None = None) -> dict:
    """A page of claims and the count and sum of all that match. `claim_no` finds a number or those beginning
    with it; the service dates also bound the booked month from below (a claim is
    never booked before its service month), so the (consortium, month) index narrows the search."""
    own_consortium, own_org = scope(principal)
    consortium_id, org_id = own_consortium or consortium_id, own_org or org_id
    c = t.claims
    where = []
    if consortium_id:
        where.append(c.c.consortium_id == consortium_id)
    if org_id:
        where.append(c.c.org_id == org_id)
    if period:
        where.append(c.c.period == period)
    if kind:
        where.append(c.c.kind == kind.value)
    if late is not None:
        where.append(c.c.late == late)
    if claim_no and claim_no.strip():
        where.append(c.c.claim_no.startswith(claim_no.strip(), autoescape=True))
    if date_from and date_to and date_from > date_to:
        raise InvalidInput("date_from is after date_to", field="date_from")
    if date_from:
        where.append(c.c.service_date >= date_from)
        where.append(c.c.period >= f"{date_from.year:04d}-{date_from.month:02d}")
    if date_to:
        where.append(c.c.service_date <= date_to)
    descending = sort.startswith("-")
    column = SORT_KEYS.get(sort.lstrip("-"))
    if column is None:
        raise InvalidInput(f"sort by one of {', '.join(SORT_KEYS)} (prefix - for descending)", field="sort")
    total, amount = uow.session.execute(select(func.count(), func.coalesce(func.sum(c.c.amount_fen), 0))
                                        .select_from(c).where(*where)).one()
    rows = uow.session.execute(select(c).where(*where).order_by(column.desc() if descending else column,
                                                               c.c.claim_no).limit(limit).offset(offset))
    return {"total": total, "amount_fen": int(amount),  # PostgreSQL sums bigint to numeric (Decimal)
            "limit": limit, "offset": offset,
            "items": [_view(dict(r._mapping)) for r in rows]}


def claim_from_referral(uow: PaymentUnitOfWork, claim_no: str, kind: ClaimKind, org_id: str, consortium_id: str,
                        amount_fen: int, service_date: date) -> None:
    """A claim announced by the referral service; a duplicate event changes nothing, nor does an episode the
    fund paid nothing for."""
    if amount_fen == 0:
        return
    try:
        claim = ClaimInput(parse_claim_no(claim_no), kind, org_id, amount_fen, service_date)
    except RowError as e:
        raise ValueError(f"referral event for {claim_no}: {e.field} {e.reason}") from e
    if claim.claim_no in uow.claims.existing([claim.claim_no]):
        return
    store_claim(uow, claim, consortium_id, "referral_event", "referral-service")


def _view(row: dict) -> dict:
    keys = ("claim_no", "kind", "org_id", "consortium_id", "amount_fen", "service_date", "period", "late",
            "source", "upload_id", "recorded_by", "recorded_at")
    return {k: row[k] for k in keys}
