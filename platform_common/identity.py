"""Resident identity: the 18-character mainland resident ID (居民身份证号, GB 11643-1999) and its keyed hash.

No service stores the number itself. Each keeps a resident key (an HMAC-SHA256 of the number under a
deployment secret) for counting and matching one resident across records, and at most a masked display
form. Services given the same secret derive the same key for the same resident, so a referral's patient
and a family-doctor contract's resident can be matched without either service holding the number.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .errors import InvalidInput

# The demo deployment's key: a production setting refuses it (see `check_key_secret`).
DEMO_RESIDENT_KEY_SECRET = "demo-patient-key-change-me-0123456789"
KEY_SECRET_MIN_LENGTH = 32
_SHA256_BLOCK = 64

SHAPE_PROBLEM = "national ID must be 17 digits and a check character (digit or X)"
CHECK_PROBLEM = "national ID check character does not match"
BIRTH_PROBLEM = "national ID holds an impossible birth date"
ID_PROBLEMS = (SHAPE_PROBLEM, CHECK_PROBLEM, BIRTH_PROBLEM)

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
# ASCII only: \d would also take full-width digits (a Chinese IME types ５), giving one resident two keys.
_SHAPE = re.compile(r"^\d{17}[\dX]$", re.ASCII)
_LAST = frozenset("0123456789X")


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


def national_id_problem(value: str) -> str | None:
    """Why an upper-cased, stripped number is not a resident ID, or None. No exception: bulk imports
    call it a million times and report the reason per row."""
    if not _SHAPE.match(value):
        return SHAPE_PROBLEM
    if check_char(value[:17]) != value[17]:
        return CHECK_PROBLEM
    try:
        NationalId(value).birth_date
    except ValueError:
        return BIRTH_PROBLEM
    return None


def _partial(digits: str, first_weight: int) -> int:
    return sum(int(d) * w for d, w in zip(digits, _WEIGHTS[first_weight:]))


class NationalIdChecker:
    """`national_id_problem` for bulk imports, about ten times faster: the weighted sum is the sum of three
    parts — region (6 digits), birth date (8), sequence (3) — each computed once per distinct text (a county's
    roster has a few region codes, some tens of thousands of birth dates, a thousand sequences)."""

    def __init__(self) -> None:
        self._region: dict[str, int] = {}
        self._birth: dict[str, int] = {}  # negative (−1 − the part): an impossible date
        self._sequence: dict[str, int] = {}

    def problem(self, value: str) -> str | None:
        # str methods rather than _SHAPE (a third of the time); isascii() keeps full-width digits out, as \d does
        if len(value) != 18 or not value.isascii() or not value[:17].isdigit() or value[17] not in _LAST:
            return SHAPE_PROBLEM
        birth = self._birth.get(value[6:14])
        if birth is None:
            text = value[6:14]
            birth = _partial(text, 6)
            try:
                date(int(text[:4]), int(text[4:6]), int(text[6:]))
            except ValueError:
                birth = -1 - birth
            self._birth[text] = birth
        region = self._region.get(value[:6])
        if region is None:
            region = self._region[value[:6]] = _partial(value[:6], 0)
        sequence = self._sequence.get(value[14:17])
        if sequence is None:
            sequence = self._sequence[value[14:17]] = _partial(value[14:17], 14)
        if _CHECK_CHARS[(region + (birth if birth >= 0 else -1 - birth) + sequence) % 11] != value[17]:
            return CHECK_PROBLEM
        if birth < 0:
            return BIRTH_PROBLEM
        return None


def parse_national_id(raw: str, field: str = "national_id") -> NationalId:
    value = raw.strip().upper()
    problem = national_id_problem(value)
    if problem:
        raise InvalidInput(problem, field=field)
    return NationalId(value)


def resident_key(secret: str, national_id: str) -> str:
    """Keyed hash (hex HMAC-SHA256) of a validated number: stable within a deployment, useless without the key."""
    return hmac.digest(secret.encode(), national_id.encode(), "sha256").hex()


def resident_keyer(secret: str):  # noqa: ANN201
    """`resident_key` for bulk imports: `keyer(number)` is the same hex HMAC-SHA256, about three times faster.
    HMAC is H((K ^ opad) || H((K ^ ipad) || m)); the two keyed first blocks are hashed once here, and each call
    copies their states instead of re-deriving them from the key (RFC 2104's precomputation)."""
    key = secret.encode()
    if len(key) > _SHA256_BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_SHA256_BLOCK, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key)).copy
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key)).copy

    def keyer(national_id: str) -> str:
        digest = inner()
        digest.update(national_id.encode())
        result = outer()
        result.update(digest.digest())
        return result.hexdigest()
    return keyer


def check_key_secret(secret: str, demo_mode: bool, setting: str) -> None:
    """Refuses the demo key outside demo mode, and short keys (a settings validator calls it)."""
    if not demo_mode and secret == DEMO_RESIDENT_KEY_SECRET:
        raise ValueError(f"{setting} is the demo key; set a real key or CONSORTIUM_DEMO_MODE=true")
    if len(secret) < KEY_SECRET_MIN_LENGTH:
        raise ValueError(f"{setting} must be at least {KEY_SECRET_MIN_LENGTH} characters")
