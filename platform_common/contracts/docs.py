"""docs/EVENTS.md and one JSON Schema per event, generated from the models (never written by hand).

`python -m platform_common.contracts` writes them; `--check` exits 1 naming the files that differ.
The gateway serves the same schemas at `/events/schemas`.
"""
from __future__ import annotations

import inspect
import json
from typing import Any, Iterable

from ..events import EventEnvelope
from . import base
from .base import EventPayload

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
INTRO = """\
# Event catalogue (the contract between services)

<!-- Generated from platform_common/contracts/ by `python -m platform_common.contracts`: edit the models, not this
file (a test fails when the two differ). -->

Services talk through Kafka topics. Every message is one envelope (`platform_common/events.py`) around one
event's payload. Each event type's payload is a pydantic model in `platform_common/contracts/` (one module per
topic), with a schema version.

{compatibility}

**Dead letters.** A message a consumer cannot apply goes to `<topic>.dlq` as a JSON record: `consumer`,
`error`, `attempts` (1 for a payload that breaks its contract: it is never retried; the consumer's
`*_CONSUMER_MAX_ATTEMPTS` for a handler that kept failing; 0 for an unreadable envelope), `validation_errors`
(for a contract mismatch: each `field`, `reason` and `type`, as in the HTTP error bodies), `topic`,
`partition`, `offset` and the original `message`. Each service's `/health` counts its consumers' dead letters.

Money is integer fen; rates are integer basis points (`*_bp`, 10000 = 100%); instants are ISO-8601 in UTC
(`2026-11-27T03:04:05.123456Z`); days are `YYYY-MM-DD` (the consortium's local calendar), months `YYYY-MM`.

**JSON Schemas for other systems.** One file per event type in [docs/events/](events/) (the whole message: the
envelope with its `type` and `version` fixed, and the payload), also served by the gateway at
`GET /events/schemas` (the list) and `GET /events/schemas/<EventType>` (no token needed).

## The envelope

{envelope}

**Each aggregate's order.** `aggregate_id` is the Kafka key, so one aggregate's events share a partition and
arrive in the order they were published. `aggregate_sequence` numbers them: the producer counts 1, 2, 3… per
(`aggregate_type`, `aggregate_id`) in the transaction that records the event (a rolled-back write takes no
number; a concurrent writer of the same aggregate waits for the first to commit), so the numbers have no gap and
follow the order of the state changes, with any number of replicas on one database. Each consumer keeps the
highest number it applied per aggregate (`aggregate_positions`, in the handler's transaction) and counts an event
at or below it as `out_of_order` in its `/health` (0 expected). Events recorded before the numbering carry `null`.
"""


def _doc(obj: Any) -> str:
    return inspect.cleandoc(obj.__doc__ or "").replace("\n", " ")


def _type(schema: dict[str, Any], defs: dict[str, Any]) -> str:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return f"[`{name}`](#{name.lower()})" if "enum" in defs[name] else _type(defs[name], defs)
    if "anyOf" in schema:
        kinds = [s for s in schema["anyOf"] if s.get("type") != "null"]
        nullable = len(kinds) < len(schema["anyOf"])
        return " or ".join(_type(s, defs) for s in kinds) + (" or null" if nullable else "")
    if "enum" in schema:
        return "one of " + ", ".join(f"`{v}`" for v in schema["enum"])
    if "const" in schema:
        return f"`{json.dumps(schema['const'])}`"
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list of {_type(schema.get('items', {}), defs)}"
    if kind == "null":
        return "null"
    text = {"string": {"date": "date", "date-time": "instant"}.get(schema.get("format", ""), "string"),
            "integer": "integer", "boolean": "boolean", "object": "object"}.get(kind, kind)
    bounds = [f"≥ {schema['minimum']}" if "minimum" in schema else "",
              f"≤ {schema['maximum']}" if "maximum" in schema else "",
              f"`{schema['pattern']}`" if "pattern" in schema else ""]
    return " ".join([text, *filter(None, bounds)])


def _table(schema: dict[str, Any], required: set[str] | None = None) -> str:
    defs = schema.get("$defs", {})
    required = set(schema.get("required", [])) if required is None else required
    rows = ["| field | type | required | meaning |", "|---|---|---|---|"]
    for name, prop in schema["properties"].items():
        rows.append(f"| `{name}` | {_type(prop, defs)} | {'yes' if name in required else 'no'} | "
                    f"{prop.get('description', '')} |")
    return "\n".join(rows)


def markdown(topics: dict[str, Any]) -> str:
    envelope = EventEnvelope.model_json_schema()
    parts = [INTRO.format(compatibility=_compatibility(), envelope=_table(envelope, set(envelope["properties"])))]
    for topic, module in topics.items():
        about = inspect.cleandoc(module.__doc__ or "").removeprefix(f"`{topic}` — ")
        parts.append(f"## {topic}\n\n{about[:1].upper()}{about[1:]}\n")
        for contract in module.CONTRACTS:
            versions = contract.readable_versions()
            older = ""
            if len(versions) > 1:
                older = "; consumers also read " + ", ".join(
                    f"v{v} ({_doc(contract.upgrades[v])})" for v in versions[:-1])
            parts.append(f"### {contract.event_type}\n\n{_doc(contract)}\n\n"
                         f"Schema version {contract.schema_version}{older}. "
                         f"Schema: [events/{contract.event_type}.json](events/{contract.event_type}.json).\n\n"
                         f"{_table(contract.model_json_schema())}\n")
    parts.append(_vocabularies(c for m in topics.values() for c in m.CONTRACTS))
    return "\n".join(parts)


def _vocabularies(contracts: Iterable[type[EventPayload]]) -> str:
    named: dict[str, dict[str, Any]] = {}
    for contract in contracts:
        named |= {k: v for k, v in contract.model_json_schema().get("$defs", {}).items() if "enum" in v}
    parts = ["## Vocabularies\n"]
    for name, schema in sorted(named.items()):
        text = _type({k: v for k, v in schema.items() if k != "title"}, {})
        parts.append(f"### {name}\n\n{text[:1].upper()}{text[1:]}.\n")
    return "\n".join(parts)


def _compatibility() -> str:
    text = inspect.cleandoc(base.__doc__ or "")
    return "\n\n".join(text.split("\n\n")[1:])


def json_schema(contract: type[EventPayload]) -> dict[str, Any]:
    """The whole message of one event type: the envelope, its type and version fixed, and the payload."""
    payload = contract.model_json_schema(ref_template="#/$defs/{model}")
    defs = payload.pop("$defs", {})
    payload.pop("additionalProperties", None)  # readers ignore fields added later within a version
    name = f"{contract.event_type}Payload"
    defs[name] = payload
    envelope = EventEnvelope.model_json_schema()
    properties = envelope["properties"] | {
        "type": {"const": contract.event_type, "description": envelope["properties"]["type"]["description"]},
        "version": {"const": contract.schema_version, "description": envelope["properties"]["version"]["description"]},
        "payload": {"$ref": f"#/$defs/{name}"},
    }
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": f"{contract.event_type}.json",
        "title": contract.event_type,
        "description": f"{_doc(contract)} Topic `{contract.topic}`, schema version {contract.schema_version}.",
        "x-topic": contract.topic,
        "x-schema-version": contract.schema_version,
        "type": "object",
        "properties": properties,
        "required": list(properties),  # a producer always writes every envelope field
        "additionalProperties": False,
        "$defs": defs,
    }


def schema_index(contracts: dict[str, type[EventPayload]]) -> list[dict[str, Any]]:
    return [{"type": c.event_type, "topic": c.topic, "schema_version": c.schema_version,
             "readable_versions": c.readable_versions(), "description": _doc(c)} for c in contracts.values()]


def files(topics: dict[str, Any], contracts: dict[str, type[EventPayload]]) -> dict[str, str]:
    """Every generated file, by path relative to the repository root."""
    out = {"docs/EVENTS.md": markdown(topics)}
    for event_type, contract in contracts.items():
        out[f"docs/events/{event_type}.json"] = json.dumps(json_schema(contract), indent=2, ensure_ascii=False) + "\n"
    return out
