"""Vocabulary of the county-managed staff pool (县管乡用): qualifications, titles, postings, periods."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Iterable, Protocol, TypeVar


class Qualification(StrEnum):
    PRACTISING_PHYSICIAN = "practising_physician"  # 执业医师
    ASSISTANT_PHYSICIAN = "assistant_physician"    # 执业助理医师
    NURSE = "nurse"
    PHARMACIST = "pharmacist"
    TECHNICIAN = "technician"                      # 医技
    ADMINISTRATIVE = "administrative"              # 管理岗: not a professional-technical post
    SUPPORT = "support"                            # 工勤岗: not a professional-technical post
    VILLAGE_DOCTOR = "village_doctor"              # 乡村医生 (certificate, no physician licence)

    @property
    def professional(self) -> bool:
        """Counts towards the professional-technical share (专业技术岗位) of the quota."""
        return self not in (Qualification.ADMINISTRATIVE, Qualification.SUPPORT)

    @property
    def clinical(self) -> bool:
        return self in (Qualification.PRACTISING_PHYSICIAN, Qualification.ASSISTANT_PHYSICIAN)


PHYSICIANS = (Qualification.PRACTISING_PHYSICIAN, Qualification.ASSISTANT_PHYSICIAN)  # 执业（助理）医师


class TitleLevel(StrEnum):
    JUNIOR = "junior"              # 初级
    INTERMEDIATE = "intermediate"  # 中级
    SENIOR = "senior"              # 高级 (副高及以上)

    @property
    def rank(self) -> int:
        return {"junior": 1, "intermediate": 2, "senior": 3}[self.value]


class PostingKind(StrEnum):
    ESTABLISHMENT = "establishment"  # 在编: the unit whose quota the person fills
    SECONDMENT = "secondment"        # 下沉/派驻, on a township's request or a tidal recommendation
    ROTATION_DOWN = "rotation_down"  # 下沉轮岗
    ROTATION_UP = "rotation_up"      # 上挂培养
    VILLAGE = "village"              # 村用: at a village clinic of the township that employs or manages them

    @property
    def temporary(self) -> bool:
        """A secondment or rotation: a spell away from the establishment, ended through /postings."""
        return self in (PostingKind.SECONDMENT, PostingKind.ROTATION_DOWN, PostingKind.ROTATION_UP)


# Movement down (下沉) to a primary unit: what earns the secondment allowance and covers a township's demand
# (上挂 is training at the county).
DOWNWARD_KINDS = (PostingKind.SECONDMENT, PostingKind.ROTATION_DOWN)


class PostingStatus(StrEnum):
    ACTIVE = "active"  # an establishment posting in force
    DISPATCHED = "dispatched"
    ARRIVED = "arrived"
    ENDED = "ended"


class EndReason(StrEnum):
    COMPLETED = "completed"      # a temporary posting, on or after its planned end
    EARLY_END = "early_end"      # a temporary posting, before it
    TRANSFERRED = "transferred"  # an establishment posting closed by a transfer to another unit
    MOVED = "moved"              # a village posting closed by a posting to another clinic
    LEFT = "left"                # a village posting closed with no other (the doctor left the village)

    @property
    def temporary(self) -> bool:
        """How a temporary posting ends (what SecondmentEnded announces); a transfer ends an establishment."""
        return self in (EndReason.COMPLETED, EndReason.EARLY_END)


class PostingSpan(Protocol):
    """What `current_posting` reads of a posting (the stored row has these columns)."""

    kind: str
    status: str
    start_date: date
    end_date: date | None
    ended_on: date | None


P = TypeVar("P", bound=PostingSpan)


def current_posting(postings: Iterable[P], day: date) -> P | None:
    """Where the person is on `day`: a temporary posting in force, else their establishment (在编)."""
    postings = list(postings)
    for p in postings:
        if p.kind != PostingKind.ESTABLISHMENT and p.start_date <= day <= (p.ended_on or p.end_date or date.max):
            return p
    return next((p for p in postings if p.kind == PostingKind.ESTABLISHMENT and p.status != PostingStatus.ENDED),
                None)


@dataclass(frozen=True)
class Period:
    """A closed date range [start, end]; `end=None` means open-ended."""

    start: date
    end: date | None = None

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise ValueError("end before start")

    def overlaps(self, other: "Period") -> bool:
        self_end = self.end or date.max
        other_end = other.end or date.max
        return self.start <= other_end and other.start <= self_end

    def days_within(self, other: "Period") -> int:
        """Number of days the two periods share (0 when disjoint); both must be bounded or clipped."""
        start = max(self.start, other.start)
        end = min(self.end or date.max, other.end or date.max)
        return (end - start).days + 1 if start <= end else 0

    def contains(self, day: date) -> bool:
        return self.start <= day <= (self.end or date.max)


def month_period(year: int, month: int) -> Period:
    first = date(year, month, 1)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return Period(first, nxt - timedelta(days=1))


def birth_date_of(id_number: str, today: date) -> date | None:
    """The date of birth an 18-character resident identity number carries (characters 7-14, YYYYMMDD), or None
    when they are not a real date of birth (before 1900 or after `today`)."""
    try:
        born = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None
    return born if date(1900, 1, 1) <= born <= today else None


def mask_id_number(id_number: str) -> str:
    """Show the first 3 and last 2 characters of an identity number, never the whole of it."""
    if len(id_number) <= 6:
        return "*" * len(id_number)
    return id_number[:3] + "*" * (len(id_number) - 5) + id_number[-2:]
