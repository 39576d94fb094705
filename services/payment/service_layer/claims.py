"""Recording claims one at a time (API, referral events) and reading them back."""
from __future__ import annotations

from datetime import date, datetime

from platform_common.auth import Principal
from platform_common.contracts import PAYMENT_TOPIC, PaymentEvent
from platform_common.errors import Conflict, InvalidInput, NotFound
from platform_common.events import utcnow

from ..adapters.queries_claims import SORT_KEYS, ClaimFilter, ClaimPage
from ..adapters.sql import KeyTaken
from ..domain.claims import ClaimInput, ClaimKind, RowError, parse_claim_no
from ..domain.ledger import claims_entry
from ..domain.periods import book_month
from .access import require_claim_writer, scope
from .unit_of_work import PaymentUnitOfWork


def member_consortium(uow: PaymentUnitOfWork, org_id: str) -> str:
    if not org_id.strip():
        raise InvalidInput("missing", field="org_id")
    org = uow.orgs.get(uow.session, org_id)
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
    except KeyTaken:
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
    uow.locks.booking("claims")
    recorded = uow.claims.existing([claim.claim_no]).get(claim.claim_no)
    if recorded is not None:
        stored = uow.claims.get(claim.claim_no)
        if (recorded.kind, recorded.org_id, recorded.amount_fen, recorded.service_date) != \
                (claim.kind.value, claim.org_id, claim.amount_fen, claim.service_date):
            raise Conflict("this claim number is already recorded with different data", field="claim_no",
                           stored={k: str(v) if isinstance(v, (date, datetime)) else v for k, v in stored.items()})
        return stored, False
    month, late = book_month(claim.service_date, uow.claims.closed_months(consortium_id))
    row = {"claim_no": claim.claim_no, "kind": claim.kind.value, "org_id": claim.org_id,
           "consortium_id": consortium_id, "amount_fen": claim.amount_fen, "service_date": claim.service_date,
           "period": month, "late": late, "source": source, "upload_id": None, "recorded_by": recorded_by,
           "recorded_at": utcnow(), "diagnosis_code": claim.diagnosis_code}
    uow.claims.add(row)
    uow.ledger.post(claims_entry(consortium_id, "claim", claim.claim_no,
                                 [(claim.org_id, claim.kind, month, claim.amount_fen)]), recorded_by, row["recorded_at"])
    uow.record(PAYMENT_TOPIC, PaymentEvent.CLAIM_RECORDED, "claim", claim.claim_no, {
        "claim_no": claim.claim_no, "kind": claim.kind.value, "org_id": claim.org_id,
        "consortium_id": consortium_id, "amount_fen": claim.amount_fen,
        "service_date": claim.service_date.isoformat(), "period": month, "late": late}, org_id=claim.org_id)
    return row, True


def get_claim(uow: PaymentUnitOfWork, principal: Principal, claim_no: str) -> dict:
    consortium_id, org_id = scope(principal)
    row = uow.claims.get(claim_no)
    if row is None or (consortium_id and row["consortium_id"] != consortium_id) or (org_id and row["org_id"] != org_id):
        raise NotFound("no such claim", claim_no=claim_no)  # 404, not 403: no probing of others' numbers
    return row


def list_claims(uow: PaymentUnitOfWork, principal: Principal, *, consortium_id: str | None, org_id: str | None,
                period: str | None, kind: ClaimKind | None, late: bool | None, sort: str, limit: int,
                offset: int, claim_no: str | None = None, date_from: date | None = None,
                date_to: date | None = None) -> ClaimPage:
    """A page of claims and the count and sum of all that match. `claim_no` finds a number or those beginning
    with it; a unit manager sees its own unit's claims, a finance office its consortium's."""
    own_consortium, own_org = scope(principal)
    if date_from and date_to and date_from > date_to:
        raise InvalidInput("date_from is after date_to", field="date_from")
    key = sort.lstrip("-")
    if key not in SORT_KEYS:
        raise InvalidInput(f"sort by one of {', '.join(SORT_KEYS)} (prefix - for descending)", field="sort")
    where = ClaimFilter(own_consortium or consortium_id, own_org or org_id, period, kind.value if kind else None,
                        late, (claim_no or "").strip() or None, date_from, date_to)
    return uow.claim_queries.page(where, key, sort.startswith("-"), limit, offset)


def claim_from_referral(uow: PaymentUnitOfWork, claim_no: str, kind: ClaimKind, org_id: str, consortium_id: str,
                        amount_fen: int, service_date: date) -> None:
    """A claim announced by the referral service; a duplicate event changes nothing, nor does an episode the
    fund paid nothing for."""
    if amount_fen == 0:
        return
    try:
        claim = ClaimInput(parse_claim_no(claim_no), kind, org_id, amount_fen, service_date)
    except RowError as e:
        e.add_note(f"in the referral event for claim {claim_no}")  # the dead letter says which event
        raise
    if claim.claim_no in uow.claims.existing([claim.claim_no]):
        return
    store_claim(uow, claim, consortium_id, "referral_event", "referral-service")
