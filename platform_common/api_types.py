"""The types every service's API is written with, for its requests and its answers alike.

Requests: input that only looks like a value is refused, not converted. Pydantic's lax mode turns `0` or
`"3.35e-136"` into the date 1970-01-01 (a Unix timestamp), `false` into the number 0 and
`"2026-01-02T00:00:00"` into a date. A clerk never means those: a date is written `YYYY-MM-DD` (the OpenAPI
`date` format), an instant as an ISO-8601 date-time, a count as a number.
- `RequestBody`: the base of every request body (unknown fields refused, no lax conversions).
- `IsoDate`: a date in a query or path parameter, `YYYY-MM-DD` only.

Answers, so that every answer of the platform is typed the same way:
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

import re
import types
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import (AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, NaiveDatetime,
                      ValidationInfo, WithJsonSchema, field_validator)

# Requests.
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")


def iso_date(value: Any) -> Any:
    """Accept a date only as `YYYY-MM-DD` (or a `date` already parsed)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and ISO_DATE.match(value):
        return value
    raise ValueError("a date is written YYYY-MM-DD")


def iso_date_time(value: Any) -> Any:
    if isinstance(value, datetime) or (isinstance(value, str) and ISO_DATE_TIME.match(value)):
        return value
    raise ValueError("a date and time is written in ISO 8601, e.g. 2026-11-27T09:30:00+08:00")


# For query and path parameters: `as_of: IsoDate | None = None`.
IsoDate = Annotated[date, BeforeValidator(iso_date)]


class RequestBody(BaseModel):
    """Base of every request body: unknown fields refused, and no lax conversions (see the module's docstring)."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_look_alikes(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        if field is None or value is None:
            return value
        kinds = _scalar_types(field.annotation)
        if isinstance(value, bool) and bool not in kinds and kinds & {int, float, Decimal}:
            raise ValueError("a number is expected, not true or false")
        if datetime in kinds:
            return iso_date_time(value) if not (date in kinds and ISO_DATE.match(str(value))) else value
        if date in kinds:
            return iso_date(value)
        return value


def _scalar_types(annotation: Any) -> set[type]:
    """The plain types a field accepts at its top level (through Optional, unions and Annotated)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _scalar_types(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return set().union(*(_scalar_types(a) for a in get_args(annotation)))
    if annotation in (AwareDatetime, NaiveDatetime):  # pydantic's markers, not datetime subclasses
        return {datetime}
    return {annotation} if isinstance(annotation, type) else set()


# Answers.
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
