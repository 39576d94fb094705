"""What every event payload is: a pydantic model naming its topic, its type and its schema version.

Producers are strict and consumers tolerant. A payload recorded into an outbox must match its model exactly
(a missing, mistyped or unknown field is a bug: the transaction fails). A consumer ignores fields it does not
know (a newer producer may add optional ones within a version) but refuses a payload whose known fields do not
match: that message can never be applied, so it is dead-lettered at once with the validation errors.

Versions: the envelope's `version` is the payload's `schema_version`. A breaking change (a field renamed,
removed or retyped) bumps it and adds an upgrade from the previous version, so that events already stored in
outboxes and on the broker still parse; adding an optional field does not.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Annotated, Any, Callable, ClassVar, Mapping

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StrictBool, StrictInt, \
    ValidationError


def _utc(value: datetime) -> datetime:
    return value.astimezone(timezone.utc)


# Field types of the contracts: money and counts are JSON integers (never floats, never strings), instants are
# ISO-8601 with a zone and travel in UTC (`Z`), days are `YYYY-MM-DD`.
Fen = StrictInt
NonNegativeFen = Annotated[StrictInt, Field(ge=0)]
Count = Annotated[StrictInt, Field(ge=0)]
BasisPoints = Annotated[StrictInt, Field(ge=0, le=10_000)]
Flag = StrictBool
Instant = Annotated[AwareDatetime, AfterValidator(_utc)]
Day = date
Id = Annotated[str, Field(min_length=1, max_length=100)]
Month = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]


class ContractViolation(Exception):
    """A payload that does not match its event's contract.

    Raised by a producer's `record()` (a bug: the unit of work fails) and by a consumer's parse (the message is
    dead-lettered at once, never retried: it would fail the same way every time). `errors` names each field
    and why, as the HTTP error bodies do.
    """

    def __init__(self, event_type: str, version: int, message: str, errors: list[dict[str, str]] | None = None):
        self.event_type, self.version, self.errors = event_type, version, errors or []
        fields = "; ".join(f"{e['field']}: {e['reason']}" for e in self.errors)
        super().__init__(f"{event_type} v{version}: {message}" + (f" ({fields})" if fields else ""))

    @classmethod
    def from_validation(cls, event_type: str, version: int, error: ValidationError) -> "ContractViolation":
        errors = [{"field": ".".join(str(p) for p in e["loc"]) or "payload", "reason": e["msg"], "type": e["type"]}
                  for e in error.errors(include_url=False)]
        return cls(event_type, version, "the payload does not match the event's contract", errors)


class EventPayload(BaseModel):
    """Base of every event payload. Subclasses set `topic`; the event type is the class name."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    topic: ClassVar[str]
    event_type: ClassVar[str]
    schema_version: ClassVar[int] = 1
    # upgrades[n] turns a version-n payload into a version-(n+1) one (dict to dict), for stored older events
    upgrades: ClassVar[Mapping[int, Callable[[dict[str, Any]], dict[str, Any]]]] = {}

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if "event_type" not in cls.__dict__:
            cls.event_type = cls.__name__

    @classmethod
    def outgoing(cls, payload: "EventPayload | Mapping[str, Any]") -> dict[str, Any]:
        """The JSON form of a payload about to be recorded, checked strictly (unknown fields included)."""
        if isinstance(payload, EventPayload):
            if type(payload) is not cls:
                raise ContractViolation(cls.event_type, cls.schema_version,
                                        f"a {type(payload).__name__} was recorded as a {cls.event_type}")
            return payload.model_dump(mode="json")
        try:
            return cls.model_validate(dict(payload)).model_dump(mode="json")
        except ValidationError as e:
            raise ContractViolation.from_validation(cls.event_type, cls.schema_version, e) from e

    @classmethod
    def incoming(cls, payload: Mapping[str, Any], version: int) -> "EventPayload":
        """Parse a received payload of the given schema version, upgrading an older one first."""
        if version > cls.schema_version or any(v not in cls.upgrades for v in range(version, cls.schema_version)):
            raise ContractViolation(cls.event_type, version, f"this consumer reads schema versions "
                                    f"{', '.join(map(str, cls.readable_versions()))} only")
        data = dict(payload)
        for v in range(version, cls.schema_version):
            data = cls.upgrades[v](data)
        try:
            return cls.model_validate(data, extra="ignore")
        except ValidationError as e:
            raise ContractViolation.from_validation(cls.event_type, version, e) from e

    @classmethod
    def readable_versions(cls) -> list[int]:
        versions = [cls.schema_version]
        while versions[0] - 1 in cls.upgrades:
            versions.insert(0, versions[0] - 1)
        return versions


def renamed(old: str, new: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """An upgrade that renames one field."""

    def upgrade(data: dict[str, Any]) -> dict[str, Any]:
        data = dict(data)
        if old in data and new not in data:
            data[new] = data.pop(old)
        return data

    upgrade.__doc__ = f"`{old}` is now `{new}`"
    return upgrade


def registry(*contracts: type[EventPayload]) -> dict[str, type[EventPayload]]:
    out: dict[str, type[EventPayload]] = {}
    for c in contracts:
        if c.event_type in out:
            raise ValueError(f"two contracts for {c.event_type}")
        out[c.event_type] = c
    return out
