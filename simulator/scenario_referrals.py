"""The clerks' part of the county year (pure): the upward referrals month by month, the downward referrals the
county hospitals issue when they recommend one, and the out-of-county referrals the township centres file."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from . import clinical as c
from .county import HOSPITALS, Org
from .draws import day_in, pick, seeded, spread
from .identity import person


@dataclass(frozen=True)
class Upward:
    no: int
    month: int
    service_date: date
    from_org: str
    to_org: str
    specialty: str
    urgency: str
    emergency_category: str | None
    icd10: str
    diagnosis: str
    chronic: str | None
    patient: dict
    outcome: str  # completed | rejected | redirected (then completed) | cancelled | accepted (not yet arrived)
    reject_code: str | None = None
    redirect_to: str | None = None
    fund_amount_fen: int = 0
    recommend_downward: bool = False


@dataclass(frozen=True)
class Downward:
    source_no: int
    from_org: str
    to_org: str
    specialty: str
    icd10: str
    diagnosis: str
    chronic: str | None
    patient: dict
    follow_ups: int  # the first is due on the day of issue and recorded then; the rest lie ahead
    outcome: str  # accepted | declined
    override: bool  # a specialty the unit cannot receive: issued with a recorded override


@dataclass(frozen=True)
class OutOfCounty:
    from_org: str
    destination: str
    specialty: str
    icd10: str
    diagnosis: str
    patient: dict
    service_date: date
    fund_amount_fen: int


class ReferralPlan(NamedTuple):
    upward: list[Upward]
    downward: list[Downward]
    out_of_county: list[OutOfCounty]


def plan(seed: int, year: int, orgs: list[Org], upward_referrals: int) -> ReferralPlan:
    rng = seeded(seed, "referrals")
    out = ReferralPlan([], [], [])
    senders = [o for o in orgs if o.kind in ("township_centre", "village_clinic")]
    weights = [o.service_population or 1 for o in senders]
    by_id = {o.org_id: o for o in orgs}
    month_counts = spread(upward_referrals, c.MONTH_WEIGHTS)
    no = 0
    for month, count in enumerate(month_counts, start=1):
        season = "winter" if month in c.WINTER else "summer"
        for _ in range(count):
            no += 1
            sender = rng.choices(senders, weights)[0]
            township = sender if sender.kind == "township_centre" else by_id[sender.parent_org_id]
            urgency = pick(rng, c.URGENCY_MIX)
            category = None
            if urgency == "emergency":
                category = pick(rng, c.EMERGENCY_MIX)
                icd10, diagnosis, specialty = c.EMERGENCY[category]
                chronic = None
            else:
                cond = rng.choices(c.CONDITIONS, [x[4] if season == "winter" else x[5] for x in c.CONDITIONS])[0]
                icd10, diagnosis, specialty, chronic = cond[:4]
            to_org = "county-mch-hospital" if specialty in c.MCH_SPECIALTIES else township.parent_org_id
            day = day_in(rng, year, month)
            patient = person(rng, day, 0 if specialty == "paediatrics" else 18, 3 if specialty == "paediatrics" else 90)
            if category == "critical_maternal" or specialty == "obstetrics":
                patient = _female(rng, day)
            roll = rng.random()
            if urgency == "emergency":
                outcome = "completed" if roll < 0.97 else "redirected"
            else:
                outcome = ("completed" if roll < 0.84 else "rejected" if roll < 0.90 else
                           "redirected" if roll < 0.95 else "cancelled" if roll < 0.98 else "accepted")
            redirect_to = rng.choice([h for h in HOSPITALS if h != to_org]) if outcome == "redirected" else None
            fund = 0
            if outcome in ("completed", "redirected"):
                low, high = (100_000, 1_200_000) if urgency == "emergency" else (20_000, 400_000)
                fund = rng.randint(low, high) if rng.random() < 0.95 else 0
            recommend = outcome in ("completed", "redirected") and (chronic is not None or specialty in (
                "neurology", "orthopaedics", "rehabilitation")) and rng.random() < 0.45
            up = Upward(no, month, day, sender.org_id, to_org, specialty, urgency, category, icd10, diagnosis,
                        chronic, patient, outcome, rng.choice(c.REJECT_CODES) if outcome == "rejected" else None,
                        redirect_to, fund, recommend)
            out.upward.append(up)
            if recommend:
                out.downward.append(_downward(rng, up, redirect_to or to_org))
            if rng.random() < 0.06:
                out.out_of_county.append(OutOfCounty(
                    township.org_id, rng.choice(c.OUT_OF_COUNTY_DESTINATIONS), specialty, icd10, diagnosis,
                    person(rng, day, 18, 85), day_in(rng, year, month), rng.randint(200_000, 3_000_000)))
    return out


def _downward(rng: random.Random, up: Upward, hospital: str) -> Downward:
    # 两慢病 go down to general practice / internal medicine; rehabilitation needs a seconded specialist.
    specialty = "rehabilitation" if up.specialty in ("neurology", "orthopaedics", "rehabilitation") else \
        rng.choice(["general_practice", "internal_medicine"])
    return Downward(up.no, hospital, up.from_org, specialty, up.icd10, up.diagnosis, up.chronic, up.patient,
                    rng.randint(1, 4), "accepted" if rng.random() < 0.92 else "declined",
                    override=specialty == "rehabilitation")


def _female(rng: random.Random, day: date) -> dict:
    while True:
        p = person(rng, day, 20, 42)
        if p["sex"] == "female":
            return p
