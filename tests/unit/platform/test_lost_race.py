"""Database errors that mean "another transaction got there first" answer 409 in every service; others 500."""
from __future__ import annotations

import sqlite3

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.exc import IntegrityError, OperationalError

from platform_common.web import install_error_handlers, lost_race


class _PgError(Exception):
    def __init__(self, sqlstate: str | None) -> None:
        super().__init__("x")
        self.sqlstate = sqlstate


def _sqlite_unique_violation() -> sqlite3.IntegrityError:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (k TEXT PRIMARY KEY, u TEXT UNIQUE, n TEXT NOT NULL)")
    conn.execute("INSERT INTO t VALUES ('a', 'x', 'n')")
    try:
        conn.execute("INSERT INTO t VALUES ('b', 'x', 'n')")
    except sqlite3.IntegrityError as e:
        return e
    raise AssertionError("no unique violation")


def test_deadlocks_serialisation_failures_and_taken_keys_are_lost_races_and_other_errors_are_not():
    assert lost_race(OperationalError("UPDATE staff", {}, _PgError("40P01")))
    assert lost_race(OperationalError("UPDATE staff", {}, _PgError("40001")))
    assert lost_race(IntegrityError("INSERT INTO claims", {}, _PgError("23505")))
    assert lost_race(IntegrityError("INSERT INTO t", {}, _sqlite_unique_violation()))
    assert not lost_race(OperationalError("UPDATE staff", {}, _PgError("53300")))  # too many connections
    assert not lost_race(IntegrityError("INSERT INTO t", {}, _PgError("23502")))  # not null: a bug, not a race
    assert not lost_race(OperationalError("UPDATE staff", {}, _PgError(None)))


def test_a_lost_race_answers_409_with_a_reason_and_another_database_error_500():
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/race")
    def race() -> None:
        raise IntegrityError("INSERT INTO claims", {}, _PgError("23505"))

    @app.post("/broken")
    def broken() -> None:
        raise OperationalError("SELECT 1", {}, _PgError("53300"))

    client = TestClient(app, raise_server_exceptions=False)
    r = client.post("/race")
    assert r.status_code == 409 and r.json()["error"]["code"] == "conflict"
    assert "same key" in r.json()["error"]["message"]
    assert client.post("/broken").status_code == 500
