"""ORM tables of the payment service (its own database, its own migration history)."""
from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from platform_common.db import new_metadata
from platform_common.messaging import inbox_table, outbox_table
from platform_common.org_directory import organisations_table


class Base(DeclarativeBase):
    metadata = new_metadata()


metadata = Base.metadata
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
organisations = organisations_table(metadata)
