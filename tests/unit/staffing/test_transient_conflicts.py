from __future__ import annotations

from sqlalchemy.exc import OperationalError

from services.staffing.bootstrap import transient_conflict


class _PgError(Exception):
    def __init__(self, sqlstate: str | None) -> None:
        super().__init__("x")
        self.sqlstate = sqlstate


def test_a_deadlock_or_serialisation_failure_is_a_conflict_and_other_database_errors_are_not():
    assert transient_conflict(OperationalError("UPDATE staff", {}, _PgError("40P01")))
    assert transient_conflict(OperationalError("UPDATE staff", {}, _PgError("40001")))
    assert not transient_conflict(OperationalError("UPDATE staff", {}, _PgError("53300")))  # too many connections
    assert not transient_conflict(OperationalError("UPDATE staff", {}, _PgError(None)))
