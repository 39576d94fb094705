"""Patient identity: the 18-character mainland resident ID (居民身份证号, GB 11643-1999).

The full number is never stored: the service keeps a keyed hash (patient_key, for counting
and matching one patient across referrals) and a masked display form. Parsing and the key are
platform_common.identity, shared with payment's contract roster (same secret, same key).
"""
from __future__ import annotations

from datetime import date

from platform_common.errors import InvalidInput
from platform_common.identity import NationalId, Sex, check_char, resident_key
from platform_common.identity import parse_national_id as _parse

__all__ = ["NationalId", "Sex", "check_char", "check_patient", "parse_national_id", "patient_key"]


def parse_national_id(raw: str, field: str = "patient.national_id") -> NationalId:
    return _parse(raw, field)


def check_patient(nid: NationalId, sex: Sex, birth_date: date, today: date) -> None:
    """The ID encodes sex and birth date; a mismatch means a typo in one of them."""
    if birth_date > today:
        raise InvalidInput("date of birth is in the future", field="patient.date_of_birth")
    if nid.birth_date != birth_date:
        raise InvalidInput("date of birth does not match the national ID", field="patient.date_of_birth")
    if nid.sex != sex:
        raise InvalidInput("sex does not match the national ID", field="patient.sex")


def patient_key(secret: str, nid: NationalId) -> str:
    """Keyed hash: stable within the deployment, useless to anyone without the key (platform_common.identity)."""
    return resident_key(secret, nid.value)
