"""Unit of work: one database transaction holding the state change and the events announcing it.

Services subclass `SqlUnitOfWork` to add their repositories. A read-only unit of work (`read_only=True`, built
on `db.read_only(engine)`: every GET) neither commits nor records; on SQLite it takes no write turn. `record()` writes an outbox
row through the same session, so the change and its event commit (or roll back) together. It checks the
payload against the event type's contract first: a payload that does not match raises `ContractViolation`
and nothing of the unit of work is kept.
"""
from __future__ import annotations

import threading
from typing import Any, Callable, Mapping

from sqlalchemy import Table, insert
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.orm import Session, sessionmaker

from .aggregate_sequence import next_sequence
from .contracts import CONTRACTS, ContractViolation, EventPayload
from .errors import Conflict
from .events import EventEnvelope, utcnow
from .logs import current_correlation_id


class ReadOnlyUnitOfWork(RuntimeError):
    """A use case that writes was given a read-only unit of work: a programming error, never the caller's."""


class SqlUnitOfWork:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        outbox: Table,
        producer: str,
        on_commit: Callable[[], None] | None = None,
        contracts: Mapping[str, type[EventPayload]] = CONTRACTS,
        read_only: bool = False,
    ) -> None:
        self._session_factory = session_factory
        self.read_only = read_only
        self._contracts = contracts
        self._outbox = outbox
        self._sequences = outbox.metadata.tables["aggregate_sequences"]
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
        if self.read_only:
            raise ReadOnlyUnitOfWork("a read-only unit of work cannot commit")
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
        payload: EventPayload | Mapping[str, Any],
        org_id: str | None = None,
    ) -> EventEnvelope:
        """Write one event into the outbox; `payload` is the event's model or a dict checked against it."""
        if self.read_only:
            raise ReadOnlyUnitOfWork("a read-only unit of work cannot record an event")
        contract = self._contracts.get(event_type)
        if contract is None:
            raise ContractViolation(event_type, 1, "no contract for this event type")
        if contract.topic != topic:
            raise ContractViolation(event_type, contract.schema_version, f"belongs on {contract.topic}, not {topic}")
        outgoing = contract.outgoing(payload)  # a payload that breaks its contract takes no number
        # Flush pending ORM changes first so outbox rows follow the state they announce; then number the event
        # (the counter row's lock orders concurrent writers of one aggregate, and rolls back with them).
        self.session.flush()
        sequence = next_sequence(self.session, self._sequences, aggregate_type, str(aggregate_id))
        envelope = EventEnvelope(
            type=event_type,
            version=contract.schema_version,
            producer=self._producer,
            org_id=org_id,
            correlation_id=current_correlation_id(),
            aggregate_type=aggregate_type,
            aggregate_id=str(aggregate_id),
            aggregate_sequence=sequence,
            payload=outgoing,
        )
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
