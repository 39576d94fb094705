"""`payment.events` — produced by the payment service (门诊医保基金打包付费), for the county's reporting and
the insurance office's systems; no platform service consumes them yet."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, StrictInt

from .base import Count, Day, EventPayload, Fen, Flag, Id, Month, NonNegativeFen
from .vocabulary import PAYMENT_TOPIC, ClaimKind, KeyGroup, SurplusPurpose


class PaymentPayload(EventPayload):
    topic = PAYMENT_TOPIC


class BudgetChange(PaymentPayload):
    budget_id: Id = Field(description="the fund-year budget")
    consortium_id: Id = Field(description="the consortium")
    fund_year: int = Field(ge=2000, le=2200, description="the fund year")
    total_fen: NonNegativeFen = Field(description="the budget's total after the change, in fen")
    delta_fen: Fen = Field(description="the change (the whole total when allocated), in fen")
    reason: str = Field(min_length=1, description="why (谈判协商), or the allocation note")


class BudgetAllocated(BudgetChange):
    """A consortium's fund-year outpatient bundle was created (总额预算)."""


class BudgetAdjusted(BudgetChange):
    """A budget's total was changed, with a recorded reason."""


class ClaimRecorded(PaymentPayload):
    """One claim was recorded through the API or from a referral event (uploads announce ClaimsImported)."""

    claim_no: Id = Field(description="the claim number (idempotency key)")
    kind: ClaimKind = Field(description="member outpatient, out-of-county referral or out-of-area (异地就医)")
    org_id: Id = Field(description="the unit it is charged to")
    consortium_id: Id = Field(description="the unit's consortium")
    amount_fen: NonNegativeFen = Field(description="the fund's amount, in fen")
    service_date: Day = Field(description="the day of the service")
    period: Month = Field(description="the month it is booked in")
    late: Flag = Field(description="its service month was already settled: booked in the next open month")


class ClaimsImported(PaymentPayload):
    """One bulk CSV upload was stored (one event per upload rather than one per row)."""

    upload_id: Id = Field(description="the upload")
    inserted: Count = Field(description="claims stored")
    amount_fen: NonNegativeFen = Field(description="their total, in fen")
    consortium_ids: list[Id] = Field(description="the consortia they belong to")


class CapitationPaid(PaymentPayload):
    """A primary unit was paid its monthly capitation (按人头付费): for its roster's contracts active in the month
    (a run may pay a unit again for contracts recorded later), or for its typed enrolment count."""

    org_id: Id = Field(description="the unit")
    period: Month = Field(description="the month")
    enrolled: Count = Field(description="contracts (or enrolled residents) paid by this payment")
    amount_fen: NonNegativeFen = Field(description="the payment, in fen")


class SettlementClosed(PaymentPayload):
    """A period was settled: surplus retained by the performance score (结余留用) or overspend shared (超支分担)."""

    settlement_id: Id = Field(description="the settlement")
    consortium_id: Id = Field(description="the consortium")
    period: str = Field(pattern=r"^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$", description="`2026-11`, `2026-Q4` or `2026`")
    budget_fen: NonNegativeFen = Field(description="the period's budget")
    actual_fen: NonNegativeFen = Field(description="the period's spending")
    balance_fen: Fen = Field(description="budget − spending: surplus > 0, overspend < 0")
    performance_score: str = Field(pattern=r"^\d{1,3}(\.\d+)?$", description="decimal string, e.g. `93.78`")
    retained_fen: NonNegativeFen = Field(description="surplus kept by the consortium")
    fund_share_fen: NonNegativeFen = Field(description="overspend borne by the fund")
    consortium_share_fen: NonNegativeFen = Field(description="overspend borne by the consortium")


class SurplusDistributed(PaymentPayload):
    """Part of a settlement's retained surplus went to a member unit, for one purpose."""

    settlement_id: Id = Field(description="the settlement")
    org_id: Id = Field(description="the member unit")
    purpose: SurplusPurpose = Field(description="performance pay, talent training or specialty building")
    amount_fen: NonNegativeFen = Field(description="the amount, in fen")


class ContractsImported(PaymentPayload):
    """A family-doctor contract roster upload was stored (one event per upload, not one per contract)."""

    upload_id: Id = Field(description="the upload")
    inserted: Count = Field(description="contracts stored")
    consortium_ids: list[Id] = Field(description="the consortia they belong to")


class ContractRecorded(PaymentPayload):
    """One family-doctor contract (家庭医生签约) was recorded by hand or by a transfer. No resident identity: the
    contract id stands for it."""

    contract_id: StrictInt = Field(ge=1, description="the contract")
    org_id: Id = Field(description="the primary unit holding it")
    consortium_id: Id = Field(description="the unit's consortium")
    package: Id = Field(description="the service package")
    key_groups: list[KeyGroup] = Field(description="the resident's key groups (重点人群)")
    start_date: Day = Field(description="first day in force")
    end_date: Day | None = Field(description="last day in force, or null (open)")
    source: Literal["api", "transfer", "upload"] = Field(description="how it was recorded")


class ContractEnded(PaymentPayload):
    """A contract was ended (or cut short by a transfer to another unit)."""

    contract_id: StrictInt = Field(ge=1, description="the contract")
    org_id: Id = Field(description="the unit that held it")
    consortium_id: Id = Field(description="the unit's consortium")
    end_date: Day = Field(description="its last day in force")
    reason: str = Field(min_length=1, description="why, e.g. `transferred to guandu-thc`")


class ContractEndChanged(PaymentPayload):
    """A roster re-upload moved a contract's end date: the same resident and start with a new end ends the contract
    early or extends it (never before the first day of a month already paid for it)."""

    contract_id: StrictInt = Field(ge=1, description="the contract")
    org_id: Id = Field(description="the unit that holds it")
    consortium_id: Id = Field(description="the unit's consortium")
    previous_end_date: Day | None = Field(description="its last day in force before, or null (open)")
    end_date: Day | None = Field(description="its last day in force now, or null (open)")
    upload_id: Id = Field(description="the roster upload that changed it")


class CapitationRunCompleted(PaymentPayload):
    """A month's capitation over the contract roster was paid: which contracts is kept with the run."""

    run_id: Id = Field(description="the run (its lines name each contract paid)")
    consortium_id: Id = Field(description="the consortium")
    period: Month = Field(description="the month")
    contracts: Count = Field(description="contracts paid by this run")
    amount_fen: NonNegativeFen = Field(description="capitation paid, in fen")
    fee_fund_fen: NonNegativeFen = Field(description="the fund's share of the contract fees first paid, in fen")


CONTRACTS = (
    BudgetAllocated, BudgetAdjusted, ClaimRecorded, ClaimsImported, CapitationPaid, SettlementClosed,
    SurplusDistributed, ContractsImported, ContractRecorded, ContractEnded, ContractEndChanged,
    CapitationRunCompleted,
)
__all__ = [c.__name__ for c in CONTRACTS]
