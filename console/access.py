"""Who may open which page: desks (a role, optionally at some kinds of organisation) and the menu.

Each page is declared once, with the desks that may open it; the same declaration guards its routes and
builds the left-hand menu, so a menu never shows a page that would answer 403, and never hides one that
would not. A later module adds its pages with `register` (the menu keeps the order of registration).
"""
from __future__ import annotations

from dataclasses import dataclass

from .session import User


@dataclass(frozen=True)
class Desk:
    name: str
    role: str
    org_kinds: frozenset[str] = frozenset()  # empty: at any kind of organisation

    def admits(self, user: User | None) -> bool:
        return user is not None and user.role == self.role and (not self.org_kinds or user.org_kind in self.org_kinds)


PRIMARY_KINDS = frozenset({"township_centre", "village_clinic"})
TOWNSHIP_DESK = Desk("乡村转诊", "referral_clerk", PRIMARY_KINDS)
COUNTY_DESK = Desk("县级医院转诊", "referral_clerk", frozenset({"county_hospital"}))
ANALYST = Desk("卫健委分析", "bureau_analyst")
FINANCE = Desk("财务", "finance_officer")
UNIT_MANAGER = Desk("单位负责人", "unit_manager")
INSURANCE = Desk("医保经办", "insurance_officer")
HR = Desk("人事", "hr_officer")
# the health bureau's HR office: registers and moves staff, overrides quota rules, plans rotations
BUREAU_HR = Desk("卫健委人事", "hr_officer", frozenset({"health_bureau"}))
TOWNSHIP_MANAGER = Desk("乡镇卫生院负责人", "unit_manager", frozenset({"township_centre"}))
# a county hospital's manager: publishes its departments' capacity, as the referral service allows
COUNTY_MANAGER = Desk("县级医院负责人", "unit_manager", frozenset({"county_hospital"}))
REFERRAL_DESKS = (TOWNSHIP_DESK, COUNTY_DESK)
DESKS = (TOWNSHIP_DESK, COUNTY_DESK, ANALYST, FINANCE, UNIT_MANAGER, INSURANCE, HR, BUREAU_HR, TOWNSHIP_MANAGER,
         COUNTY_MANAGER)


@dataclass(frozen=True)
class Page:
    path: str
    title: str
    group: str
    desks: tuple[Desk, ...]
    in_menu: bool = True

    def allows(self, user: User | None) -> bool:
        return any(d.admits(user) for d in self.desks)


_PAGES: list[Page] = []


def register(page: Page) -> Page:
    if any(p.path == page.path for p in _PAGES):
        raise ValueError(f"page {page.path} is declared twice")
    _PAGES.append(page)
    return page


def pages() -> list[Page]:
    return list(_PAGES)


def menu_for(user: User | None) -> list[tuple[str, list[Page]]]:
    """[(group heading, [pages])] in the order the pages were registered."""
    groups: dict[str, list[Page]] = {}
    for p in _PAGES:
        if p.in_menu and p.allows(user):
            groups.setdefault(p.group, []).append(p)
    return list(groups.items())
