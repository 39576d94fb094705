"""Money arithmetic in integer fen: basis-point shares and exact allocation.

Rounding rule (documented in docs/payment.md): a basis-point share of an amount is rounded
ROUND_HALF_UP (half a fen away from zero); splitting an amount into parts uses the largest-
remainder method so the parts always add up to the whole, never a fen lost or invented.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Sequence

from platform_common.errors import InvalidInput

BP = 10_000  # basis points in one whole (100%)


def apply_bp(amount_fen: int, bp: int) -> int:
    """`amount_fen × bp / 10000`, rounded half up (away from zero)."""
    return int((Decimal(amount_fen) * bp / BP).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def allocate(total_fen: int, weights: Sequence[int]) -> list[int]:
    """Split `total_fen` in proportion to non-negative integer weights; parts sum to the total.

    Largest remainder: each part gets the floor of its exact share, then the fen left over go
    one each to the largest fractional remainders (ties: the earlier weight first, so the
    result is deterministic for a deterministic order of weights).
    """
    if any(w < 0 for w in weights):
        raise InvalidInput("weights must be non-negative", field="weights")
    weight_sum = sum(weights)
    if weight_sum == 0:
        raise InvalidInput("at least one weight must be positive", field="weights")
    sign = -1 if total_fen < 0 else 1
    magnitude = abs(total_fen)
    floors = [magnitude * w // weight_sum for w in weights]
    remainders = [magnitude * w % weight_sum for w in weights]
    left = magnitude - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:left]:
        floors[i] += 1
    return [sign * part for part in floors]
