"""The main diagnosis (主诊断) a claim from the insurance office carries, as an ICD-10 code, and the two chronic
conditions (两慢病) the appraisal follows: hypertension (高血压, I10–I15) and diabetes (糖尿病, E10–E14).

两慢病患者基层门诊就诊率 (the chronic patients' primary-care visit rate): of the claims whose main diagnosis is one of
the two conditions, the share settled at township centres and village clinics. A claim without a diagnosis is
not counted either side.
"""
from __future__ import annotations

from enum import StrEnum
from typing import Iterable, NamedTuple


class ChronicCondition(StrEnum):
    HYPERTENSION = "hypertension"  # 高血压 I10–I15
    DIABETES = "diabetes"          # 糖尿病 E10–E14


_RANGES = {ChronicCondition.HYPERTENSION: ("I10", "I15"), ChronicCondition.DIABETES: ("E10", "E14")}


def chronic_condition(code: str | None) -> ChronicCondition | None:
    """Which of the two conditions a main diagnosis is, by its category (the code's first three characters)."""
    if not code:
        return None
    category = code[:3]
    for condition, (low, high) in _RANGES.items():
        if low <= category <= high:
            return condition
    return None


class ChronicVisits(NamedTuple):
    """One month's chronic claims: at primary units, and all of them."""

    month: str
    at_primary: int
    total: int


def chronic_visits(month: str, claims: Iterable[tuple[str | None, bool, int]]) -> ChronicVisits:
    """(diagnosis, settled at a primary unit, claims) rows of a month → its chronic claims at primary units and all."""
    at_primary = total = 0
    for code, primary, n in claims:
        if chronic_condition(code) is not None:
            total += n
            if primary:
                at_primary += n
    return ChronicVisits(month, at_primary, total)
