"""Every API test is a contract test: each 2xx answer is checked against what its route declares.

`ContractCheck` wraps a service app in the tests (`service_app.service_client`). After the app answered, a
2xx JSON body must validate against the route's response model — strictly (an integer is not a float, an
instant is text in UTC with `Z`) and with no field the model does not declare — and any other body must
have a media type the route documents (CSV, XLSX). A route answering JSON without a response model fails.
The response models forbid undeclared fields themselves (`platform_common.api_types.ResponseModel`), so a
route returning a field its model lacks fails inside the app before it could be silently dropped.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from fastapi.routing import APIRoute
from pydantic import TypeAdapter, ValidationError

JSON = "application/json"


class ContractViolation(AssertionError):
    pass


class ContractCheck:
    """ASGI middleware: records the answer as it goes out, then checks it against the route that served it."""

    def __init__(self, app) -> None:  # noqa: ANN001
        self.app = app

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        answer: dict[str, Any] = {"status": 0, "type": "", "body": []}

        async def capture(message) -> None:  # noqa: ANN001
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
                headers = dict(message.get("headers") or [])
                answer["type"] = headers.get(b"content-type", b"").decode("latin-1")
            elif message["type"] == "http.response.body":
                answer["body"].append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, capture)
        route = scope.get("route")
        if isinstance(route, APIRoute) and 200 <= answer["status"] < 300:
            check_answer(route, scope["method"], answer["status"], answer["type"], b"".join(answer["body"]))


def check_answer(route: APIRoute, method: str, status: int, content_type: str, body: bytes) -> None:
    where = f"{method} {route.path} answered {status}"
    if status == 204 or (not body and route.status_code == 204):
        return
    media_type = content_type.split(";")[0].strip()
    if media_type != JSON:
        documented = documented_media_types(route, status)
        if media_type not in documented:
            raise ContractViolation(f"{where} with {media_type!r}, but documents only {sorted(documented)}")
        return
    if route.response_model is None:
        raise ContractViolation(f"{where} with JSON, but the route declares no response model")
    untyped = open_spots_of(route.response_model)
    if untyped:
        raise ContractViolation(f"{where} with JSON, but its response model leaves {untyped} untyped")
    try:
        adapter(route.response_model).validate_json(body, strict=True, extra="forbid")
    except ValidationError as e:
        raise ContractViolation(f"{where} with a body that does not match {route.response_model!r}:\n{e}\n"
                                f"body: {body[:2000]!r}") from None


def documented_media_types(route: APIRoute, status: int) -> set[str]:
    documented = set(route.responses.get(status, route.responses.get(str(status), {})).get("content", {}))
    media_type = getattr(route.response_class, "media_type", None)
    if media_type and status == (route.status_code or 200):
        documented.add(media_type)
    return {m.split(";")[0].strip() for m in documented}


@lru_cache(maxsize=None)
def adapter(model: Any) -> TypeAdapter:
    return TypeAdapter(model)


@lru_cache(maxsize=None)
def open_spots_of(model: Any) -> tuple[str, ...]:
    schema = adapter(model).json_schema(mode="serialization", ref_template="#/$defs/{model}")
    return tuple(open_spots(schema, schema.get("$defs", {}), "#/$defs/"))


def open_spots(node: Any, definitions: dict, prefix: str, path: str = "$", seen: frozenset = frozenset()) -> list[str]:
    """Where a JSON schema says nothing about what it holds: `{}` (anything), an object open to any property
    (`additionalProperties: true`, or no properties at all), an array of anything. Follows `$ref`s."""
    if node is False:
        return []  # nothing allowed: closed, not open
    if not isinstance(node, dict):
        return [path]  # no schema at all (or a dangling $ref)
    if "$ref" in node:
        name = node["$ref"].removeprefix(prefix)
        return [] if name in seen else open_spots(definitions.get(name), definitions, prefix, path, seen | {name})
    if "x-open-content" in node:
        return []  # declared open on purpose, with its reason (platform_common.api_types.open_content)
    if not node or (set(node) <= {"title", "description", "examples", "default"}):
        return [path]
    found: list[str] = []
    for key in ("anyOf", "oneOf", "allOf"):
        for n, option in enumerate(node.get(key, [])):
            found += open_spots(option, definitions, prefix, f"{path}|{n}", seen)
    if node.get("type") == "object":
        extra = node.get("additionalProperties")
        if extra is True or (extra is None and not node.get("properties")):
            found.append(path)
        elif isinstance(extra, dict):
            found += open_spots(extra, definitions, prefix, f"{path}.*", seen)
        for name, prop in node.get("properties", {}).items():
            found += open_spots(prop, definitions, prefix, f"{path}.{name}", seen)
    if node.get("type") == "array":
        for n, item in enumerate(node.get("prefixItems", [])):
            found += open_spots(item, definitions, prefix, f"{path}[{n}]", seen)
        if "items" in node:
            found += open_spots(node["items"], definitions, prefix, f"{path}[]", seen)
        elif "prefixItems" not in node:
            found.append(f"{path}[]")
    return found
