"""Single changes to the contract roster: add one contract, end one, transfer a resident to another unit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from platform_common.auth import Principal
from platform_common.contracts import PAYMENT_TOPIC, PaymentEvent
from platform_common.errors import Conflict, InvalidInput, NotFound
from platform_common.events import utcnow
from platform_common.identity import parse_national_id, resident_key

from ..adapters.sql import KeyTaken
from ..domain.claims import RowError
from ..domain.roster import ContractRowParser, day_before, first_day, groups_of, overlaps
from ..settings import PaymentSettings
from . import policies
from .roster_import import roster_units
from .unit_of_work import PaymentUnitOfWork


@dataclass(frozen=True)
class NewContract:
    national_id: str
    org_id: str
    team: str
    package: str
    key_groups: list[str]
    start_date: date
    end_date: date | None = None


def _parse(uow: PaymentUnitOfWork, principal: Principal, settings: PaymentSettings, new: NewContract):  # noqa: ANN202
    units = roster_units(uow, principal)
    _, policy = policies.effective(uow, settings, settings.today())
    parser = ContractRowParser(set(units), set(policy.primary_care.packages), settings.resident_key_secret,
                               settings.today())
    try:
        row = parser.parse([new.national_id, new.org_id, new.team, new.package, ";".join(new.key_groups),
                            new.start_date.isoformat(), new.end_date.isoformat() if new.end_date else ""])
    except RowError as e:
        raise InvalidInput(e.reason, field=e.field) from None
    return row, units[row.org_id]


def add_contract(uow: PaymentUnitOfWork, principal: Principal, settings: PaymentSettings, new: NewContract,
                 source: str = "api", commit: bool = True) -> dict:
    """201 for a new contract; the same contract again answers it (200); another overlapping one is 409."""
    row, consortium_id = _parse(uow, principal, settings, new)
    theirs = uow.roster.of_residents([row.resident_key]).get(row.resident_key, [])
    same = next((c for c in theirs if c.start_date == row.start_date), None)
    if same is not None:
        if (same.org_id, same.team, same.package, same.key_groups, same.end_date) == \
                (row.org_id, row.team, row.package, row.key_groups, row.end_date):
            return view(uow.roster.get(same.contract_id)) | {"created": False}
        raise Conflict("this resident's contract from this date is recorded with different data; end or transfer "
                       "it instead", field="start_date", contract_id=same.contract_id)
    clash = next((c for c in theirs if overlaps(c.start_date, c.end_date, row.start_date, row.end_date)), None)
    if clash is not None:
        raise Conflict("the resident has another contract in force then (one contract at a time); end or transfer "
                       "it", field="start_date", contract_id=clash.contract_id, org_id=clash.org_id)
    values = {"resident_key": row.resident_key, "resident_masked": row.resident_masked, "org_id": row.org_id,
              "consortium_id": consortium_id, "team": row.team, "package": row.package,
              "key_groups": row.key_groups, "start_date": row.start_date, "end_date": row.end_date,
              "recording_id": uow.roster.new_recording(source, None, principal.username, utcnow())}
    try:
        contract_id = uow.roster.add(values)
    except KeyTaken as e:  # the same resident and start, recorded since the check above
        uow.rollback()
        raise Conflict(e.message, field="start_date") from None
    stored = uow.roster.get(contract_id)
    uow.record(PAYMENT_TOPIC, PaymentEvent.CONTRACT_RECORDED, "contract", str(contract_id), event_body(stored),
               org_id=row.org_id)
    if commit:
        uow.commit()
    return view(stored) | {"created": True}


def end_contract(uow: PaymentUnitOfWork, principal: Principal, contract_id: int, end_date: date, reason: str,
                 commit: bool = True) -> dict:
    """Ends a contract on a day (inclusive). A month already paid for it cannot be taken back: the end may not fall
    before the first day of the last month paid (409 naming it)."""
    stored = _load(uow, principal, contract_id)
    if end_date < stored.start_date:
        raise InvalidInput("the end is before the contract's start", field="end_date",
                           start_date=stored.start_date.isoformat())
    if stored.end_date is not None and end_date >= stored.end_date:
        raise Conflict("the contract already ends on or before that day", field="end_date",
                       end_date=stored.end_date.isoformat())
    paid = uow.roster.last_paid_month(contract_id)
    if paid and end_date < first_day(paid):
        raise Conflict(f"capitation for {paid} is paid for this contract; it can end on {first_day(paid)} at the "
                       f"earliest", field="end_date", last_paid_month=paid)
    uow.roster.end(contract_id, end_date, principal.username, reason)
    stored = uow.roster.get(contract_id)
    uow.record(PAYMENT_TOPIC, PaymentEvent.CONTRACT_ENDED, "contract", str(contract_id), {
        "contract_id": contract_id, "org_id": stored.org_id, "consortium_id": stored.consortium_id,
        "end_date": end_date, "reason": reason}, org_id=stored.org_id)
    if commit:
        uow.commit()
    return view(stored)


def transfer_contract(uow: PaymentUnitOfWork, principal: Principal, settings: PaymentSettings, contract_id: int,
                      national_id: str, to_org_id: str, team: str, on: date, package: str | None = None) -> dict:
    """The resident moves to another unit from `on`: the contract ends the day before, a new one starts on `on`
    with the same key groups (and package unless another is given). One transaction: both or neither."""
    stored = _load(uow, principal, contract_id)
    nid = parse_national_id(national_id)
    if resident_key(settings.resident_key_secret, nid.value) != stored.resident_key:
        raise InvalidInput("the national ID is not this contract's resident's", field="national_id")
    if to_org_id == stored.org_id:
        raise InvalidInput("the contract is already at this unit", field="to_org_id")
    if on <= stored.start_date:
        raise InvalidInput("a transfer takes effect after the contract's start", field="on")
    ended = end_contract(uow, principal, contract_id, day_before(on), f"transferred to {to_org_id}", commit=False)
    new = add_contract(uow, principal, settings, NewContract(
        nid.value, to_org_id, team, package or stored.package, [g.value for g in groups_of(stored.key_groups)], on,
        stored.end_date), source="transfer", commit=False)
    uow.commit()
    return {"ended": ended, "started": {k: v for k, v in new.items() if k != "created"}}


def get_contract(uow: PaymentUnitOfWork, principal: Principal, contract_id: int) -> dict:
    return view(_load(uow, principal, contract_id))


def _load(uow: PaymentUnitOfWork, principal: Principal, contract_id: int):  # noqa: ANN202
    units = roster_units(uow, principal)
    stored = uow.roster.get(contract_id, lock=True)
    if stored is None or stored.org_id not in units:
        raise NotFound("no such contract", contract_id=contract_id)
    return stored


def view(row) -> dict:  # noqa: ANN001
    return {"contract_id": row.contract_id, "resident_masked": row.resident_masked, "org_id": row.org_id,
            "consortium_id": row.consortium_id, "team": row.team, "package": row.package,
            "key_groups": [g.value for g in groups_of(row.key_groups)], "start_date": row.start_date,
            "end_date": row.end_date, "source": row.source, "upload_id": row.upload_id,
            "recorded_by": row.recorded_by, "recorded_at": row.recorded_at, "ended_by": row.ended_by,
            "end_reason": row.end_reason}


def event_body(row) -> dict:  # noqa: ANN001
    return {"contract_id": row.contract_id, "org_id": row.org_id, "consortium_id": row.consortium_id,
            "package": row.package, "key_groups": [g.value for g in groups_of(row.key_groups)],
            "start_date": row.start_date, "end_date": row.end_date, "source": row.source}
