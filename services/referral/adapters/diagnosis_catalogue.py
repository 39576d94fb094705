"""The ICD-10 catalogue shipped with the service (icd10_zh.csv): the diagnoses referral desks use most,
with the Chinese names of the national clinical version. A code outside it can still be typed: the API
checks the code's shape, not its presence here."""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from ..domain.diagnoses import Diagnosis

CATALOGUE = Path(__file__).with_name("icd10_zh.csv")


@lru_cache(maxsize=1)
def catalogue() -> tuple[Diagnosis, ...]:
    with CATALOGUE.open(encoding="utf-8", newline="") as f:
        return tuple(Diagnosis(row["code"].strip(), row["name"].strip()) for row in csv.DictReader(f))
