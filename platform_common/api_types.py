"""Types of the services' response models, so that every answer of the platform is typed the same way.

- `ResponseModel`: the base of every response model. It forbids undeclared fields, so a route whose
  answer carries a field its model does not declare fails (500 in the route's own response validation,
  hence in its API test) instead of FastAPI silently dropping the field a caller relies on.
- `UtcInstant`: an instant, written ISO-8601 in UTC with `Z` (`2026-11-27T03:04:05.123456Z`), the platform's
  one form (what pydantic writes for an aware UTC datetime, and `platform_common.clock.iso_instant`). An aware
  instant in another zone is converted; a naive one is refused: it would be an answer built the wrong way.
  Its JSON schema carries the `Z` pattern, so a schema check of an answer holds the form too.
- `Fen`: money, an integer number of fen (1/100 yuan), never a float.
- `MonthCode`, `PeriodCode`: a month `YYYY-MM`; a period `YYYY-MM`, `YYYY-Qn` or `YYYY`.
- `open_content(why)`: the one way to leave an object open (`dict[str, Any]`), for content that genuinely
  varies case by case (an error's details); its schema says so (`x-open-content`), and why.
Calendar days are plain `datetime.date` (the consortium's local day, `YYYY-MM-DD`).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, WithJsonSchema

INSTANT_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$"


class ResponseModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _in_utc(moment: datetime) -> datetime:
    # the usual case (the database and utcnow() give UTC) returns at once: answers hold hundreds of instants
    return moment if moment.utcoffset() == _ZERO else moment.astimezone(timezone.utc)


_ZERO = timedelta(0)
UtcInstant = Annotated[
    AwareDatetime, AfterValidator(_in_utc),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": INSTANT_PATTERN,
                    "description": "an instant, ISO-8601 in UTC with Z", "examples": ["2026-11-27T03:04:05.123456Z"]}),
]
Fen = Annotated[int, Field(description="money in fen (1/100 yuan), an integer")]
BasisPoints = Annotated[int, Field(description="a rate in basis points (10000 = 100 %)")]
MonthCode = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", examples=["2026-03"])]
PeriodCode = Annotated[str, Field(pattern=r"^\d{4}(-(0[1-9]|1[0-2]|Q[1-4]))?$", examples=["2026-03", "2026-Q1", "2026"])]


def open_content(why: str) -> Any:
    """The field annotation of an object whose keys vary case by case: documented as open, with the reason."""
    return Field(json_schema_extra={"x-open-content": why})
