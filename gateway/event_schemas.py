"""The events' JSON Schemas for the county's other information systems, generated from the contracts.

The same documents as docs/events/*.json (`python -m platform_common.contracts`), served so that a system
reading the platform's topics can fetch the schema of the version it meets. No token: they hold no data.
"""
from typing import Annotated, Any, Literal

from fastapi import APIRouter
from pydantic import Field

from platform_common.api_types import ResponseModel, open_content
from platform_common.contracts import CONTRACTS
from platform_common.contracts.docs import json_schema, schema_index
from platform_common.errors import NotFound
from platform_common.openapi import ErrorBody


class EventSchemaSummary(ResponseModel):
    type: str
    topic: str
    schema_version: int
    readable_versions: list[int]
    description: str


# A JSON Schema's keywords vary from one property to the next: what is typed here is the document's frame.
SCHEMA_KEYWORDS = "JSON Schema keywords (draft 2020-12), which vary with each field of the event"


class EventJsonSchema(ResponseModel):
    """A JSON Schema document (draft 2020-12) of one event type's message."""

    dialect: str = Field(alias="$schema")
    id: str = Field(alias="$id")
    title: str = Field(description="the event type")
    description: str
    topic: str = Field(alias="x-topic")
    schema_version: int = Field(alias="x-schema-version")
    type: Literal["object"]
    properties: Annotated[dict[str, Any], open_content(SCHEMA_KEYWORDS)] = Field(
        description="the envelope's fields; `payload` refers to `$defs`")
    required: list[str]
    additionalProperties: bool
    defs: Annotated[dict[str, Any], open_content(SCHEMA_KEYWORDS)] = Field(
        alias="$defs", description="the payload's schema and its vocabularies")


def event_schemas_router() -> APIRouter:
    router = APIRouter(tags=["events"])
    index = schema_index(CONTRACTS)
    schemas = {event_type: json_schema(contract) for event_type, contract in CONTRACTS.items()}

    @router.get("/events/schemas", response_model=list[EventSchemaSummary])
    def list_event_schemas() -> list[dict[str, Any]]:
        """Every event type on the platform's topics, with its current schema version."""
        return index

    @router.get("/events/schemas/{event_type}", response_model=EventJsonSchema,
                responses={404: {"model": ErrorBody, "description": "no such event type"}})
    def get_event_schema(event_type: str) -> dict[str, Any]:
        """The JSON Schema (draft 2020-12) of one event type's whole message: envelope and payload."""
        if event_type not in schemas:
            raise NotFound(f"no event type {event_type}", known=sorted(schemas))
        return schemas[event_type]

    return router
