"""Route-level authorisation at the gateway: which roles may call which service route.

Each service has its rule list in `gateway/policies/<service>.py`. A route not listed is not
exposed (404). Services still check ownership (which organisation's records) themselves.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from platform_common.auth import Role


@dataclass(frozen=True)
class Rule:
    method: str
    path: str  # service-local template, e.g. "/referrals/{referral_id}/accept"
    roles: frozenset[Role]
    # Media types of a file upload this route takes (the large body cap applies only to these); () for none.
    uploads: tuple[str, ...] = ()
    pattern: re.Pattern = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        regex = "^" + re.sub(r"\{[^/]+\}", "[^/]+", self.path.rstrip("/")) + "/?$"
        object.__setattr__(self, "pattern", re.compile(regex))
        object.__setattr__(self, "roles", frozenset(self.roles))

    def matches(self, method: str, path: str) -> bool:
        return self.method == method and bool(self.pattern.match(path))


def rule(method: str, path: str, *roles: Role, uploads: tuple[str, ...] = ()) -> Rule:
    return Rule(method, path, frozenset(roles), uploads)


FILE_UPLOAD = ("multipart/form-data",)


ALL_ROLES = tuple(Role)


class RoutePolicy:
    def __init__(self, rules: list[Rule]) -> None:
        self.rules = rules

    def find(self, method: str, path: str) -> tuple[bool, Rule | None]:
        """(path known for some method, the rule for this method or None)."""
        known = False
        for r in self.rules:
            if r.pattern.match(path):
                known = True
                if r.method == method:
                    return True, r
        return known, None

    def methods(self, path: str) -> list[str]:
        """The methods listed for a path (the `Allow` of a 405)."""
        return sorted({r.method for r in self.rules if r.pattern.match(path)})


def upload_types(policies: dict[str, RoutePolicy]):  # noqa: ANN201
    """The body-cap rule of the gateway: (method, public path) -> the upload media types of its route, if any."""

    def find(method: str, path: str) -> tuple[str, ...] | None:
        service, _, rest = path.lstrip("/").partition("/")
        policy = policies.get(service)
        if policy is None:
            return None
        _, matched = policy.find(method, "/" + rest)
        return matched.uploads if matched is not None and matched.uploads else None

    return find
