"""`staffing.events` — produced by the staffing service (县管乡用). The referral service keeps, from the
posting events, which township can currently receive which specialty (receiving capability for downward
referrals).

Schema version 2 of the four posting events names the posting `posting_id`; version 1 called it
`secondment_id` although rotations are postings too. Consumers still read version 1 (upgraded on reading).
"""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Count, Day, EventPayload, Flag, Id, renamed
from .vocabulary import STAFFING_TOPIC, EndReason, Qualification, QuotaRule, Specialty, TemporaryPostingKind, \
    TitleLevel


class StaffingPayload(EventPayload):
    topic = STAFFING_TOPIC


class SecondmentRequested(StaffingPayload):
    """A township centre asked for staff (specialty, title, headcount, period)."""

    request_id: Id = Field(description="the request")
    org_id: Id = Field(description="the requesting township centre")
    specialty: Specialty = Field(description="the specialty needed")
    title_level: TitleLevel = Field(description="the lowest title accepted")
    headcount: Count = Field(ge=1, description="people needed")
    start_date: Day = Field(description="from")
    end_date: Day = Field(description="to (inclusive)")


class SecondmentDecision(StaffingPayload):
    request_id: Id = Field(description="the request")
    org_id: Id = Field(description="the requesting township centre")
    decided_by: str = Field(min_length=1, description="the approver's username")
    reason: str | None = Field(description="the approver's reason")


class SecondmentApproved(SecondmentDecision):
    """The health bureau or the lead hospital approved a request (staff are dispatched separately or at once)."""


class SecondmentRejected(SecondmentDecision):
    """The health bureau or the lead hospital rejected a request."""


class SecondmentCancelled(StaffingPayload):
    """A request was withdrawn by its township, or cancelled by an approver, before anyone was dispatched on it."""

    request_id: Id = Field(description="the request")
    org_id: Id = Field(description="the requesting township centre")
    cancelled_by: str = Field(min_length=1, description="the username of who cancelled it")
    by_requesting_unit: Flag = Field(description="withdrawn by the requesting unit's own manager (else an approver)")
    previous_status: Literal["requested", "approved"] = Field(description="the request's state when cancelled")


class PostingPayload(StaffingPayload):
    """The fields every posting event carries (the aggregate is the posting)."""

    schema_version = 2
    upgrades = {1: renamed("secondment_id", "posting_id")}
    posting_id: Id = Field(description="the temporary posting (a secondment or a rotation); "
                                        "`secondment_id` in schema version 1")
    staff_id: Id = Field(description="the person posted")
    to_org_id: Id = Field(description="the unit they work at during the posting")
    specialty: Specialty = Field(description="the person's specialty (what the unit can receive)")


class StaffDispatched(PostingPayload):
    """A person was dispatched to a unit for a temporary posting."""

    request_id: Id | None = Field(description="the secondment request it fulfils; null for a rotation")
    posting_kind: TemporaryPostingKind = Field(description="下沉/派驻 secondment, 下沉轮岗 or 上挂培养")
    from_org_id: Id = Field(description="the person's home unit")
    title_level: TitleLevel = Field(description="the person's title")
    qualification: Qualification = Field(description="the person's qualification")
    start_date: Day = Field(description="first day")
    end_date: Day = Field(description="planned last day")


class StaffArrived(PostingPayload):
    """The person arrived at the unit."""

    arrived_on: Day = Field(description="the day they arrived")


class SecondmentExtended(PostingPayload):
    """A posting was extended."""

    end_date: Day = Field(description="the new planned last day")


class SecondmentEnded(PostingPayload):
    """A posting ended: on its planned last day (completed) or before (early_end)."""

    ended_on: Day = Field(description="the last day")
    reason: EndReason = Field(description="completed or early_end")


class QuotaViolationDetected(StaffingPayload):
    """A change left a unit breaking a quota rule (编制, title ratios): refused unless the bureau overrode it,
    or found when a policy changed."""

    org_id: Id = Field(description="the unit")
    rule: QuotaRule = Field(description="the rule broken")
    detail: str = Field(min_length=1, description="the figures, in words")
    overridden: Flag = Field(description="the bureau overrode the rule with a recorded reason")
    override_reason: str | None = Field(description="the bureau's reason")


CONTRACTS = (
    SecondmentRequested, SecondmentApproved, SecondmentRejected, SecondmentCancelled, StaffDispatched, StaffArrived,
    SecondmentExtended, SecondmentEnded, QuotaViolationDetected,
)
__all__ = [c.__name__ for c in CONTRACTS]
