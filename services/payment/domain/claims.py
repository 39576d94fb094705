"""Claims against the outpatient bundle, and the validation of one claim row (API or CSV)."""
from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import NamedTuple

from platform_common.errors import InvalidInput


class ClaimKind(StrEnum):
    MEMBER_OUTPATIENT = "member_outpatient"            # 医共体成员单位门诊
    OUT_OF_COUNTY_REFERRAL = "out_of_county_referral"  # 转外就医
    OUT_OF_AREA = "out_of_area"                        # 异地就医


CLAIM_NO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,63}$")
CSV_COLUMNS = ("claim_no", "kind", "org_id", "amount_fen", "service_date")
# the insurance office's files may add the main diagnosis (主诊断, ICD-10) as a sixth column
DIAGNOSIS_COLUMN = "diagnosis_code"
_KINDS = {k.value: k for k in ClaimKind}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class RowError(InvalidInput):
    """A claim row (API body, CSV line) that cannot be recorded: the field and why."""

    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(reason, field=field_name)
        self.reason = reason


class ClaimInput(NamedTuple):
    claim_no: str
    kind: ClaimKind
    org_id: str
    amount_fen: int
    service_date: date
    diagnosis_code: str | None = None  # 主诊断 (ICD-10), when the file or request carries it


# 主诊断: a category (letter, two digits) and an optional subdivision after a dot: I10, E11.9, E11.900
_ICD10 = re.compile(r"^[A-Z]\d{2}(\.[0-9A-Z]{1,4})?$", re.ASCII)


def parse_diagnosis(text: str | None) -> str | None:
    """An ICD-10 code, upper-cased; None for an empty cell (the column is optional)."""
    code = (text or "").strip().upper()
    if not code:
        return None
    if not _ICD10.match(code):
        raise RowError("diagnosis_code", "an ICD-10 code such as I10 or E11.9")
    return code


def parse_claim_no(text: str) -> str:
    text = (text or "").strip()
    if not CLAIM_NO.match(text):
        raise RowError("claim_no", "missing" if not text else "1–64 letters, digits, '-', '_', '.', '/'")
    return text


def parse_amount(text: str, max_fen: int) -> int:
    text = (text or "").strip()
    if not text.isdigit():
        raise RowError("amount_fen", "missing" if not text else "a whole number of fen (no decimals, no sign)")
    amount = int(text)
    if amount <= 0:
        raise RowError("amount_fen", "must be greater than 0")
    if amount > max_fen:
        raise RowError("amount_fen", f"exceeds the per-claim maximum of {max_fen} fen")
    return amount


def parse_date(text: str, today: date) -> date:
    text = (text or "").strip()
    if not _DATE.match(text):
        raise RowError("service_date", "missing" if not text else "an ISO date YYYY-MM-DD")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise RowError("service_date", f"{text} is not a real date") from None
    if day > today:
        raise RowError("service_date", "lies in the future")
    return day


def parse_kind(text: str) -> ClaimKind:
    kind = _KINDS.get((text or "").strip())
    if kind is None:
        raise RowError("kind", "missing" if not (text or "").strip() else f"one of {', '.join(_KINDS)}")
    return kind


class ClaimRowParser:
    """Validates CSV rows in CSV_COLUMNS order, fast enough for files of a million rows.

    `unit_consortium` maps the member units the caller may record claims for to their
    consortium. A file holds few distinct service dates, so each date text is parsed once.
    """

    def __init__(self, unit_consortium: dict[str, str], today: date, max_fen: int,
                 with_diagnosis: bool = False) -> None:
        self.units = unit_consortium
        self.columns = (*CSV_COLUMNS, DIAGNOSIS_COLUMN) if with_diagnosis else CSV_COLUMNS
        self.with_diagnosis = with_diagnosis
        self.today = today
        self.max_fen = max_fen
        self._dates: dict[str, date] = {}

    def parse(self, values: list[str]) -> ClaimInput:
        columns = self.columns
        if len(values) != len(columns):
            raise RowError("row", f"expected {len(columns)} columns, found {len(values)}")
        claim_no, kind, org_id, amount, service_date = values[:5]
        if org_id not in self.units:
            org_id = org_id.strip()
            if not org_id:
                raise RowError("org_id", "missing")
            if org_id not in self.units:
                raise RowError("org_id", "not a member unit you may record claims for")
        day = self._dates.get(service_date)
        if day is None:
            day = self._dates[service_date] = parse_date(service_date, self.today)
        diagnosis = parse_diagnosis(values[5]) if self.with_diagnosis and values[5] else None
        return ClaimInput(parse_claim_no(claim_no), parse_kind(kind), org_id, parse_amount(amount, self.max_fen), day,
                          diagnosis)


def parse_claim_row(values: list[str], unit_consortium: dict[str, str], today: date, max_fen: int) -> ClaimInput:
    return ClaimRowParser(unit_consortium, today, max_fen).parse(values)
