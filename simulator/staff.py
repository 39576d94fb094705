"""The county's staff pool in the simulation: the people a run hires (pure), and their bulk registration by the
health bureau's HR office within each unit's quota rules, on top of whatever the platform already holds."""
from __future__ import annotations

import random
import time
from collections import Counter
from datetime import date
from typing import TYPE_CHECKING

from . import clinical as c
from .client import Gateway, SimulationError
from .county import HOSPITALS, Org
from .identity import person

if TYPE_CHECKING:
    from .scenario import CountyYear, Scale

HR = "bureau.hr"


def pool(sc: Scale, seed: int, year: int, orgs: list[Org]) -> list[dict]:
    """The people each fund year's run hires. Drawn per seed and year, each identity number once: a run on top of
    an earlier one (`make simulate` after `make run`'s demo, same seed, another year) brings other people."""
    rng = random.Random(f"{seed}:staff:{year}")  # seeded by text, as every part of the scenario
    people: list[dict] = []
    ids: set[str] = set()

    def add(org: Org, specialty: str, title: str, qualification: str) -> None:
        p = person(rng, date(2000, 1, 1), 24, 55)
        while p["national_id"] in ids:
            p = person(rng, date(2000, 1, 1), 24, 55)
        ids.add(p["national_id"])
        people.append({"name": p["name"], "id_number": p["national_id"], "qualification": qualification,
                       "title_level": title, "specialty": specialty, "home_org_id": org.org_id,
                       "start_date": f"{rng.randint(2005, 2022)}-{rng.randint(1, 12):02d}-01"})

    for org, count in zip([o for o in orgs if o.org_id in HOSPITALS], sc.hospital_staff):
        for i in range(count):
            specialty = c.HOSPITAL_SPECIALTIES[i % len(c.HOSPITAL_SPECIALTIES)]
            title = ["senior", "intermediate", "intermediate", "junior", "junior"][i % 5]
            qualification = {"nursing": "nurse", "pharmacy": "pharmacist", "laboratory": "technician",
                             "radiology": "technician"}.get(specialty, "practising_physician")
            add(org, specialty, title, qualification)
    for org in orgs:
        if org.kind != "township_centre":
            continue
        quota = org.service_population // 1000
        fill = max(3, quota * sc.township_fill_pct // 100)
        # Within the rules: seniors ≤ 20%, intermediate ≤ 42%, administrative posts ≤ 10% of the quota.
        seniors, intermediates = quota * 15 // 100, quota * 35 // 100
        admin = max(0, min(fill // 12, quota - -(-quota * 9 // 10)))
        for i in range(fill):
            title = "senior" if i < seniors else "intermediate" if i < seniors + intermediates else "junior"
            if i >= fill - admin:
                add(org, "general_practice", "junior", "administrative")
                continue
            # the first junior is the centre's public-health physician (公共卫生医师: at least one per centre)
            specialty = "public_health" if i == seniors + intermediates else \
                c.TOWNSHIP_SPECIALTIES[i % len(c.TOWNSHIP_SPECIALTIES)]
            qualification = {"nursing": "nurse", "pharmacy": "pharmacist", "laboratory": "technician",
                             "radiology": "technician"}.get(specialty, rng.choice(
                                 ["practising_physician", "practising_physician", "assistant_physician"]))
            add(org, specialty, title, qualification)
    return people


def register(gw: Gateway, cy: CountyYear) -> int:
    """Top up each unit within its quota rules (a run on top of an earlier one adds only what fits).

    The people start years ago, and a posting is checked on its start day: a senior exempt from the cap
    today (near retirement, long township service) was not exempt then, so the room is counted on every
    senior and intermediate title the unit holds, not on today's counted ones."""
    room: dict[str, Counter] = {}
    for org_id, u in quota_report(gw, cy).items():
        if u.get("quota") is None:
            continue
        room[org_id] = Counter({
            "posts": u["quota"] - u["filled"],
            "senior": u["senior"]["limit"] - u["seniors_total"],
            "intermediate": u["intermediate"]["limit"] - u["intermediates_total"],
            "admin": u["quota"] - u["professional"]["limit"] - (u["filled"] - u["professional"]["count"])})
    people = []
    for p in cy.staff:
        r = room.get(p["home_org_id"])
        if r is not None:
            needs = ["posts"] + ([p["title_level"]] if p["title_level"] != "junior" else []) + \
                (["admin"] if p["qualification"] in ("administrative", "support") else [])
            if any(r[k] <= 0 for k in needs):
                continue
            for k in needs:
                r[k] -= 1
        people.append(p)
    return sum(register_batch(gw, people[i:i + 500]) for i in range(0, len(people), 500))


def quota_report(gw: Gateway, cy: CountyYear, timeout: float = 60) -> dict[str, dict]:
    """Staffing's quota report once it holds the populations this run registered: a unit registered again
    with another population reaches staffing after its count did (`wait_directories` counts units)."""
    expected = {o.org_id: o.service_population for o in cy.orgs
                if not o.demo and o.kind == "township_centre"}
    deadline = time.monotonic() + timeout
    while True:
        report = {u["org_id"]: u for u in gw.call(HR, "GET", "/staffing/quota-report").json()}
        stale = [k for k, v in expected.items() if report.get(k, {}).get("service_population") != v]
        if not stale:
            return report
        if time.monotonic() > deadline:
            raise SimulationError(f"staffing does not hold the registered populations of {stale}")
        time.sleep(0.3)


def register_batch(gw: Gateway, people: list[dict]) -> int:
    """POST /staff/bulk is all or nothing: a person the pool already holds (an earlier run's) is left out
    and the rest sent again. Any other refusal stops the run."""
    while people:
        r = gw.call(HR, "POST", "/staffing/staff/bulk", ok=(201, 409), json={"staff": people})
        if r.status_code == 201:
            return len(r.json())
        details = r.json()["error"].get("details") or {}
        if details.get("state") != "registered":
            raise SimulationError(f"{HR} POST /staffing/staff/bulk: 409 {r.text[:300]}")
        people = people[:details["index"]] + people[details["index"] + 1:]
    return 0
