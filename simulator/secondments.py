"""Seconded staff in the simulated county (县管乡用): the requests the township managers make over the year (pure),
and each one played through the gateway: the manager asks, the lead hospital's HR office approves with the first
candidates or rejects, and a posting that starts today is marked arrived."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from . import clinical as c
from .client import Gateway
from .county import Account, Org, manager_of
from .draws import seeded
from .referrals import county_today

if TYPE_CHECKING:
    from .driver import RunTally
    from .scenario import Scale

LEAD_HR = "peoples.hr"


@dataclass(frozen=True)
class Secondment:
    org_id: str
    specialty: str
    title_level: str
    headcount: int
    start_offset_days: int  # from the day the simulation runs: the platform refuses backdated postings
    days: int
    approve: bool


def plan(sc: Scale, seed: int, orgs: list[Org]) -> list[Secondment]:
    rng = seeded(seed, "secondments")
    townships = [o for o in orgs if o.kind == "township_centre"]
    out = []
    for i in range(sc.secondments):
        org = townships[i % len(townships)]
        out.append(Secondment(org.org_id, rng.choice(c.SECONDMENT_SPECIALTIES), rng.choice(["junior", "intermediate"]),
                              1, 0 if i % 3 == 0 else rng.randint(7, 60), rng.choice([90, 120, 180]),
                              approve=rng.random() < 0.8))
    return out


def play(gw: Gateway, accounts: list[Account], s: Secondment, tally: RunTally) -> None:
    """One request played through the gateway, counted in `tally`."""
    today = county_today()
    start = today + timedelta(days=s.start_offset_days)
    r = gw.call(manager_of(accounts, s.org_id), "POST", "/staffing/secondments", json={
        "org_id": s.org_id, "specialty": s.specialty, "title_level": s.title_level, "headcount": s.headcount,
        "start_date": start.isoformat(), "end_date": (start + timedelta(days=s.days)).isoformat(),
        "reason": "门诊量季节性上升，申请县级医院专科医师下沉"}).json()
    rid = r["request_id"]
    tally.secondments["requested"] += 1
    if not s.approve:
        gw.call(LEAD_HR, "POST", f"/staffing/secondments/{rid}/reject", json={"reason": "本期专科人手不足，下期统筹"})
        tally.secondments["rejected"] += 1
        return
    candidates = gw.call(LEAD_HR, "GET", f"/staffing/secondments/{rid}/candidates").json()
    staff_ids = [cand["staff_id"] for cand in candidates[: s.headcount]]
    r = gw.call(LEAD_HR, "POST", f"/staffing/secondments/{rid}/approve",
                json={"reason": "同意下沉支援", "staff_ids": staff_ids}).json()
    tally.secondments["approved"] += 1
    for posting in r.get("postings", []):
        tally.postings += 1
        if s.start_offset_days == 0:
            gw.call(manager_of(accounts, s.org_id), "POST",
                    f"/staffing/postings/{posting['posting_id']}/arrive", json={"arrived_on": today.isoformat()})
            tally.secondments["arrived"] += 1
