"""Kafka handlers for `referral.events`: claims from referrals, indicators for the score.

Each runs inside the consumer's unit of work (the inbox row drops a redelivered event);
the claim number makes a claim idempotent even if the same referral is announced twice.
"""
from __future__ import annotations

from platform_common.events import EventEnvelope

from ..domain.claims import ClaimKind
from ..service_layer.claims import claim_from_referral
from ..service_layer.performance import store_indicators


def on_referral_completed(uow, envelope: EventEnvelope) -> None:  # noqa: ANN001
    p = envelope.payload
    service_date = p.get("service_date") or (p.get("completed_at") or "")[:10] or None
    claim_from_referral(uow, f"REF-{p['referral_id']}", ClaimKind.MEMBER_OUTPATIENT, p.get("to_org_id"),
                        p.get("consortium_id"), int(p.get("fund_amount_fen") or 0), service_date)


def on_out_of_county_recorded(uow, envelope: EventEnvelope) -> None:  # noqa: ANN001
    p = envelope.payload
    claim_from_referral(uow, f"OOC-{p['referral_id']}", ClaimKind.OUT_OF_COUNTY_REFERRAL, p.get("from_org_id"),
                        p.get("consortium_id"), int(p.get("fund_amount_fen") or 0), p.get("service_date"))


def on_indicators_published(uow, envelope: EventEnvelope) -> None:  # noqa: ANN001
    p = envelope.payload
    if p.get("org_id"):  # a single unit's figures; the score is the whole consortium's
        return
    if not p.get("consortium_id") or not p.get("period"):
        raise ValueError("ReferralIndicatorsPublished without consortium_id or period")
    store_indicators(uow, p["consortium_id"], p["period"], envelope.occurred_at, envelope.event_id, p)
