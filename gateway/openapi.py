"""The gateway's OpenAPI document: its own routes and every service route it exposes, in one.

Built in-process the first time it is asked for, never by hand and without a network call: each service's
routers are imported from its bootstrap and their OpenAPI generated as the service itself generates it, then
merged under the service's `/<service>` prefix. Each service operation names the roles its gateway policy
lets through (`x-roles`, and in its description), lists the errors the gateway or the service may answer
with the one error body, and asks for the token of the OAuth2 password flow (`POST /auth/token`), so that
"Authorize" then "Try it out" in the gateway's /docs reach the services. The catch-all proxy route is hidden.
"""
from __future__ import annotations

import copy
import importlib
from typing import Any, Iterable

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from platform_common.auth import Role

from .policy import RoutePolicy, Rule

# The service APIs the gateway exposes, by prefix: each bootstrap module has TITLE and ROUTERS.
SERVICE_APIS = {
    "referral": "services.referral.bootstrap",
    "payment": "services.payment.bootstrap",
    "staffing": "services.staffing.bootstrap",
}
SECURITY = "OAuth2"
METHODS = ("get", "put", "post", "delete", "patch")
# Every proxied operation can answer these, from the gateway or from the service, with the one error body.
SERVICE_ERRORS = {
    "400": "a body, path or query that cannot be read (not JSON, not UTF-8)",
    "401": "no token, or an expired or forged one",
    "403": "the caller's role may not call this route, or its organisation may not touch this record",
    "404": "no such record (or one the caller's organisation may not see)",
    "409": "an illegal state transition, a rule refusing the change, or a lost concurrent update",
    "422": "invalid input: `field` / `fields` name what and why",
    "502": "the service is unreachable, or the connection broke (the request may have been applied)",
    "503": "no free connection to the service; try again",
    "504": "the service did not answer in time",
}
# FastAPI's own 422 bodies, which the platform never sends (its 422 is the error body above).
_FASTAPI_ERRORS = {"HTTPValidationError", "ValidationError"}


def service_openapi(name: str) -> dict[str, Any]:
    """A service's own document, generated from its routers as the service generates it."""
    bootstrap = importlib.import_module(SERVICE_APIS[name])
    app = FastAPI(title=bootstrap.TITLE)
    for router in bootstrap.ROUTERS:
        app.include_router(router)
    return app.openapi()


def merged_openapi(app: FastAPI, policies: dict[str, RoutePolicy]) -> dict[str, Any]:
    doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = doc.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name in _FASTAPI_ERRORS:
        schemas.pop(name, None)
    # `ErrorBody` (and what it refers to) comes with the gateway's own routes, which all declare the platform's
    # error answers (platform_common.openapi): generated as each service generates it, so it is one definition.
    if "ErrorBody" not in schemas:
        raise RuntimeError("the gateway's routes must declare platform_common.openapi.ERROR_RESPONSES")
    services = {name: service_openapi(name) for name in policies}
    names = component_names({s: d.get("components", {}).get("schemas", {}) for s, d in services.items()},
                            fixed=schemas)
    for service, sdoc in services.items():
        rules = {(r.method, r.path): r for r in policies[service].rules}
        for name, schema in sdoc.get("components", {}).get("schemas", {}).items():
            if name not in _FASTAPI_ERRORS:
                schemas[names[service][name]] = _renamed(schema, names[service])
        for path, item in sdoc["paths"].items():
            for method, operation in item.items():
                if method in METHODS:
                    doc["paths"].setdefault(f"/{service}{path}", {})[method] = _service_operation(
                        service, _renamed(operation, names[service]), rules.get((method.upper(), path)))
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method in METHODS and not any(path.startswith(f"/{s}/") for s in services):
                _gateway_operation(operation)
    components["securitySchemes"] = {SECURITY: {
        "type": "oauth2", "description": "Log in with a platform account: the token it gives is sent as "
                                         "`Authorization: Bearer <token>` to the gateway and every service.",
        "flows": {"password": {"tokenUrl": "/auth/token", "scopes": {}}}}}
    return doc


def component_names(defined: dict[str, dict[str, Any]], fixed: dict[str, Any]) -> dict[str, dict[str, str]]:
    """service → {schema name in the service: name in the merged document}. A name defined the same way by
    every service that defines it and by the gateway itself (`fixed`, whose names never change), its
    references included, stays bare; otherwise it takes the service's prefix, `payment.Page`."""
    by_name: dict[str, list[Any]] = {n: [s] for n, s in fixed.items()}
    for schemas in defined.values():
        for name, schema in schemas.items():
            by_name.setdefault(name, []).append(schema)
    shared = {n for n, versions in by_name.items() if all(v == versions[0] for v in versions)}
    changed = True
    while changed:  # a schema is shared only if everything it references is shared too
        unshared = {n for n in shared if any(r not in shared for v in by_name[n] for r in _refs(v))}
        shared -= unshared
        changed = bool(unshared)
    return {service: {n: n if n in shared else f"{service}.{n}" for n in schemas}
            for service, schemas in defined.items()}


def _refs(node: Any) -> Iterable[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            yield ref.rsplit("/", 1)[1]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _renamed(node: Any, names: dict[str, str]) -> Any:
    if isinstance(node, dict):
        out = {k: _renamed(v, names) for k, v in node.items()}
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            out["$ref"] = "#/components/schemas/" + names.get(ref.rsplit("/", 1)[1], ref.rsplit("/", 1)[1])
        return out
    if isinstance(node, list):
        return [_renamed(v, names) for v in node]
    return node


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}


def _with_roles(operation: dict[str, Any], roles: list[str], who: str) -> None:
    operation["x-roles"] = roles
    operation["description"] = "\n\n".join(filter(None, [operation.get("description", "").strip(), who]))


def _service_operation(service: str, operation: dict[str, Any], rule: Rule | None) -> dict[str, Any]:
    operation = copy.deepcopy(operation)
    operation["operationId"] = f"{service}_{operation['operationId']}"
    operation["tags"] = [f"{service}: {tag}" for tag in operation.get("tags") or ["other"]]
    operation["security"] = [{SECURITY: []}]
    roles = sorted(r.value for r in rule.roles) if rule else []
    _with_roles(operation, roles, "**Roles:** " + (", ".join(f"`{r}`" for r in roles) if roles else
                                                   "none: the gateway does not expose this route"))
    responses = operation.setdefault("responses", {})
    errors = SERVICE_ERRORS | ({"413": "the body is larger than the service accepts"}
                               if "requestBody" in operation else {})
    for status, why in errors.items():  # a service's own description of a status is kept (not FastAPI's 422)
        kept = responses.get(status, {}).get("description") if status != "422" else None
        responses[status] = _error_response(kept or why)
    return operation


def _gateway_operation(operation: dict[str, Any]) -> None:
    """The gateway's own routes: the OAuth2 scheme where a token is needed, roles from the route itself."""
    secured = bool(operation.pop("security", None))
    if secured:
        operation["security"] = [{SECURITY: []}]
    everyone = sorted(r.value for r in Role)
    roles = operation.get("x-roles", everyone if secured else [])
    _with_roles(operation, roles, "**Roles:** " + (", ".join(f"`{r}`" for r in roles) if secured else
                                                   "anyone: no token needed"))
    responses = operation.setdefault("responses", {})
    if "422" in responses:
        responses["422"] = _error_response(SERVICE_ERRORS["422"])
    if secured:
        responses.setdefault("401", _error_response(SERVICE_ERRORS["401"]))
        if roles != everyone:
            responses.setdefault("403", _error_response(SERVICE_ERRORS["403"]))


def policy_parity(document: dict[str, Any], policies: dict[str, RoutePolicy]) -> tuple[set[str], set[str]]:
    """(policy rules with no documented operation, documented service operations with no rule), as
    `METHOD /service/path`: both must be empty, so that a route cannot be added on one side only."""
    documented = {f"{method.upper()} {path}" for path, item in document["paths"].items() for method in item
                  if method in METHODS and any(path.startswith(f"/{s}/") for s in policies)}
    policed = {f"{r.method} /{service}{r.path}" for service, policy in policies.items() for r in policy.rules}
    return policed - documented, documented - policed
