"""Kafka handlers for `referral.events`: claims from referrals, indicators for the score.

Each runs inside the consumer's unit of work (the inbox row drops a redelivered event) with the payload
already parsed by its contract: a payload missing a field never reaches here (it is dead-lettered).
The claim number makes a claim idempotent even if the same referral is announced twice.
"""
from __future__ import annotations

from platform_common.contracts import OutOfCountyReferralRecorded, ReferralCompleted, ReferralIndicatorsPublished
from platform_common.events import EventEnvelope

from ..domain.claims import ClaimKind
from ..service_layer.claims import claim_from_referral
from ..service_layer.appraisal import store_unit_indicators
from ..service_layer.performance import store_indicators


def on_referral_completed(uow, _envelope: EventEnvelope, event: ReferralCompleted) -> None:  # noqa: ANN001
    claim_from_referral(uow, f"REF-{event.referral_id}", ClaimKind.MEMBER_OUTPATIENT, event.to_org_id,
                        event.consortium_id, event.fund_amount_fen, event.service_date)


def on_out_of_county_recorded(uow, _envelope: EventEnvelope,  # noqa: ANN001
                              event: OutOfCountyReferralRecorded) -> None:
    claim_from_referral(uow, f"OOC-{event.referral_id}", ClaimKind.OUT_OF_COUNTY_REFERRAL, event.from_org_id,
                        event.consortium_id, event.fund_amount_fen, event.service_date)


def on_indicators_published(uow, envelope: EventEnvelope,  # noqa: ANN001
                            event: ReferralIndicatorsPublished) -> None:
    store_unit_indicators(uow, envelope.occurred_at, envelope.event_id, event)  # each unit's appraisal
    if event.org_id is not None:  # a single unit's figures; the settlement's score is the whole consortium's
        return
    store_indicators(uow, envelope.occurred_at, envelope.event_id, event)
