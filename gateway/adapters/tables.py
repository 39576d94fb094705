"""The gateway's own database: the organisation and user registry (the master copy)."""
from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, String, Table

from platform_common.db import new_metadata
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
