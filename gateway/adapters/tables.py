"""The gateway's own database: the organisation and user registry (the master copy) and its history."""
from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Boolean, Column, ForeignKey, Integer, String, Table

from platform_common.db import UtcDateTime, new_metadata
from platform_common.messaging import inbox_table, outbox_table
from platform_common.org_directory import organisations_table

metadata = new_metadata()
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
organisations = organisations_table(metadata)
users = Table(
    "users",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("password_hash", String(255), nullable=False),
    Column("org_id", String(64), ForeignKey("organisations.org_id"), nullable=False),
    Column("role", String(40), nullable=False),
    Column("display_name", String(100), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
)
# Every change to the registry, oldest first: who changed what, from what, to what (never a password hash).
registry_changes = Table(
    "registry_changes",
    metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("changed_at", UtcDateTime(), nullable=False),
    Column("actor", String(64), nullable=False),  # the username, or "system" for the demo loader
    Column("subject", String(20), nullable=False),  # organisation | user
    Column("subject_id", String(64), nullable=False, index=True),
    Column("org_id", String(64), nullable=False, index=True),  # the organisation concerned
    Column("action", String(20), nullable=False),  # created | updated
    Column("before", JSON, nullable=True),
    Column("after", JSON, nullable=False),
    Column("request_id", String(100), nullable=True),
)
