"""`staffing.events` — produced by the staffing service (县管乡用). The referral service keeps, from the
posting events, which township can currently receive which specialty (receiving capability for downward
referrals).

Schema version 2 of the four posting events names the posting `posting_id`; version 1 called it
`secondment_id` although rotations are postings too. Consumers still read version 1 (upgraded on reading).
"""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .base import Count, Day, EventPayload, Flag, Id, renamed
from .vocabulary import STAFFING_TOPIC, EndReason, LoanDecision, Qualification, QuotaRule, ScheduleKind, Specialty, \
    TemporaryPostingKind, TitleLevel, VillageEndReason


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


# -- village doctors (乡聘村用) and the pooled county quota (编制统筹) -----------------------------------------------------

class VillageDoctorPosted(StaffingPayload):
    """A person was posted to a village clinic by the township centre that employs or manages them (村用)."""

    posting_id: Id = Field(description="the village posting")
    staff_id: Id = Field(description="the person")
    township_id: Id = Field(description="the township centre that employs or manages them")
    clinic_id: Id = Field(description="the village clinic")
    qualification: Qualification = Field(description="village-doctor certificate, assistant or practising physician")
    start_date: Day = Field(description="first day")
    end_date: Day | None = Field(description="planned last day; null: until moved")
    moved_from_clinic_id: Id | None = Field(description="the clinic the person left for this one, if any")


class VillagePostingEnded(StaffingPayload):
    """A village posting ended: the person moved to another clinic, or left village work."""

    posting_id: Id = Field(description="the village posting")
    staff_id: Id = Field(description="the person")
    clinic_id: Id = Field(description="the village clinic")
    ended_on: Day = Field(description="the last day")
    reason: VillageEndReason = Field(description="moved (to another clinic) or left")


class VillageDoctorQualified(StaffingPayload):
    """A village doctor's qualification changed (e.g. passed the assistant physician exam)."""

    staff_id: Id = Field(description="the person")
    township_id: Id = Field(description="the employing township centre")
    from_qualification: Qualification = Field(description="before")
    to_qualification: Qualification = Field(description="after")
    effective_date: Day = Field(description="from")


class VillageScheduleChanged(StaffingPayload):
    """A tour or station day (驻点/巡诊) was scheduled at a village clinic, or removed."""

    schedule_id: Id = Field(description="the schedule entry")
    staff_id: Id = Field(description="who serves")
    clinic_id: Id = Field(description="the village clinic served")
    kind: ScheduleKind = Field(description="tour (巡诊) or station (派驻)")
    weekdays: list[Annotated[int, Field(ge=1, le=7)]] = Field(min_length=1, description="1 Monday … 7 Sunday")
    start_date: Day = Field(description="first day")
    end_date: Day = Field(description="last day")
    removed: Flag = Field(description="the entry was removed")


class QuotaLoanRequested(StaffingPayload):
    """A unit asked to lend unused quota to another for a period (the bureau decides)."""

    loan_id: Id = Field(description="the loan")
    lender_org_id: Id = Field(description="the unit lending posts")
    borrower_org_id: Id = Field(description="the unit borrowing them")
    posts: Count = Field(ge=1, description="posts lent")
    start_date: Day = Field(description="first day")
    end_date: Day = Field(description="last day")


class QuotaLoanDecided(StaffingPayload):
    """The bureau approved or rejected a quota loan, it was cancelled, or its posts returned early."""

    loan_id: Id = Field(description="the loan")
    lender_org_id: Id = Field(description="the unit lending posts")
    borrower_org_id: Id = Field(description="the unit borrowing them")
    posts: Count = Field(ge=1, description="posts lent")
    decision: LoanDecision = Field(description="approved, rejected, cancelled or returned")
    decided_by: str = Field(min_length=1, description="who decided")
    reason: str = Field(min_length=1, description="why")
    effective_end: Day = Field(description="the loan's last day as it now stands")


class QuotaReviewed(StaffingPayload):
    """The bureau reviewed (核定) a unit's quota; the next review is due on `next_due_on`."""

    org_id: Id = Field(description="the unit")
    reviewed_on: Day = Field(description="the review's date")
    quota: Count | None = Field(description="the quota in force on that day (null: none set)")
    next_due_on: Day = Field(description="when the next review is due")


CONTRACTS = (
    SecondmentRequested, SecondmentApproved, SecondmentRejected, SecondmentCancelled, StaffDispatched, StaffArrived,
    SecondmentExtended, SecondmentEnded, QuotaViolationDetected, VillageDoctorPosted, VillagePostingEnded,
    VillageDoctorQualified, VillageScheduleChanged, QuotaLoanRequested, QuotaLoanDecided, QuotaReviewed,
)
__all__ = [c.__name__ for c in CONTRACTS]
