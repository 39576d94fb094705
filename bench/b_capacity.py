"""Bench 8: free capacity of a county hospital with 42 department lines × 90 days of slots, as a township clerk
asks for it, through the referral service's own HTTP app in-process (token check, route, service layer, SQL,
response model, JSON; no gateway, no network) on a temporary SQLite file.

The hospital: the 20 specialties each with outpatient slots (two bands a day) and beds kept for referrals (the
day), and radiology's CT and MRI (four bands a day): 42 lines (the issue's 40 and more), 90 days from today,
6,120 slots, published with the weekly template (`apply_template`, what POST /capacity/templates/apply runs).
The two other county hospitals publish the same, so the hospital's rows sit among others as in a real
consortium (18,360 slots).

Queries, one at a time after warm-up: the week view of the whole hospital (`GET /capacity`, 42 lines × 7 days),
one department over the 90 days slot by slot (`GET /capacity/slots?specialty=cardiology`), and the whole hospital
over the 90 days (`GET /capacity`: one grouped query, 3,780 day cells answered as 42 lines of day-aligned lists).
Baseline: the same GROUP BY in raw sqlite3 on the same file. The load average before and after is recorded: the
wall times include waiting for a core when other work runs, the CPU times do not.
"""
from __future__ import annotations

import os
import sqlite3
import time
from datetime import datetime, time as clock_time, timedelta, timezone
from pathlib import Path

from gateway.demo import ORGANISATIONS
from platform_common.auth import OrgKind, Principal, Role, issue_token
from platform_common.contracts import OrganisationRegistered, Specialty
from platform_common.migrate import upgrade
from platform_common.org_directory import OrgDirectory
from platform_common.settings import DEMO_JWT_SECRET

HOSPITAL = "county-peoples-hospital"
DAYS = 90
RAW = ("SELECT org_id, day, specialty, kind, exam_type, count(*), sum(capacity), sum(booked), "
       "sum(CASE WHEN capacity > booked THEN capacity - booked ELSE 0 END), sum(overflow) FROM capacity_slots "
       "WHERE day >= ? AND day <= ? AND org_id = ? "
       "GROUP BY org_id, day, specialty, kind, exam_type ORDER BY org_id, day, specialty, kind, exam_type")


def _app(db: Path):  # noqa: ANN202
    os.environ.setdefault("CONSORTIUM_DEMO_MODE", "true")  # a throwaway database: the demo secret is fine
    os.environ.setdefault("CONSORTIUM_LOG_LEVEL", "WARNING")  # a log line per request would be timed too
    from services.referral import bootstrap
    from services.referral.settings import ReferralSettings

    url = f"sqlite:///{db}"
    upgrade(bootstrap.MIGRATIONS, url)
    settings = ReferralSettings(database_url=url)
    app = bootstrap.create_app(settings, background=False)
    runtime = app.state.runtime
    OrgDirectory(runtime.metadata.tables["organisations"]).register_many(runtime.session_factory, ORGANISATIONS)
    return app, runtime, settings


def _lines() -> list[tuple[str, str, str | None, list[tuple[str | None, str | None]]]]:
    """(specialty, kind, exam type, bands): 20 × outpatient + 20 × bed + CT + MRI = 42."""
    out = [(s.value, "outpatient", None, [("08:00", "12:00"), ("14:00", "17:00")]) for s in Specialty]
    out += [(s.value, "bed", None, [(None, None)]) for s in Specialty]
    bands = [("08:00", "10:00"), ("10:00", "12:00"), ("14:00", "16:00"), ("16:00", "18:00")]
    out += [("radiology", "exam", "ct", bands), ("radiology", "exam", "mri", bands)]
    return out


def _publish(runtime, settings, now: datetime) -> int:  # noqa: ANN001
    from services.referral.domain.capacity import CapacityKind, ExamType, WeekRow, band
    from services.referral.service_layer.capacity import apply_template

    today = now.astimezone(settings.tz()).date()
    slots = 0
    for org in (o for o in ORGANISATIONS if o.kind is OrgKind.COUNTY_HOSPITAL):
        desk = Principal(f"bench.{org.org_id}", org.org_id, org.kind, org.consortium_id, Role.REFERRAL_CLERK)
        for specialty, kind, exam, bands in _lines():
            k = CapacityKind(kind)
            week = [WeekRow(d, *band(k, clock_time.fromisoformat(a) if a else None,
                                     clock_time.fromisoformat(b) if b else None, "week"), 5)
                    for d in range(1, 8) for a, b in bands]
            with runtime.uow() as uow:
                slots += len(apply_template(uow, settings, desk, now, specialty=specialty, kind=k,
                                            exam_type=ExamType(exam) if exam else None, week=week, date_from=today,
                                            date_to=today + timedelta(days=DAYS - 1)).slots)
    return slots


def _times(call, n: int) -> dict:  # noqa: ANN001
    """Wall time per call, and the process's CPU time per call: on a machine other work loads, the wall time
    includes waiting for a core, the CPU time is the work the query itself costs."""
    for _ in range(10):
        call()
    wall, cpu = [], []
    for _ in range(n):
        started, started_cpu = time.perf_counter(), time.process_time()
        call()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return {"n": n, "p50_ms": _rank(wall, 50), "p99_ms": _rank(wall, 99), "cpu_p50_ms": _rank(cpu, 50),
            "cpu_p99_ms": _rank(cpu, 99)}


def _rank(samples: list[float], percent: int) -> float:
    ordered = sorted(samples)
    return round(ordered[max(0, -(-percent * len(ordered) // 100) - 1)], 2)


def run(work: Path, n: int = 300) -> dict:
    from fastapi.testclient import TestClient

    db = work / "referral.db"
    app, runtime, settings = _app(db)
    now = datetime.now(timezone.utc)
    started = time.perf_counter()
    slots = _publish(runtime, settings, now)
    publish_seconds = time.perf_counter() - started
    town = next(o for o in ORGANISATIONS if o.org_id == "dachang-thc")
    token = issue_token(Principal("bench.dachang", town.org_id, town.kind, town.consortium_id, Role.REFERRAL_CLERK),
                        DEMO_JWT_SECRET, 3600)
    headers = {"Authorization": f"Bearer {token}"}
    today = now.astimezone(settings.tz()).date()
    last = today + timedelta(days=DAYS - 1)
    week = {"org_id": HOSPITAL, "date_from": today.isoformat(), "date_to": (today + timedelta(days=6)).isoformat()}
    dept = {"org_id": HOSPITAL, "specialty": "cardiology", "date_from": today.isoformat(), "date_to": last.isoformat()}
    whole = {"org_id": HOSPITAL, "date_from": today.isoformat(), "date_to": last.isoformat()}
    results: dict = {"slots": slots, "hospital_slots": slots // 3, "lines": len(_lines()), "days": DAYS,
                     "publish_seconds": round(publish_seconds, 1)}
    results["load_before"] = [round(x, 1) for x in os.getloadavg()]  # other work on the machine: wall times wait
    with TestClient(app) as client:
        for name, path, params in (("week", "/capacity", week), ("department_90_days", "/capacity/slots", dept),
                                   ("hospital_90_days", "/capacity", whole)):
            items = client.get(path, params=params, headers=headers).json()["items"]
            # the grid's cells (a line's day with capacity), or the slots listed
            rows = sum(p is not None for i in items for p in i["places"]) if path == "/capacity" else len(items)

            def call(path=path, params=params) -> None:  # noqa: ANN001
                assert client.get(path, params=params, headers=headers).status_code == 200

            results[name] = _times(call, n) | {"rows": rows}
    con = sqlite3.connect(db)
    for name, first, end in (("week", today, today + timedelta(days=6)), ("hospital_90_days", today, last)):
        args = (first.isoformat(), end.isoformat(), HOSPITAL)
        results[name]["raw"] = _times(lambda args=args: con.execute(RAW, args).fetchall(), n)
    con.close()
    runtime.engine.dispose()
    results["load_after"] = [round(x, 1) for x in os.getloadavg()]
    for name in ("week", "department_90_days", "hospital_90_days"):
        results[name]["goal_met"] = results[name]["p99_ms"] < 50
    return results
