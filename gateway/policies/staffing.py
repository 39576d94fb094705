"""Which roles may call which route of the staffing service, through the gateway."""
from __future__ import annotations

from gateway.policy import Rule, rule
from platform_common.auth import Role as R

RULES: list[Rule] = [
]
