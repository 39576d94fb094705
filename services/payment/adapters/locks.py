"""Table locks that make "read the closed months, then book" and "close a period" one step each on PostgreSQL
(read committed). SQLite runs every write transaction alone (BEGIN IMMEDIATE), so it needs none of them."""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from .sql import is_postgres

BOOKED_TABLES = ("claims", "capitation_payments", "advances")


class Locks:
    def __init__(self, session: Session) -> None:
        self.session = session

    def booking(self, table: str) -> None:
        """Taken before a transaction reads the closed months and books into one of BOOKED_TABLES.

        Without it a claim could read "March open", a settlement of March commit, and the claim then land in
        closed March, outside the settlement's sums. ROW EXCLUSIVE lets bookings run side by side but waits for
        a settlement being closed (`closing`), and makes the settlement wait for bookings in flight.
        """
        if table not in BOOKED_TABLES:
            raise LookupError(f"{table} is not a booked table")
        if is_postgres(self.session):
            self.session.execute(text(f"LOCK TABLE {table} IN ROW EXCLUSIVE MODE"))

    def closing(self) -> None:
        """Taken first thing by a settlement: bookings in flight finish, new ones wait until it commits, and two
        settlements of one database are closed one after the other (the mode conflicts with itself).

        SHARE on policies: a policy version being saved commits before the settlement reads the policy in force
        (so the settlement applies it), and one saved meanwhile waits until the settlement commits (so its
        closed-period check sees it). The booked tables first, then policies: the same order everywhere, and no
        policy save locks a booked table, so the two cannot deadlock.
        """
        if is_postgres(self.session):
            self.session.execute(text(f"LOCK TABLE {', '.join(BOOKED_TABLES)} IN SHARE ROW EXCLUSIVE MODE"))
            self.session.execute(text("LOCK TABLE policies IN SHARE MODE"))

    def policy_change(self) -> None:
        """Taken by a policy save before it reads the settled months: its check and its insert are one step
        against a settlement being closed. Without it a version could read "March open" while a settlement of
        March read the old policy, and both commit: the new version then claims a period settled under another.
        SHARE ROW EXCLUSIVE conflicts with the settlement's SHARE and with itself (two saves of a year number
        their versions one after the other)."""
        if is_postgres(self.session):
            self.session.execute(text("LOCK TABLE policies IN SHARE ROW EXCLUSIVE MODE"))
