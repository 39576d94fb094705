"""Diagnosis codes (ICD-10, incl. the national clinical extension like I10.x00x002) and 两慢病."""
from __future__ import annotations

import re
from enum import StrEnum

from platform_common.errors import InvalidInput

# ASCII only: full-width digits would store a code no one can match or report on.
_ICD10 = re.compile(r"^[A-Z]\d{2}(\.[0-9A-Z]{1,8})?$", re.ASCII)


class ChronicCondition(StrEnum):
    """两慢病: the two chronic diseases the consortium manages at primary level."""

    HYPERTENSION = "hypertension"
    DIABETES = "diabetes"


# ICD-10 blocks: I10–I15 hypertensive diseases, E10–E14 diabetes mellitus.
_CHRONIC_BLOCKS = {
    ChronicCondition.HYPERTENSION: ("I", 10, 15),
    ChronicCondition.DIABETES: ("E", 10, 14),
}


def normalise_icd10(raw: str, field: str = "icd10") -> str:
    code = raw.strip().upper()
    if not _ICD10.match(code):
        raise InvalidInput("ICD-10 code must look like I21, I21.4 or I10.X00X002", field=field)
    return code


def chronic_condition_for(icd10: str) -> ChronicCondition | None:
    letter, number = icd10[0], int(icd10[1:3])
    for condition, (block_letter, low, high) in _CHRONIC_BLOCKS.items():
        if letter == block_letter and low <= number <= high:
            return condition
    return None
