"""Unit of work: one database transaction holding the state change and the events announcing it.

Services subclass `SqlUnitOfWork` to add their repositories. `record()` writes an outbox
row through the same session, so the change and its event commit (or roll back) together.
"""
from __future__ import annotations

import threading
from typing import Any, Callable

from sqlalchemy import Table, insert
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.orm import Session, sessionmaker

from .errors import Conflict
from .events import EventEnvelope, utcnow
from .logs import current_correlation_id


class SqlUnitOfWork:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        outbox: Table,
        producer: str,
        on_commit: Callable[[], None] | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._outbox = outbox
        self._producer = producer
        self._on_commit = on_commit
        self._recorded = 0
        self.session: Session

    def __enter__(self):  # noqa: ANN204
        self.session = self._session_factory()
        self._recorded = 0
        self._started(self.session)
        return self

    def _started(self, session: Session) -> None:
        """Hook for subclasses to build repositories on the session."""

    def __exit__(self, exc_type, exc, tb) -> None:  # noqa: ANN001
        try:
            self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        try:
            self.session.commit()
        except StaleDataError as e:
            self.session.rollback()
            raise Conflict("the record was changed by someone else; reload and try again") from e
        if self._recorded and self._on_commit:
            self._on_commit()

    def rollback(self) -> None:
        self.session.rollback()

    def record(
        self,
        topic: str,
        event_type: str,
        aggregate_type: str,
        aggregate_id: str,
        payload: dict[str, Any],
        org_id: str | None = None,
        version: int = 1,
    ) -> EventEnvelope:
        envelope = EventEnvelope(
            type=event_type,
            version=version,
            producer=self._producer,
            org_id=org_id,
            correlation_id=current_correlation_id(),
            aggregate_type=aggregate_type,
            aggregate_id=str(aggregate_id),
            payload=payload,
        )
        # Flush pending ORM changes first so outbox rows follow the state they announce.
        self.session.flush()
        self.session.execute(
            insert(self._outbox).values(
                event_id=envelope.event_id,
                topic=topic,
                aggregate_type=aggregate_type,
                aggregate_id=str(aggregate_id),
                event_type=event_type,
                envelope=envelope.model_dump(mode="json"),
                created_at=utcnow(),
                attempts=0,
            )
        )
        self._recorded += 1
        return envelope


class WakeSignal:
    """Lets a commit wake the relay at once instead of waiting for its next poll."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def set(self) -> None:
        self._event.set()

    def wait(self, timeout: float) -> None:
        self._event.wait(timeout)
        self._event.clear()
