"""Bench 3 and 4: the payment service's own code path in-process on a temporary SQLite file.

4. Bulk import of 1,000,000 CSV rows with `import_claims` (the function behind POST /claims/uploads:
   streamed CSV, validation, duplicate check, batched executemany, ledger entry, outbox event), against
   csv.reader + raw sqlite3 `executemany` of the same rows into the same (migrated, indexed) table of a
   second fresh database, in 5,000-row batches and one transaction.
3. Settlement of the fund year over those 1,000,000 claims with `close_period` (the function behind
   POST /settlements: totals, policy, score, postings, distribution, events), against the raw
   `SELECT kind, org_id, SUM(amount_fen) … GROUP BY` over the same table (best of two runs, one before
   and one after, so the settlement gets no colder cache than the baseline).
"""
from __future__ import annotations

import csv
import os
import random
import sqlite3
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from gateway.demo import CONSORTIUM_ID, ORGANISATIONS
from platform_common.auth import OrgKind, Principal, Role
from platform_common.migrate import upgrade
from platform_common.org_directory import OrgDirectory
from services.payment import bootstrap
from services.payment.service_layer.budgets import create_budget
from services.payment.service_layer.claim_import import import_claims
from services.payment.service_layer.settlement import close_period
from services.payment.settings import PaymentSettings

YEAR = 2025
OFFICER = Principal("bench.insurance", "medical-insurance-office", OrgKind.INSURANCE_OFFICE, None,
                    Role.INSURANCE_OFFICER)
RAW_SUM = ("SELECT kind, org_id, SUM(amount_fen) FROM claims WHERE consortium_id = ? AND period >= ? "
           "AND period <= ? GROUP BY kind, org_id")


def write_csv(path: Path, rows: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    units = [o.org_id for o in ORGANISATIONS if o.consortium_id == CONSORTIUM_ID]
    days = [date(YEAR, m, d).isoformat() for m in range(1, 13) for d in range(1, 29)]
    with open(path, "w", newline="") as f:
        f.write("claim_no,kind,org_id,amount_fen,service_date\n")
        for i in range(rows):
            f.write(f"B{YEAR}-{i:08d},{'out_of_area' if i % 40 == 0 else 'member_outpatient'},"
                    f"{rng.choice(units)},{rng.randint(1_000, 60_000)},{rng.choice(days)}\n")


def _runtime(db: Path):  # noqa: ANN202
    os.environ.setdefault("CONSORTIUM_DEMO_MODE", "true")  # a throwaway database: the demo secret is fine
    url = f"sqlite:///{db}"
    upgrade(bootstrap.MIGRATIONS, url)
    settings = PaymentSettings(database_url=url)
    runtime = bootstrap.build_runtime(settings, background=False)
    OrgDirectory(runtime.metadata.tables["organisations"]).register_many(runtime.session_factory, ORGANISATIONS)
    return runtime, settings


def raw_insert(db: Path, csv_path: Path, batch: int = 5000) -> float:
    upgrade(bootstrap.MIGRATIONS, f"sqlite:///{db}")
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    sql = ("INSERT INTO claims (claim_no, kind, org_id, consortium_id, amount_fen, service_date, period, late, "
           "source, upload_id, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 'upload', 'raw', 'bench', "
           "'2026-01-01 00:00:00')")
    started = time.perf_counter()
    with open(csv_path, newline="") as f:
        reader = csv.reader(f)
        next(reader)
        rows = []
        for claim_no, kind, org, amount, day in reader:
            rows.append((claim_no, kind, org, CONSORTIUM_ID, int(amount), day, day[:7]))
            if len(rows) >= batch:
                con.executemany(sql, rows)
                rows.clear()
        con.executemany(sql, rows)
    con.commit()
    seconds = time.perf_counter() - started
    con.close()
    return seconds


def raw_sum(db: Path) -> float:
    con = sqlite3.connect(db)
    started = time.perf_counter()
    con.execute(RAW_SUM, (CONSORTIUM_ID, f"{YEAR}-01", f"{YEAR}-12")).fetchall()
    seconds = time.perf_counter() - started
    con.close()
    return seconds


def run(work: Path, rows: int = 1_000_000) -> dict:
    csv_path = work / "claims.csv"
    write_csv(csv_path, rows)
    raw_seconds = raw_insert(work / "raw.db", csv_path)

    runtime, settings = _runtime(work / "payment.db")
    with open(csv_path, "rb") as f, runtime.uow() as uow:
        started = time.perf_counter()
        summary = import_claims(uow, OFFICER, settings, f, "claims.csv")
        import_seconds = time.perf_counter() - started
    assert summary["inserted"] == rows, summary

    with runtime.uow() as uow:
        create_budget(uow, OFFICER, consortium_id=CONSORTIUM_ID, fund_year=YEAR, enrolled_population=300_000,
                      per_capita_fen=100_000, out_of_area_reserve_fen=0, note="bench")
    before = raw_sum(work / "payment.db")
    with runtime.uow() as uow:
        started = time.perf_counter()
        close_period(uow, OFFICER, settings, consortium_id=CONSORTIUM_ID, period_code=str(YEAR),
                     assessed_score=Decimal("92"), score_reason="bench: assessed score")
        settle_seconds = time.perf_counter() - started
    raw_seconds_sum = min(before, raw_sum(work / "payment.db"))
    runtime.engine.dispose()
    return {
        "bulk_import": {"rows": rows, "seconds": round(import_seconds, 2), "rows_per_s": round(rows / import_seconds),
                        "raw_seconds": round(raw_seconds, 2), "raw_rows_per_s": round(rows / raw_seconds),
                        "ratio": round((rows / import_seconds) / (rows / raw_seconds), 3),
                        "goal_met": rows / import_seconds >= 100_000},
        "settlement": {"claims": rows, "seconds": round(settle_seconds, 3), "raw_seconds": round(raw_seconds_sum, 3),
                       "ratio": round(settle_seconds / raw_seconds_sum, 2),
                       "goal_met": settle_seconds <= 2 * raw_seconds_sum and settle_seconds < 5},
    }
