"""Tables of the family-doctor contract roster and the capitation paid over it (same metadata as tables.py).

The contracts table takes a million-row roster in one import: its rowid is the contract id and it has one
secondary index, (resident_key, start_date), which makes a contract idempotent and finds a resident's other
contracts. Who recorded a contract, when and how is a contract_recordings row shared by all the contracts of one
import (one per API add or transfer): a contract row carries only its id, about a third less to write per row. Capitation lines have (contract_id, month) as their key: the database itself refuses paying a
contract twice for a month, whatever the runs do.
"""
from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, ForeignKey, Index, Integer, String, Table, UniqueConstraint

from platform_common.db import UtcDateTime

from .tables import Fen, metadata

ContractId = BigInteger().with_variant(Integer, "sqlite")

contract_recordings = Table(
    "contract_recordings", metadata,
    Column("recording_id", ContractId, primary_key=True, autoincrement=True),
    Column("source", String(20), nullable=False),  # upload | api | transfer
    Column("upload_id", String(36), nullable=True),
    Column("recorded_by", String(100), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
)

contracts = Table(
    "contracts", metadata,
    Column("contract_id", ContractId, primary_key=True, autoincrement=True),
    Column("resident_key", String(64), nullable=False),  # HMAC-SHA256 of the national ID, never the ID
    Column("resident_masked", String(18), nullable=False),
    Column("org_id", String(64), nullable=False),
    Column("consortium_id", String(64), nullable=False),
    Column("team", String(40), nullable=False),
    Column("package", String(40), nullable=False),
    Column("key_groups", Integer, nullable=False),  # bitmask of roster.KeyGroup
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=True),  # inclusive; null: open
    Column("recording_id", ContractId, ForeignKey("contract_recordings.recording_id"), nullable=False),
    Column("ended_by", String(100), nullable=True),
    Column("end_reason", String(200), nullable=True),
    UniqueConstraint("resident_key", "start_date", name="uq_contracts_resident_start"),
)

# Every end date a roster re-upload changed (a contract ended early or extended): who, when, from which file
# and line, the end before and after. The contract row keeps only the latest.
contract_end_changes = Table(
    "contract_end_changes", metadata,
    Column("change_id", ContractId, primary_key=True, autoincrement=True),
    Column("contract_id", ContractId, ForeignKey("contracts.contract_id"), nullable=False),
    Column("previous_end_date", Date, nullable=True),
    Column("end_date", Date, nullable=True),
    Column("upload_id", String(36), nullable=True),
    Column("line", Integer, nullable=True),
    Column("changed_by", String(100), nullable=False),
    Column("changed_at", UtcDateTime(), nullable=False),
    Index("ix_contract_end_changes_contract", "contract_id"),
)

capitation_runs = Table(
    "capitation_runs", metadata,
    Column("run_id", String(36), primary_key=True),
    Column("consortium_id", String(64), nullable=False),
    Column("month", String(7), nullable=False),
    Column("policy_version", Integer, nullable=False),
    Column("rate_fen", Fen, nullable=False),
    Column("contracts", Integer, nullable=False),
    Column("amount_fen", Fen, nullable=False),      # capitation
    Column("fee_fund_fen", Fen, nullable=False),    # the fund's share of the contract fees first paid
    Column("entry_id", String(36), nullable=True),
    Column("paid_by", String(100), nullable=False),
    Column("paid_at", UtcDateTime(), nullable=False),
    Index("ix_capitation_runs_consortium_month", "consortium_id", "month"),
)

capitation_lines = Table(
    "capitation_lines", metadata,
    Column("contract_id", ContractId, ForeignKey("contracts.contract_id"), primary_key=True),
    Column("month", String(7), primary_key=True),
    Column("run_id", String(36), ForeignKey("capitation_runs.run_id"), nullable=False),
    Column("org_id", String(64), nullable=False),
    Column("weight_bp", Integer, nullable=False),
    Column("amount_fen", Fen, nullable=False),
    Column("fee_fund_fen", Fen, nullable=False),
    Index("ix_capitation_lines_run", "run_id"),
)

# A unit's population by group (人口普查 / 辖区人口), the coverage denominators; the latest per unit and group.
census = Table(
    "census", metadata,
    Column("org_id", String(64), primary_key=True),
    Column("group", String(30), primary_key=True),
    Column("consortium_id", String(64), nullable=False),
    Column("people", Integer, nullable=False),
    Column("as_of", Date, nullable=False),
    Column("recorded_by", String(100), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
)

# One row per consortium and month that a capitation run has taken: runs of the same month wait for each other
# on it (SELECT … FOR UPDATE on PostgreSQL) rather than both reading "unpaid".
capitation_months = Table(
    "capitation_months", metadata,
    Column("consortium_id", String(64), primary_key=True),
    Column("month", String(7), primary_key=True),
)

# Every ReferralIndicatorsPublished, consortium-wide (org_id "*") and per member unit, the latest per scope and
# period: the referral side of the appraisal of each unit (the consortium's score reads referral_indicators).
unit_indicators = Table(
    "unit_indicators", metadata,
    Column("consortium_id", String(64), primary_key=True),
    Column("org_id", String(64), primary_key=True),  # "*": the whole consortium
    Column("period", String(7), primary_key=True),
    Column("occurred_at", UtcDateTime(), nullable=False),
    Column("event_id", String(64), nullable=False),
    Column("county_domain_visit_rate_bp", Integer, nullable=True),
    Column("in_county_visits", Integer, nullable=True),  # null: a publication from before the field
    Column("out_of_county_count", Integer, nullable=False),
    Column("acceptance_rate_bp", Integer, nullable=True),
    Column("median_response_minutes", Integer, nullable=True),
    Column("chronic_downward_share_bp", Integer, nullable=True),
)
