"""Event contracts across the real broker: a payload that breaks its contract is dead-lettered at once, with the
validation errors in the DLQ record, instead of being applied with a default (the claim silently not booked)."""
from __future__ import annotations

import json
import uuid

import httpx
import pytest
from kafka import KafkaProducer

from platform_common.contracts import REFERRAL_TOPIC
from platform_common.events import EventEnvelope
from tests.support.topic import scan_topic

pytestmark = pytest.mark.integration


def _dead_letter_of(bootstrap: str, topic: str, event_id: str) -> dict:
    """The DLQ record of one event (the topic's DLQ holds other tests' records too)."""
    found: list[dict] = []

    def is_it(record: dict) -> bool:
        if json.loads(record["message"]).get("event_id") == event_id:
            found.append(record)
        return bool(found)

    scan_topic(bootstrap, topic, is_it)
    return found[0]


def test_a_referral_event_with_a_renamed_required_field_is_dead_lettered_with_its_validation_error(stack):
    referral_id = str(uuid.uuid4())
    payload = {"referral_id": referral_id, "direction": "upward", "from_org_id": "dachang-thc",
               "to_org_id": "county-peoples-hospital", "consortium_id": "wushan", "specialty": "cardiology",
               "completed_at": "2026-11-02T08:00:00Z", "service_date": "2026-11-02", "icd10": "I20.9",
               "fund_amount": 250_000, "recommend_downward": False}  # fund_amount_fen, renamed by a producer bug
    envelope = EventEnvelope(type="ReferralCompleted", producer="referral", org_id="county-peoples-hospital",
                             correlation_id=f"contract-{referral_id}", aggregate_type="referral",
                             aggregate_id=referral_id, payload=payload)
    producer = KafkaProducer(bootstrap_servers=stack.kafka_bootstrap, acks="all")
    producer.send(REFERRAL_TOPIC, key=referral_id.encode(), value=envelope.to_bytes()).get(timeout=10)
    producer.close()

    parked = _dead_letter_of(stack.kafka_bootstrap, REFERRAL_TOPIC + ".dlq", envelope.event_id)
    assert parked["consumer"] == "payment-referral" and parked["attempts"] == 1  # at once, not retried
    assert parked["validation_errors"] == [
        {"field": "fund_amount_fen", "reason": "Field required", "type": "missing"}]
    assert "ReferralCompleted v1" in parked["error"]
    # not booked, with a default or otherwise; and payment's health counts the dead letter
    insurance = stack.client("insurance.officer")
    assert insurance.get(f"/payment/claims/REF-{referral_id}").status_code == 404
    consumers = httpx.get(f"{stack.url('payment')}/health", timeout=10).json()["consumers"]
    assert consumers["payment-referral"]["dead_lettered"] >= 1
