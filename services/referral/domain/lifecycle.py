"""The referral life cycle as one state machine (转诊流程).

Upward (上转):   submitted ─accept→ accepted ─arrive→ arrived ─complete→ completed
                 submitted ─reject→ rejected; ─redirect→ redirected (now waiting at another hospital);
                 submitted/redirected ─cancel→ cancelled (the sender, before acceptance)
Downward (下转): issued ─accept→ accepted ─(last follow-up)→ completed;  issued ─decline→ declined
Out of county (转外就医): recorded (terminal; the record is the event).
"""
from __future__ import annotations

from enum import StrEnum

from platform_common.errors import Conflict


class Direction(StrEnum):
    UPWARD = "upward"
    DOWNWARD = "downward"
    OUT_OF_COUNTY = "out_of_county"


class Status(StrEnum):
    SUBMITTED = "submitted"
    REDIRECTED = "redirected"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    ARRIVED = "arrived"
    COMPLETED = "completed"
    ISSUED = "issued"
    DECLINED = "declined"
    RECORDED = "recorded"


class Action(StrEnum):
    SUBMIT = "submit"
    ACCEPT = "accept"
    REJECT = "reject"
    REDIRECT = "redirect"
    CANCEL = "cancel"
    ARRIVE = "arrive"
    COMPLETE = "complete"
    ISSUE = "issue"
    DECLINE = "decline"
    FOLLOW_UP = "follow_up"
    RECORD = "record"


class Party(StrEnum):
    """Who may take an action: the sending unit or the unit the referral currently waits at."""

    SENDER = "sender"
    RECEIVER = "receiver"


U, D = Direction.UPWARD, Direction.DOWNWARD
S = Status

# (direction, from status, action) -> (to status, party allowed)
TRANSITIONS: dict[tuple[Direction, Status, Action], tuple[Status, Party]] = {
    (U, S.SUBMITTED, Action.ACCEPT): (S.ACCEPTED, Party.RECEIVER),
    (U, S.REDIRECTED, Action.ACCEPT): (S.ACCEPTED, Party.RECEIVER),
    (U, S.SUBMITTED, Action.REJECT): (S.REJECTED, Party.RECEIVER),
    (U, S.REDIRECTED, Action.REJECT): (S.REJECTED, Party.RECEIVER),
    (U, S.SUBMITTED, Action.REDIRECT): (S.REDIRECTED, Party.RECEIVER),
    (U, S.REDIRECTED, Action.REDIRECT): (S.REDIRECTED, Party.RECEIVER),
    (U, S.SUBMITTED, Action.CANCEL): (S.CANCELLED, Party.SENDER),
    (U, S.REDIRECTED, Action.CANCEL): (S.CANCELLED, Party.SENDER),
    (U, S.ACCEPTED, Action.ARRIVE): (S.ARRIVED, Party.RECEIVER),
    (U, S.ARRIVED, Action.COMPLETE): (S.COMPLETED, Party.RECEIVER),
    (D, S.ISSUED, Action.ACCEPT): (S.ACCEPTED, Party.RECEIVER),
    (D, S.ISSUED, Action.DECLINE): (S.DECLINED, Party.RECEIVER),
    (D, S.ACCEPTED, Action.FOLLOW_UP): (S.ACCEPTED, Party.RECEIVER),
    (D, S.ACCEPTED, Action.COMPLETE): (S.COMPLETED, Party.RECEIVER),
}

# Sorting by status follows the work: waiting for an answer first, then in progress, then closed.
WORKFLOW_ORDER = (S.SUBMITTED, S.REDIRECTED, S.ISSUED, S.ACCEPTED, S.ARRIVED, S.COMPLETED, S.RECORDED,
                  S.REJECTED, S.DECLINED, S.CANCELLED)

# Statuses in which the receiving hospital still owes an answer (the response clock runs).
AWAITING_RESPONSE = frozenset({S.SUBMITTED, S.REDIRECTED})


# Steps the service takes by itself (a downward referral completes with its last follow-up): never a button.
AUTOMATIC = frozenset({(Direction.DOWNWARD, Action.COMPLETE)})


def allowed_actions(direction: Direction, current: Status, party: Party | None) -> list[str]:
    """What this side may do next, in the order of the work (the desks show these as buttons)."""
    if party is None:
        return []
    return [a.value for a in Action
            if (found := TRANSITIONS.get((direction, current, a))) is not None and found[1] is party
            and (direction, a) not in AUTOMATIC]


def next_status(direction: Direction, current: Status, action: Action) -> tuple[Status, Party]:
    """The status after `action`, and who may take it; 409 with the current state if illegal."""
    found = TRANSITIONS.get((direction, current, action))
    if found is None:
        raise Conflict(
            f"cannot {action.value} this {direction.value} referral: it is {current.value}",
            current_status=current.value, action=action.value,
            allowed_actions=sorted(a.value for (d, s, a) in TRANSITIONS if d == direction and s == current),
        )
    return found
