"""Reading a topic of the running broker from its start, as a test checks what a service published.

Without a consumer group: the consumer takes every partition itself, so there is no group join to wait for
(on the test broker the first assignment of a new group takes seconds), and it stops as soon as the test has
what it wants instead of after an idle timeout.
"""
from __future__ import annotations

import json
import time
from typing import Callable

from kafka import KafkaConsumer


def scan_topic(bootstrap: str, topic: str, done: Callable[[dict], bool], timeout: float = 60) -> None:
    """Hand each record's JSON value to `done`, from the topic's first record on, until `done` returns True;
    an AssertionError after `timeout` seconds."""
    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest",
                             enable_auto_commit=False, consumer_timeout_ms=200)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            for message in consumer:
                if done(json.loads(message.value)):
                    return
                if time.monotonic() > deadline:
                    break
    finally:
        consumer.close()
    raise AssertionError(f"{topic}: not found within {timeout} s")
