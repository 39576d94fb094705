"""The family-doctor contract roster (家庭医生签约): the base of primary-care capitation.

One contract: a resident (by keyed hash only), the primary unit and its family-doctor team, a service
package, the key groups (重点人群) the resident belongs to, and start and end dates (end inclusive, or open).

A resident holds one contract at a time: contracts of one resident may not overlap. A transfer between units
ends the contract the day before the new one starts.

**Active in a month** (月初在约): a contract counts for a month when it is in force on the month's first day
(started on or before it, not ended before it). With no overlap, a resident therefore counts for at most one
contract, at one unit, in any month: a transfer on 15 March leaves March to the old unit and April to the new.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from enum import StrEnum
from typing import NamedTuple

from platform_common.identity import NationalIdChecker, resident_keyer

from .claims import RowError


class KeyGroup(StrEnum):
    """重点人群 of family-doctor contracting; the flag bit of each is its position here (stored as a bitmask)."""

    ELDERLY = "elderly"                      # 65 岁及以上老年人
    HYPERTENSION = "hypertension"            # 高血压患者
    DIABETES = "diabetes"                    # 2 型糖尿病患者
    PREGNANT = "pregnant"                    # 孕产妇
    CHILDREN = "children"                    # 0–6 岁儿童
    DISABLED = "disabled"                    # 残疾人
    SEVERE_MENTAL = "severe_mental"          # 严重精神障碍患者
    TUBERCULOSIS = "tuberculosis"            # 肺结核患者
    POVERTY_RELIEF = "poverty_relief"        # 脱贫人口
    FAMILY_PLANNING = "family_planning"      # 计划生育特殊家庭


BIT = {g: 1 << i for i, g in enumerate(KeyGroup)}
ALL_GROUPS = (1 << len(KeyGroup)) - 1
ROSTER_COLUMNS = ("national_id", "org_id", "team", "package", "key_groups", "start_date", "end_date")
_SEPARATORS = re.compile(r"[;|、,，\s]+")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
# teams and packages are named as the township names them (家医一队, 基础包): letters of any script, digits, - _ . ·
_CODE = re.compile(r"^\w[\w.\-·]{0,39}$")


def flags_of(groups: list[KeyGroup] | tuple[KeyGroup, ...]) -> int:
    flags = 0
    for g in groups:
        flags |= BIT[g]
    return flags


def groups_of(flags: int) -> list[KeyGroup]:
    return [g for g in KeyGroup if flags & BIT[g]]


def first_day(month: str) -> date:
    return date(int(month[:4]), int(month[5:7]), 1)


def active_on(start: date, end: date | None, day: date) -> bool:
    return start <= day and (end is None or end >= day)


def active_in_month(start: date, end: date | None, month: str) -> bool:
    """月初在约: in force on the month's first day."""
    return active_on(start, end, first_day(month))


def overlaps(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    return (a_end is None or b_start <= a_end) and (b_end is None or a_start <= b_end)


def day_before(day: date) -> date:
    return day - timedelta(days=1)


class ContractRow(NamedTuple):
    resident_key: str
    resident_masked: str
    org_id: str
    team: str
    package: str
    key_groups: int
    start_date: date
    end_date: date | None


def parse_key_groups(text: str) -> int:
    flags = 0
    for code in _SEPARATORS.split(text.strip()):
        if not code:
            continue
        group = _GROUPS.get(code.lower())
        if group is None:
            raise RowError("key_groups", f"{code!r} is not a key group (one of {', '.join(_GROUPS)})")
        flags |= BIT[group]
    return flags


_GROUPS = {g.value: g for g in KeyGroup}


def parse_day(text: str, field: str) -> date:
    if not _DATE.match(text):
        raise RowError(field, "missing" if not text else "an ISO date YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise RowError(field, f"{text} is not a real date") from None


def parse_code(text: str, field: str) -> str:
    if not _CODE.match(text):
        raise RowError(field, "missing" if not text else "1–40 letters, digits, '-', '_', '.', '·'")
    return text


class ContractRowParser:
    """Validates roster rows in ROSTER_COLUMNS order, fast enough for a million rows: the national ID is checked
    and replaced by its keyed hash at once; dates, key-group lists, teams and packages are parsed once per
    distinct text (a roster holds few of each)."""

    def __init__(self, units: set[str], packages: set[str], secret: str, today: date) -> None:
        self.units, self.packages, self.today = units, packages, today
        self._key = resident_keyer(secret)
        self._ids = NationalIdChecker()
        # per-column caches, text as found in the file -> parsed value (no tuple key to build per row)
        self._starts: dict[str, date] = {}
        self._ends: dict[str, date | None] = {}
        self._teams: dict[str, str] = {}
        self._packages: dict[str, str] = {}
        self._groups: dict[str, int] = {}

    @staticmethod
    def _cached(cache: dict, text: str, parse):  # noqa: ANN001, ANN205
        value = cache[text] = parse(text.strip())
        return value

    def parse(self, values: list[str]) -> ContractRow:
        return ContractRow._make(self.fields(values))

    def fields(self, values: list[str]) -> tuple:
        """`parse` as a plain tuple in ContractRow's order: a bulk import builds its own row from it, and a
        million NamedTuples cost about 0.4 s more to make."""
        if len(values) != len(ROSTER_COLUMNS):
            raise RowError("row", f"expected {len(ROSTER_COLUMNS)} columns, found {len(values)}")
        raw_id, org_id, team, package, groups, start, end = values
        nid = raw_id.strip().upper()
        problem = self._ids.problem(nid)
        if problem:
            raise RowError("national_id", problem)
        if org_id not in self.units:
            org_id = org_id.strip()
            if org_id not in self.units:
                raise RowError("org_id", "missing" if not org_id else "not a primary unit (township centre or "
                                                                       "village clinic) you may keep a roster for")
        code = self._packages.get(package)
        package = code if code is not None else self._cached(self._packages, package,
                                                              lambda t: parse_code(t, "package"))
        if package not in self.packages:
            raise RowError("package", f"not a service package of the policy (one of {', '.join(sorted(self.packages))})")
        flags = self._groups.get(groups)
        if flags is None:
            flags = self._groups[groups] = parse_key_groups(groups)
        start_day = self._starts.get(start)
        if start_day is None:
            start_day = self._cached(self._starts, start, lambda t: parse_day(t, "start_date"))
        if end in self._ends:
            end_day = self._ends[end]
        else:
            end_day = self._cached(self._ends, end, lambda t: parse_day(t, "end_date") if t else None)
        if end_day is not None and end_day < start_day:
            raise RowError("end_date", "is before the start date")
        team_code = self._teams.get(team)
        if team_code is None:
            team_code = self._cached(self._teams, team, lambda t: parse_code(t, "team"))
        return (self._key(nid), nid[:6] + "********" + nid[-4:], org_id, team_code, package, flags, start_day,
                end_day)
