"""Booked care in the simulated county (预约诊疗): the county hospitals' desks publish the places they keep for
referrals, and the accepting clerk books one, as the desks would with the platform.

Each county hospital publishes, for every department the year's upward referrals go to (the pairings of the
scenario: a township's paired hospital, the MCH hospital for its specialties, a redirect's hospital), a weekly
template over the next two weeks: outpatient places in two bands a day and beds kept for referrals. The places are
sized to the department's share of the year's referrals (all of which the simulator accepts now, onto the next
days), so the simulated accepts book places rather than meet full days; when a day is full (or two clerks race
for its last place) the clerk takes the department's next free slot.
"""
from __future__ import annotations

import math
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

from .client import Gateway, SimulationError
from .county import Account, clerk_of
from .scenario_referrals import Upward

WEEKS = 2  # published ahead (short: make run's demo waits for it); accepts take the next free slots from tomorrow
BANDS = (("08:00", "12:00", 2), ("14:00", "17:00", 1))  # share of a day's outpatient places per band
MIN_PLACES = {"outpatient": 3, "bed": 2}  # a department's places a day at the least
CHOOSE_ATTEMPTS = 3  # a place taken by another clerk between reading the slots and accepting: read again


def kind_of(up: Upward) -> str:
    """Urgent and emergency patients are admitted (a bed); routine ones get an outpatient appointment."""
    return "outpatient" if up.urgency == "routine" else "bed"


def demand(upward: list[Upward]) -> Counter[tuple[str, str, str]]:
    """Accepted referrals per (hospital, department, kind): every one not cancelled or rejected."""
    need: Counter[tuple[str, str, str]] = Counter()
    for up in upward:
        if up.outcome in ("cancelled", "rejected"):
            continue
        need[up.redirect_to or up.to_org, up.specialty, kind_of(up)] += 1
    return need


def publish(gw: Gateway, accounts: list[Account], upward: list[Upward], today: date, workers: int = 6) -> int:
    """Each hospital desk applies its weekly templates (several desks at once); returns the places published. A
    department that already has more places booked than the template offers (a second simulated year on the same
    stack) keeps what it has: the refusal (409) is the platform's answer to lowering capacity under bookings."""
    days = WEEKS * 7

    def apply(item: tuple[tuple[str, str, str], int]) -> int:
        (hospital, specialty, kind), n = item
        per_day = max(MIN_PLACES[kind], math.ceil(2 * n / days))  # room for twice the share: races, bursts
        if kind == "bed":
            week = [{"weekday": d, "count": per_day} for d in range(1, 8)]
        else:
            week = [{"weekday": d, "start": a, "end": b, "count": max(1, per_day * share // 3)}
                    for d in range(1, 8) for a, b, share in BANDS]
        r = gw.call(clerk_of(accounts, hospital), "POST", "/referral/capacity/templates/apply", ok=(200, 409), json={
            "specialty": specialty, "kind": kind, "week": week, "date_from": today.isoformat(),
            "date_to": (today + timedelta(days=days - 1)).isoformat()})
        return r.json()["places"] if r.status_code == 200 else 0

    with ThreadPoolExecutor(workers) as pool:
        return sum(pool.map(apply, sorted(demand(upward).items())))


def accept_booking(gw: Gateway, clerk: str, rid: str, hospital: str, up: Upward, today: date,
                   answer: dict) -> dict:
    """Accept `rid` with the desk's usual answer (tomorrow 09:00, or a bed): the platform books that day's place.
    A full day (409, rule capacity) sends the clerk to the department's slots for the first free one: outpatient
    from tomorrow, a bed from today. Without published capacity the free-text answer stands (the platform keeps
    it)."""
    kind = kind_of(up)
    first = today + timedelta(days=1 if kind == "outpatient" else 0)
    body = answer
    for _ in range(CHOOSE_ATTEMPTS):
        r = gw.call(clerk, "POST", f"/referral/referrals/{rid}/accept", ok=(200, 409), json=body)
        if r.status_code == 200:
            return r.json()
        if r.json().get("error", {}).get("details", {}).get("rule") != "capacity":
            break
        slots = gw.call(clerk, "GET", "/referral/capacity/slots", params={
            "org_id": hospital, "specialty": up.specialty, "kind": kind, "date_from": first.isoformat(),
            "date_to": (first + timedelta(days=WEEKS * 7 - 1)).isoformat()}).json()["items"]
        free = next((s for s in slots if s["free"] > 0), None)
        if free is None:
            break
        body = {k: v for k, v in answer.items() if k != "appointment_at"} | {"slot_id": free["slot_id"]}
    raise SimulationError(f"{clerk} could not book a place for {rid}: {r.status_code} {r.text[:300]}")
