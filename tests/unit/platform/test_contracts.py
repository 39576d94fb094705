"""The event contracts: strict producers, tolerant consumers, versions, and one vocabulary with the domains."""
from __future__ import annotations

import json
import typing
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, String, Table, func, select

from platform_common import contracts as c
from platform_common.contracts import vocabulary as v
from platform_common.contracts.__main__ import main as contracts_cli
from platform_common.db import make_engine, make_session_factory, new_metadata
from platform_common.messaging import outbox_table
from platform_common.unit_of_work import SqlUnitOfWork
from services.payment.domain.claims import ClaimKind
from services.payment.domain.policy import PURPOSES
from services.payment.domain.roster import KeyGroup
from services.referral.domain.capacity import CapacityKind, ExamType, ReleaseReason
from services.referral.domain.codes import ChronicCondition
from services.referral.domain.consultation import Outcome
from services.referral.domain.lifecycle import Direction
from services.referral.domain.rules import EmergencyCategory, RejectReason, Urgency
from services.staffing.domain.model import EndReason, PostingKind, Qualification, TitleLevel
from services.staffing.domain.quota import QuotaRule

ROOT = Path(__file__).resolve().parents[3]
COMPLETED = {"referral_id": "r1", "direction": "upward", "from_org_id": "dachang-thc",
             "to_org_id": "county-peoples-hospital", "consortium_id": "wushan", "specialty": "cardiology",
             "completed_at": "2026-11-02T08:00:00+08:00", "service_date": "2026-11-02", "icd10": "I20.9",
             "fund_amount_fen": 250_000, "recommend_downward": False}


@pytest.fixture
def uow(tmp_path):
    metadata = new_metadata()
    outbox = outbox_table(metadata)
    state = Table("state", metadata, Column("id", Integer, primary_key=True), Column("note", String(20)))
    engine = make_engine(f"sqlite:///{tmp_path / 'u.db'}")
    metadata.create_all(engine)
    factory = make_session_factory(engine)

    def count(table: Table) -> int:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(table)).scalar_one()

    yield (lambda: SqlUnitOfWork(factory, outbox, "test")), state, lambda: (count(state), count(outbox))
    engine.dispose()


def test_a_recorded_payload_is_stored_in_its_json_form_with_its_schema_version(uow):
    new_uow, _state, _counts = uow
    with new_uow() as u:
        env = u.record(c.REFERRAL_TOPIC, "ReferralCompleted", "referral", "r1", COMPLETED)
        posting = u.record(c.STAFFING_TOPIC, "StaffArrived", "posting", "p1", c.StaffArrived(
            posting_id="p1", staff_id="s1", to_org_id="dachang-thc", specialty="cardiology",
            arrived_on=date(2026, 11, 3)))
        u.commit()
    assert env.version == 1 and env.payload["completed_at"] == "2026-11-02T00:00:00Z"  # in UTC
    assert posting.version == 2 and posting.payload["arrived_on"] == "2026-11-03"


@pytest.mark.parametrize("change", [
    {"fund_amount_fen": None}, {"fund_amount_fen": "250000"}, {"fund_amount_fen": 1.5}, {"fund_amount": 1},
    {"recommend_downward": "yes"}, {"completed_at": "2026-11-02T08:00:00"}, {"specialty": "astrology"},
])
def test_a_payload_that_breaks_its_contract_fails_the_unit_of_work(uow, change):
    new_uow, state, counts = uow
    payload = {k: val for k, val in (COMPLETED | change).items() if val is not None}
    with pytest.raises(c.ContractViolation) as refused:
        with new_uow() as u:
            u.session.execute(state.insert().values(note="half-written"))
            u.record(c.REFERRAL_TOPIC, "ReferralCompleted", "referral", "r1", payload)
            u.commit()
    assert refused.value.errors and {e["field"] for e in refused.value.errors} <= set(change) | {"fund_amount_fen"}
    assert counts() == (0, 0)


def test_an_event_type_without_a_contract_or_on_the_wrong_topic_is_refused(uow):
    new_uow, _state, counts = uow
    with new_uow() as u:
        with pytest.raises(c.ContractViolation, match="no contract"):
            u.record(c.REFERRAL_TOPIC, "ReferralTeleported", "referral", "r1", COMPLETED)
        with pytest.raises(c.ContractViolation, match="belongs on referral.events"):
            u.record(c.PAYMENT_TOPIC, "ReferralCompleted", "referral", "r1", COMPLETED)
        with pytest.raises(c.ContractViolation, match="recorded as a ReferralCompleted"):
            u.record(c.REFERRAL_TOPIC, "ReferralCompleted", "referral", "r1", c.ReferralCancelled(
                **{k: COMPLETED[k] for k in c.ReferralCancelled.model_fields}))
    assert counts() == (0, 0)


def test_a_consumer_ignores_fields_it_does_not_know_but_not_missing_ones():
    parsed = c.ReferralCompleted.incoming(COMPLETED | {"added_in_a_later_release": True}, 1)
    assert parsed.fund_amount_fen == 250_000 and parsed.completed_at == datetime(2026, 11, 2, tzinfo=timezone.utc)
    with pytest.raises(c.ContractViolation) as refused:
        c.ReferralCompleted.incoming({k: val for k, val in COMPLETED.items() if k != "service_date"}, 1)
    assert refused.value.errors == [{"field": "service_date", "reason": "Field required", "type": "missing"}]


def test_older_schema_versions_are_upgraded_and_unknown_ones_refused():
    v1 = {"secondment_id": "p1", "staff_id": "s1", "to_org_id": "dachang-thc", "specialty": "tcm",
          "end_date": "2026-12-31"}
    assert c.SecondmentExtended.incoming(v1, 1).posting_id == "p1"
    assert c.SecondmentExtended.readable_versions() == [1, 2]
    with pytest.raises(c.ContractViolation, match="reads schema versions 1, 2 only"):
        c.SecondmentExtended.incoming(v1, 3)
    with pytest.raises(c.ContractViolation, match="reads schema versions 1 only"):
        c.ReferralCompleted.incoming(COMPLETED, 2)


def test_every_event_type_name_has_one_contract_and_every_contract_a_name():
    names = {e.value for enum in (v.RegistryEvent, v.ReferralEvent, v.PaymentEvent, v.StaffingEvent) for e in enum}
    assert names == set(c.CONTRACTS)
    for event_type, contract in c.CONTRACTS.items():
        assert contract.event_type == event_type and contract.topic in c.TOPICS
        assert contract.schema_version in contract.readable_versions()


@pytest.mark.parametrize("literal, domain", [
    (v.Direction, Direction), (v.Urgency, Urgency), (v.EmergencyCategory, EmergencyCategory),
    (v.ChronicCondition, ChronicCondition), (v.RejectReason, RejectReason), (v.TitleLevel, TitleLevel),
    (v.Qualification, Qualification), (v.EndReason, [r for r in EndReason if r.temporary]), (v.QuotaRule, QuotaRule), (v.ClaimKind, ClaimKind),
    (v.SurplusPurpose, PURPOSES), (v.KeyGroup, KeyGroup),
    (v.TemporaryPostingKind, [k for k in PostingKind if k.temporary]),
    (v.CapacityKind, CapacityKind), (v.ExamType, ExamType), (v.ReleaseReason, ReleaseReason),
    (v.ConsultationOutcome, Outcome),
])
def test_each_value_set_of_the_contracts_is_its_domain_vocabulary(literal, domain):
    values = [d.value if isinstance(d, StrEnum) else d for d in domain]
    assert set(typing.get_args(literal)) == set(values)


def test_instants_must_carry_their_zone():
    late = datetime(2026, 11, 2, 8, tzinfo=timezone(timedelta(hours=8)))
    event = c.PatientArrived(**{k: COMPLETED[k] for k in c.ReferralCancelled.model_fields}, arrived_at=late)
    assert event.model_dump(mode="json")["arrived_at"] == "2026-11-02T00:00:00Z"


def test_the_committed_event_catalogue_and_schemas_are_generated_from_the_models(capsys):
    """docs/EVENTS.md and docs/events/*.json: `python -m platform_common.contracts` rewrites them."""
    assert contracts_cli(["--check"]) == 0, capsys.readouterr().err


def test_a_published_schema_accepts_what_producers_write_and_refuses_a_renamed_field(uow):
    import jsonschema_rs

    new_uow, _state, _counts = uow
    with new_uow() as u:
        message = u.record(c.REFERRAL_TOPIC, "ReferralCompleted", "referral", "r1", COMPLETED).model_dump(mode="json")
    validator = jsonschema_rs.validator_for(json.loads((ROOT / "docs/events/ReferralCompleted.json").read_text()))
    assert validator.is_valid(message)
    renamed = message | {"payload": {k if k != "fund_amount_fen" else "fund_amount": val
                                     for k, val in message["payload"].items()}}
    assert not validator.is_valid(renamed)
    assert not validator.is_valid(message | {"version": 2})
