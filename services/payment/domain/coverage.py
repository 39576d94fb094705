"""Family-doctor contract coverage (签约覆盖率) per unit and key group, against the policy's target.

coverage = residents under contract on the day / the population of the group, in basis points rounded half up.
A group without a known population has no coverage (null, with the reason), never a made-up denominator. The
rows are one per key group, plus `any_key_group` (residents in at least one key group, each counted once) and
`all_residents`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from .money import BP

ALL_RESIDENTS = "all_residents"
ANY_KEY_GROUP = "any_key_group"


@dataclass(frozen=True)
class Population:
    people: int
    source: str  # census (uploaded per unit) | registry (the unit's service population)


@dataclass(frozen=True)
class CoverageLine:
    org_id: str
    group: str
    contracted: int
    population: int | None
    population_source: str | None
    coverage_bp: int | None
    target_bp: int
    meets_target: bool | None
    shortfall: int | None  # more contracts needed to reach the target (0 when met)


def ratio_bp(part: int, whole: int) -> int:
    """part / whole in basis points, rounded half up (whole > 0)."""
    return (2 * part * BP + whole) // (2 * whole)


def needed_for(target_bp: int, population: int) -> int:
    """The fewest contracts whose coverage, rounded as `ratio_bp` rounds it, reaches the target."""
    need = (target_bp * population) // BP
    while need > 0 and ratio_bp(need - 1, population) >= target_bp:
        need -= 1
    while ratio_bp(need, population) < target_bp:
        need += 1
    return need


def coverage_line(org_id: str, group: str, contracted: int, population: Population | None,
                  target_bp: int) -> CoverageLine:
    if population is None or population.people <= 0:
        return CoverageLine(org_id, group, contracted, None if population is None else population.people,
                            None if population is None else population.source, None, target_bp, None, None)
    bp = ratio_bp(contracted, population.people)
    return CoverageLine(org_id, group, contracted, population.people, population.source, bp, target_bp,
                        bp >= target_bp, max(0, needed_for(target_bp, population.people) - contracted))


def coverage_report(org_ids: list[str], groups: list[str], contracted: Mapping[tuple[str, str], int],
                    populations: Mapping[tuple[str, str], Population], target_bp: int) -> list[CoverageLine]:
    """One line per unit and group (`groups` in display order); unknown counts are 0 contracts."""
    return [coverage_line(o, g, contracted.get((o, g), 0), populations.get((o, g)), target_bp)
            for o in org_ids for g in groups]
