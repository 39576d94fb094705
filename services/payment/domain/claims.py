"""Claims against the outpatient bundle, and the validation of one claim row (API or CSV)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class ClaimKind(StrEnum):
    MEMBER_OUTPATIENT = "member_outpatient"            # 医共体成员单位门诊
    OUT_OF_COUNTY_REFERRAL = "out_of_county_referral"  # 转外就医
    OUT_OF_AREA = "out_of_area"                        # 异地就医


CLAIM_NO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,63}$")
CSV_COLUMNS = ("claim_no", "kind", "org_id", "amount_fen", "service_date")
_KINDS = {k.value: k for k in ClaimKind}


class RowError(ValueError):
    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field_name
        self.reason = reason


@dataclass(frozen=True)
class ClaimInput:
    claim_no: str
    kind: ClaimKind
    org_id: str
    amount_fen: int
    service_date: date


def parse_claim_no(text: str) -> str:
    text = (text or "").strip()
    if not CLAIM_NO.match(text):
        raise RowError("claim_no", "1–64 letters, digits, '-', '_', '.', '/'")
    return text


def parse_amount(text: str, max_fen: int) -> int:
    text = (text or "").strip()
    if not text.isdigit():
        raise RowError("amount_fen", "a whole number of fen (no decimals, no sign)")
    amount = int(text)
    if amount <= 0:
        raise RowError("amount_fen", "must be greater than 0")
    if amount > max_fen:
        raise RowError("amount_fen", f"exceeds the per-claim maximum of {max_fen} fen")
    return amount


def parse_date(text: str, today: date) -> date:
    try:
        day = date.fromisoformat((text or "").strip())
    except ValueError:
        raise RowError("service_date", "an ISO date YYYY-MM-DD") from None
    if day > today:
        raise RowError("service_date", "lies in the future")
    return day


def parse_kind(text: str) -> ClaimKind:
    kind = _KINDS.get((text or "").strip())
    if kind is None:
        raise RowError("kind", f"one of {', '.join(_KINDS)}")
    return kind


def parse_claim_row(values: list[str], unit_consortium: dict[str, str], today: date, max_fen: int) -> ClaimInput:
    """One CSV row in CSV_COLUMNS order; `unit_consortium` maps the member units the caller may
    record claims for to their consortium."""
    if len(values) != len(CSV_COLUMNS):
        raise RowError("row", f"expected {len(CSV_COLUMNS)} columns, found {len(values)}")
    claim_no, kind, org_id, amount, service_date = values
    org_id = org_id.strip()
    if org_id not in unit_consortium:
        raise RowError("org_id", "not a member unit you may record claims for")
    return ClaimInput(parse_claim_no(claim_no), parse_kind(kind), org_id, parse_amount(amount, max_fen),
                      parse_date(service_date, today))
