"""Patient identity: the 18-character mainland resident ID (居民身份证号, GB 11643-1999).

The full number is never stored: the service keeps a keyed hash (patient_key, for counting
and matching one patient across referrals) and a masked display form.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from platform_common.errors import InvalidInput

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
# ASCII only: \d would also take full-width digits (a Chinese IME types ５), giving one patient two keys.
_SHAPE = re.compile(r"^\d{17}[\dX]$", re.ASCII)


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"


@dataclass(frozen=True)
class NationalId:
    value: str

    @property
    def masked(self) -> str:
        """Region code and the last four stay readable, as on a hospital wristband: 500237********1234."""
        return self.value[:6] + "*" * 8 + self.value[-4:]

    @property
    def birth_date(self) -> date:
        return date(int(self.value[6:10]), int(self.value[10:12]), int(self.value[12:14]))

    @property
    def sex(self) -> Sex:
        # The 17th digit (sequence code) is odd for men, even for women.
        return Sex.MALE if int(self.value[16]) % 2 else Sex.FEMALE


def check_char(first17: str) -> str:
    return _CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, _WEIGHTS)) % 11]


def parse_national_id(raw: str, field: str = "patient.national_id") -> NationalId:
    value = raw.strip().upper()
    if not _SHAPE.match(value):
        raise InvalidInput("national ID must be 17 digits and a check character (digit or X)", field=field)
    if check_char(value[:17]) != value[17]:
        raise InvalidInput("national ID check character does not match", field=field)
    nid = NationalId(value)
    try:
        nid.birth_date
    except ValueError:
        raise InvalidInput("national ID holds an impossible birth date", field=field) from None
    return nid


def check_patient(nid: NationalId, sex: Sex, birth_date: date, today: date) -> None:
    """The ID encodes sex and birth date; a mismatch means a typo in one of them."""
    if birth_date > today:
        raise InvalidInput("date of birth is in the future", field="patient.date_of_birth")
    if nid.birth_date != birth_date:
        raise InvalidInput("date of birth does not match the national ID", field="patient.date_of_birth")
    if nid.sex != sex:
        raise InvalidInput("sex does not match the national ID", field="patient.sex")


def patient_key(secret: str, nid: NationalId) -> str:
    """Keyed hash: stable within the service, useless to anyone without the key."""
    return hmac.new(secret.encode(), nid.value.encode(), hashlib.sha256).hexdigest()
