"""The SQLite writer gate: one writer at a time per process, handed over at once, never leaked."""
import gc
import threading
import time

import pytest
from sqlalchemy import text

from platform_common.db import make_engine


@pytest.fixture()
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'gate.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE counter (n INTEGER NOT NULL)"))
        conn.execute(text("INSERT INTO counter VALUES (0)"))
    yield engine
    engine.dispose()


def _count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT n FROM counter")).scalar_one()


def test_concurrent_read_modify_write_transactions_lose_no_update_and_never_sleep_long(engine):
    latencies = []

    def bump(times: int) -> None:
        for _ in range(times):
            started = time.perf_counter()
            with engine.begin() as conn:
                n = conn.execute(text("SELECT n FROM counter")).scalar_one()
                conn.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})
            latencies.append(time.perf_counter() - started)

    threads = [threading.Thread(target=bump, args=(50,)) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert _count(engine) == 600
    # SQLite's busy handler would put a loser to sleep for up to 100 ms a step; queued writers are handed
    # the database as soon as the transaction before them ends. A generous bound for a loaded machine:
    # 11 transactions ahead of any one writer, each well under 100 ms.
    assert max(latencies) < 2.0


@pytest.mark.parametrize("leave", ["rollback", "close", "garbage"])
def test_every_way_out_of_a_transaction_hands_the_gate_back(engine, leave):
    conn = engine.connect()
    conn.execute(text("UPDATE counter SET n = n + 1"))
    if leave == "rollback":
        conn.rollback()
        conn.close()
    elif leave == "close":
        conn.close()
    else:
        del conn
        gc.collect()
    done = threading.Event()

    def write() -> None:
        with engine.begin() as other:
            other.execute(text("UPDATE counter SET n = n + 10"))
        done.set()

    threading.Thread(target=write, daemon=True).start()
    assert done.wait(5), "the gate was not handed back"
    assert _count(engine) == 10


def test_a_failed_statement_inside_a_transaction_releases_the_gate_on_rollback(engine):
    with pytest.raises(Exception):
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO counter VALUES (NULL)"))  # NOT NULL violated
    with engine.begin() as conn:
        conn.execute(text("UPDATE counter SET n = 7"))
    assert _count(engine) == 7


def test_a_read_only_transaction_does_not_queue_behind_a_writer(engine):
    """A GET's transaction reads the last committed state while a write holds the gate (it used to start with
    BEGIN IMMEDIATE and wait for the writer to finish)."""
    from platform_common.db import read_only

    writing = engine.connect()
    writing.execute(text("UPDATE counter SET n = 41"))  # holds the gate, uncommitted
    read = threading.Event()
    seen = []

    def reader() -> None:
        with read_only(engine).connect() as conn:
            seen.append(conn.execute(text("SELECT n FROM counter")).scalar_one())
        read.set()

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        assert read.wait(10), "the read waited for the writer's turn"
        assert seen == [0]  # the committed state, not the writer's pending one
    finally:
        writing.rollback()
        writing.close()
        thread.join()
    assert _count(engine) == 0


def test_a_read_only_unit_of_work_neither_commits_nor_records(engine):
    from sqlalchemy import MetaData

    from platform_common.db import make_session_factory, read_only
    from platform_common.messaging import outbox_table
    from platform_common.unit_of_work import ReadOnlyUnitOfWork, SqlUnitOfWork

    outbox = outbox_table(MetaData())
    uow = SqlUnitOfWork(make_session_factory(read_only(engine)), outbox, "test", read_only=True)
    with uow:
        assert uow.session.execute(text("SELECT n FROM counter")).scalar_one() == 0
        with pytest.raises(ReadOnlyUnitOfWork):
            uow.record("referral.events", "ReferralSubmitted", "referral", "r-1", {})
        uow.session.execute(text("UPDATE counter SET n = 5"))
        with pytest.raises(ReadOnlyUnitOfWork):
            uow.commit()
    assert _count(engine) == 0
