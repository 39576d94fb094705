"""A service started as one of several replicas reads its consumed topics' real partition counts from the broker
and refuses to start (a log line saying what to do, a non-zero exit) when a topic has fewer partitions than
replicas: one created earlier with fewer partitions keeps them whatever CONSORTIUM_TOPIC_PARTITIONS says."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from kafka.admin import NewTopic

from devstack.stack import free_port
from platform_common.contracts import REGISTRY_TOPIC
from platform_common.kafka_io import new_admin
from platform_common.partition_check import TooFewPartitions, check_partitions, partition_counts

from .test_broker_loss import broker  # noqa: F401 - the fixture: a broker of the test's own

pytestmark = pytest.mark.integration


def create(bootstrap: str, topics: dict[str, int], replace: bool = False) -> None:
    """Topics with the given partition counts (`replace`: deleted first, as the broker's start created them)."""
    admin = new_admin(bootstrap)
    try:
        if replace:
            admin.delete_topics(list(topics))
        admin.create_topics([NewTopic(name, n, 1) for name, n in topics.items()])
    finally:
        admin.close()


def test_a_topic_with_fewer_partitions_than_replicas_is_named_and_refused(broker):  # noqa: F811
    bootstrap = broker.kafka_bootstrap
    create(bootstrap, {"check.one": 1, "check.three": 3})
    assert partition_counts(bootstrap, ["check.one", "check.three", "check.absent"]) == \
        {"check.one": 1, "check.three": 3}
    check_partitions("svc", bootstrap, ["check.three", "check.absent"], replicas=3)  # absent: created with 3 later
    check_partitions("svc", bootstrap, ["check.one"], replicas=1)
    with pytest.raises(TooFewPartitions, match=r"CONSORTIUM_REPLICAS=2 but check\.one has 1 partition"):
        check_partitions("svc", bootstrap, ["check.one", "check.three"], replicas=2)


def test_a_service_process_refuses_to_start_with_a_clear_line_and_a_non_zero_exit(broker, tmp_path):  # noqa: F811
    create(broker.kafka_bootstrap, {REGISTRY_TOPIC: 1}, replace=True)  # as an older deployment left it
    env = dict(os.environ, CONSORTIUM_DATA_DIR=str(tmp_path), CONSORTIUM_KAFKA_BOOTSTRAP=broker.kafka_bootstrap,
               CONSORTIUM_REPLICAS="2", CONSORTIUM_TOPIC_PARTITIONS="3", CONSORTIUM_DEMO_MODE="true",
               PYTHONUNBUFFERED="1")
    proc = subprocess.run([sys.executable, "-m", "uvicorn", "services.staffing.app:app", "--host", "127.0.0.1",
                           "--port", str(free_port())], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    output = proc.stdout + proc.stderr
    assert f"staffing refuses to start: CONSORTIUM_REPLICAS=2 but {REGISTRY_TOPIC} has 1 partition(s)" in output
    assert "service started" not in output
