"""Two real replicas of the referral service (two uvicorn processes on one database) behind the gateway; one is
killed with SIGKILL while clients read and submit: no read fails, no submission is applied twice, and the
replica is back in rotation once it answers again."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

from devstack.stack import free_port, port_open
from gateway.api import MIGRATIONS as GATEWAY_MIGRATIONS, create_app
from gateway.demo import ORGANISATIONS
from gateway.settings import GatewaySettings
from platform_common.migrate import upgrade
from platform_common.org_directory import OrgDirectory
from services.referral import bootstrap
from services.referral.adapters.tables import metadata
from tests.api.referral.conftest import make_id, upward_body
from tests.support.service_app import fresh_database
from tests.support.tokens import demo_user_header

CLERK = demo_user_header("dachang.referral")
NOWHERE = "http://127.0.0.1:9"


def _seeded(db_url: str) -> None:
    upgrade(bootstrap.MIGRATIONS, db_url)
    engine = create_engine(db_url)
    OrgDirectory(metadata.tables["organisations"]).register_many(sessionmaker(engine), ORGANISATIONS)
    engine.dispose()


class Replica:
    def __init__(self, db_url: str, log_path) -> None:  # noqa: ANN001
        self.db_url, self.log_path, self.port = db_url, log_path, free_port()
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        env = dict(os.environ, REFERRAL_DATABASE_URL=self.db_url, CONSORTIUM_DEMO_MODE="true",
                   CONSORTIUM_LOG_LEVEL="WARNING", CONSORTIUM_KAFKA_BOOTSTRAP=f"127.0.0.1:{free_port()}")
        self.proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "services.referral.app:app", "--host",
                                      "127.0.0.1", "--port", str(self.port), "--no-access-log",
                                      "--timeout-graceful-shutdown", "2"], env=env,
                                     stdout=open(self.log_path, "ab"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while not port_open(self.port):
            assert self.proc.poll() is None and time.monotonic() < deadline, self.log_path.read_text()[-2000:]
            time.sleep(0.1)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)  # its relay may be waiting on the absent broker
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture()
def two_replicas(tmp_path):
    with ExitStack() as stack:
        db_url = stack.enter_context(fresh_database(tmp_path))
        _seeded(db_url)
        replicas = [Replica(db_url, tmp_path / f"referral-{i}.log") for i in (1, 2)]
        for r in replicas:
            stack.callback(r.stop)
            r.start()
        gw_db = f"sqlite:///{tmp_path / 'gw.db'}"
        upgrade(GATEWAY_MIGRATIONS, gw_db)
        # The periodic probe is left for an hour: the test runs a round itself when it wants one.
        settings = GatewaySettings(database_url=gw_db, referral_url=",".join(r.url for r in replicas),
                                   payment_url=NOWHERE, staffing_url=NOWHERE, replica_probe_seconds=3600)
        app = create_app(settings, background=False)
        client = stack.enter_context(TestClient(app, raise_server_exceptions=False))
        yield client, replicas, db_url, app


def _replicas_health(client: TestClient) -> dict:
    return client.get("/health").json()["services"]["referral"]["replicas"]


def test_a_replica_killed_under_load_fails_no_read_and_applies_no_submission_twice(two_replicas):
    client, replicas, db_url, app = two_replicas
    first = client.post("/referral/referrals/upward", json=upward_body(reason="replica-0"), headers=CLERK)
    assert first.status_code == 201, first.text
    path = f"/referral/referrals/{first.json()['referral_id']}"
    assert all(client.get(path, headers=CLERK).status_code == 200 for _ in range(10))
    assert all(r["forwarded"] > 0 and r["in_rotation"] for r in _replicas_health(client).values())

    reads: list[int] = []
    posts: list[tuple[int, str]] = []
    halfway = threading.Event()

    def reader() -> None:
        for i in range(60):
            reads.append(client.get(path, headers=CLERK).status_code)
            if i == 15:
                halfway.set()

    def submitter(k: int) -> None:
        for i in range(15):
            seq = f"{2 * (k * 50 + i) + 1:03d}"  # odd: a man, as the body says
            body = upward_body(reason=f"replica-{k}-{i}", patient=upward_body()["patient"] | {
                "national_id": make_id(birth=date(1961, 3, 8), seq=seq)})
            r = client.post("/referral/referrals/upward", json=body, headers=CLERK)
            posts.append((r.status_code, r.json().get("error", {}).get("code", "") if r.status_code != 201 else ""))

    threads = [threading.Thread(target=reader) for _ in range(3)] + \
        [threading.Thread(target=submitter, args=(k,)) for k in (1, 2)]
    for t in threads:
        t.start()
    assert halfway.wait(60)
    replicas[0].kill()
    for t in threads:
        t.join(120)

    assert reads and set(reads) == {200}, f"a read failed: {sorted(set(reads))}"
    created = sum(1 for status, _ in posts if status == 201)
    lost = sum(1 for status, code in posts if code == "upstream_connection_lost")
    assert {code for status, code in posts if status != 201} <= {"upstream_unavailable", "upstream_connection_lost"}
    engine = create_engine(db_url)
    with engine.connect() as conn:
        counts = dict(conn.execute(text("SELECT reason, count(*) FROM referrals WHERE reason LIKE 'replica-%-%' "
                                        "GROUP BY reason")).all())
    engine.dispose()
    assert all(n == 1 for n in counts.values()), {k: n for k, n in counts.items() if n > 1}
    assert created <= len(counts) <= created + lost

    health = _replicas_health(client)
    assert health["1"]["in_rotation"] is False and health["1"]["status"] == "down"
    assert health["2"]["in_rotation"] is True

    # Back: the replica restarts on its port; the next probe round puts it in rotation and it takes requests again.
    replicas[0].start()
    client.portal.call(app.state.replica_probe.probe_all, app.state.client)
    before = _replicas_health(client)["1"]
    assert before["in_rotation"] is True and before["status"] != "down"
    assert all(client.get(path, headers=CLERK).status_code == 200 for _ in range(6))
    assert _replicas_health(client)["1"]["forwarded"] > before["forwarded"]
