"""Rotation plans: 下沉轮岗 (county staff take turns at a township) and 上挂培养 (township staff take
turns training at a county hospital). A plan lays its people end to end in blocks of `block_days`,
`rounds` times over, and creates every posting at once — all of them or none."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from platform_common.auth import OrgKind, Principal
from platform_common.errors import InvalidInput, NotFound, ServiceError
from platform_common.events import utcnow

from ..adapters.tables import Posting, RotationPlan
from ..domain.model import PostingKind
from ..settings import StaffingSettings
from . import postings
from .access import require_bureau_hr, require_reader_of_all
from .unit_of_work import StaffingUnitOfWork

TARGET_KIND = {PostingKind.ROTATION_DOWN: OrgKind.TOWNSHIP_CENTRE, PostingKind.ROTATION_UP: OrgKind.COUNTY_HOSPITAL}
HOME_KIND = {PostingKind.ROTATION_DOWN: OrgKind.COUNTY_HOSPITAL, PostingKind.ROTATION_UP: OrgKind.TOWNSHIP_CENTRE}


@dataclass(frozen=True)
class RotationRecord:
    """A plan with its postings, in the order they start."""

    plan: RotationPlan
    postings: list[Posting]


def schedule(start: date, block_days: int, count: int, rounds: int) -> list[tuple[int, date, date]]:
    """(person index, start, end) of each block, in order."""
    blocks = []
    for k in range(count * rounds):
        s = start + timedelta(days=k * block_days)
        blocks.append((k % count, s, s + timedelta(days=block_days - 1)))
    return blocks


def create_plan(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, *, name: str,
                kind: PostingKind, org_id: str, staff_ids: list[str], start_date: date, block_days: int,
                rounds: int, today: date) -> tuple[RotationPlan, list[Posting]]:
    require_bureau_hr(principal)
    org = uow.orgs.get(uow.session, org_id)
    if org is None or org.kind is not TARGET_KIND[kind]:
        raise InvalidInput(f"a {kind.value} plan sends staff to a {TARGET_KIND[kind].value}", field="org_id")
    if start_date < today:
        raise InvalidInput("a rotation cannot start in the past", field="start_date")
    if len(set(staff_ids)) != len(staff_ids):
        raise InvalidInput("a person appears twice in staff_ids", field="staff_ids")
    people = []
    for i, staff_id in enumerate(staff_ids):
        staff = uow.staff.get(staff_id)
        if staff is None:
            raise InvalidInput(f"no staff {staff_id}", field=f"staff_ids[{i}]")
        home = uow.orgs.get(uow.session, staff.home_org_id)
        if home is None or home.kind is not HOME_KIND[kind]:
            raise InvalidInput(f"{kind.value} rotates staff established at a {HOME_KIND[kind].value}",
                               field=f"staff_ids[{i}]")
        people.append(staff)
    try:
        blocks = schedule(start_date, block_days, len(people), rounds)
    except OverflowError:  # a plan running past the year 9999 has no dates to give
        raise InvalidInput("the rotation would run past the last representable date", field="start_date") from None
    plan = RotationPlan(plan_id=str(uuid.uuid4()), name=name, kind=kind.value, org_id=org_id, start_date=start_date,
                        block_days=block_days, staff_ids=staff_ids, created_by=principal.username,
                        created_at=utcnow())
    uow.rotations.add(plan)
    created = []
    for i, s, e in blocks:
        try:
            created.append(postings.place(uow, settings, principal, people[i], kind, org_id, s, e,
                                          plan_id=plan.plan_id))
        except ServiceError as err:
            err.details["staff_index"] = i
            raise
    uow.commit()
    return RotationRecord(plan, created)


def get_plan(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal,
             plan_id: str) -> RotationRecord:
    plan = uow.rotations.get(plan_id)
    if plan is None:
        raise NotFound(f"no rotation plan {plan_id}")
    require_reader_of_all(principal, settings, "rotation plans")
    return RotationRecord(plan, uow.postings.of_plan(plan_id))


def list_plans(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, limit: int,
               offset: int) -> tuple[list[RotationPlan], int]:
    """Rotation plans, newest first."""
    require_reader_of_all(principal, settings, "rotation plans")
    return uow.rotations.list(limit, offset)
