"""States of a secondment request and of a posting, and the transitions each allows."""
from __future__ import annotations

from enum import StrEnum

from platform_common.errors import Conflict


class RequestStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    FULFILLED = "fulfilled"  # every requested head has been dispatched


_REQUEST_MOVES: dict[str, set[str]] = {
    "approve": {RequestStatus.REQUESTED},
    "reject": {RequestStatus.REQUESTED},
    "cancel": {RequestStatus.REQUESTED, RequestStatus.APPROVED},
    "dispatch": {RequestStatus.APPROVED},
}


def check_request_move(action: str, status: str) -> None:
    if status not in _REQUEST_MOVES[action]:
        raise Conflict(f"cannot {action} a secondment request that is {status}", state=status,
                       allowed_from=sorted(_REQUEST_MOVES[action]))


_POSTING_MOVES: dict[str, set[str]] = {
    "arrive": {"dispatched"},
    "extend": {"dispatched", "arrived"},
    "end": {"dispatched", "arrived"},
}


def check_posting_move(action: str, status: str) -> None:
    if status not in _POSTING_MOVES[action]:
        raise Conflict(f"cannot {action} a posting that is {status}", state=status,
                       allowed_from=sorted(_POSTING_MOVES[action]))
