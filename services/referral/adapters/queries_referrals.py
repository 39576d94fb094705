"""The read model of one referral for an answer: its row, audit trail, follow-ups and bookings, read with four Core
selects.

No ORM instances, identity map or selectin loaders: `Session.get` and the two collections it loads cost 1.9 ms
of CPU per read by id, these selects 0.96 ms (bench/README.md, bench 10). Writes keep loading the aggregate
through the repository.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from .tables import FollowUpRow, ReferralRow, TransitionRow
from .tables_capacity import BookingRow

_REFERRALS, _TRANSITIONS, _FOLLOW_UPS = ReferralRow.__table__, TransitionRow.__table__, FollowUpRow.__table__
_BOOKINGS = BookingRow.__table__


@dataclass(frozen=True)
class ReferralRecord:
    """A referral as read for an answer: the row's columns by their names (those of `ReferralRow`), its audit
    trail in order, its follow-ups by due date and the places it holds or held, each row with the columns of its
    table."""

    row: Row
    transitions: list[Row]
    follow_ups: list[Row]
    bookings: list[Row]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.row, name)


class ReferralQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, referral_id: str) -> ReferralRecord | None:
        row = self.session.execute(select(_REFERRALS).where(_REFERRALS.c.referral_id == referral_id)).first()
        if row is None:
            return None
        transitions = self.session.execute(select(_TRANSITIONS).where(_TRANSITIONS.c.referral_id == referral_id)
                                           .order_by(_TRANSITIONS.c.seq)).all()
        follow_ups = self.session.execute(select(_FOLLOW_UPS).where(_FOLLOW_UPS.c.referral_id == referral_id)
                                          .order_by(_FOLLOW_UPS.c.due_date)).all()
        bookings = self.session.execute(select(_BOOKINGS).where(_BOOKINGS.c.referral_id == referral_id)
                                        .order_by(_BOOKINGS.c.booked_at)).all()
        return ReferralRecord(row, list(transitions), list(follow_ups), list(bookings))
