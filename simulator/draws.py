"""Seeded draws every part of the county year uses.

Each part draws from its own `random.Random` seeded by text (`"<seed>:<part>"`), which Python hashes with
SHA-512, so a plan does not depend on PYTHONHASHSEED or on the order its parts are generated.
"""
from __future__ import annotations

import calendar
import random
from datetime import date


def seeded(seed: int, part: str) -> random.Random:
    return random.Random(f"{seed}:{part}")


def pick(rng: random.Random, mix: dict[str, int]) -> str:
    return rng.choices(list(mix), list(mix.values()))[0]


def day_in(rng: random.Random, year: int, month: int) -> date:
    return date(year, month, rng.randint(1, calendar.monthrange(year, month)[1]))


def spread(total: int, weights: list[int]) -> list[int]:
    """Largest remainder: integer counts in proportion to `weights`, summing to `total`."""
    raw = [total * w for w in weights]
    counts = [r // sum(weights) for r in raw]
    order = sorted(range(len(weights)), key=lambda i: (-(raw[i] % sum(weights)), i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts
