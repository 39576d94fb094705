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
    pattern: re.Pattern = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        regex = "^" + re.sub(r"\{[^/]+\}", "[^/]+", self.path.rstrip("/")) + "/?$"
        object.__setattr__(self, "pattern", re.compile(regex))
        object.__setattr__(self, "roles", frozenset(self.roles))

    def matches(self, method: str, path: str) -> bool:
        return self.method == method and bool(self.pattern.match(path))


def rule(method: str, path: str, *roles: Role) -> Rule:
    return Rule(method, path, frozenset(roles))


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
