"""Bench 12: the family-doctor contract roster in-process on a temporary SQLite file.

8a. Import of a 1,000,000-row roster with `import_roster` (the function behind POST /roster/uploads: streamed
    CSV, national-ID check, HMAC resident key — past the first 100,000 rows in a second process —, per-batch
    lookup of the residents' contracts, overlap and idempotency checks, 20,000-row batches inserted in key order
    by one executemany each, outbox event), against
    csv.reader + the same HMAC + raw sqlite3 `executemany` of the same rows (nothing checked) into the same
    migrated, indexed table of a second database.
8b. A month's capitation over those 1,000,000 contracts with `pay_capitation` (the function behind
    POST /capitation/runs: the contracts' few (key groups, package) pairs priced, one INSERT … SELECT … ON
    CONFLICT DO NOTHING of a line per contract, one aggregate of the run's lines per unit, ledger entry, events),
    against a raw `INSERT INTO capitation_lines SELECT … FROM contracts` of the same month in the baseline database.
CPU seconds (this process: SQLite runs in it) are reported beside wall time: on a shared, loaded machine they are
the fair figure; on a quiet machine the wall time comes close to them.
Goals (issue 20): ≥ 100,000 rows/s for the import, < 5 s for the run.
"""
from __future__ import annotations

import csv
import hashlib
import hmac
import os
import random
import resource
import sqlite3
import time
from pathlib import Path

from gateway.demo import CONSORTIUM_ID, ORGANISATIONS
from platform_common.identity import DEMO_RESIDENT_KEY_SECRET, check_char

# The service's modules are imported in run(): the roster's parsing process is spawned, and a spawned process
# imports its parent's main module again; run as `python -m bench.b_roster` that is this one, which should stay as
# light as a server's main module (uvicorn's), or the bench would time 1.5 s of imports a server never pays.

MONTH = "2026-06"
GROUPS = ["", "", "", "elderly", "hypertension", "diabetes", "elderly;hypertension", "children", "pregnant",
          "elderly;diabetes", "disabled"]
COLUMNS = "resident_key, resident_masked, org_id, consortium_id, team, package, key_groups, start_date, end_date, recording_id"


def national_id(i: int) -> str:
    # a distinct, valid number per row: region, a birth date from i, a sequence from i
    year, rest = 1930 + i % 90, i // 90
    first17 = f"5002{37 + rest % 50:02d}{year}{1 + rest // 50 % 12:02d}{1 + rest // 600 % 28:02d}{rest // 16800 % 1000:03d}"
    return first17 + check_char(first17)


def write_csv(path: Path, rows: int, seed: int = 8) -> None:
    rng = random.Random(seed)
    units = [o.org_id for o in ORGANISATIONS if o.consortium_id == CONSORTIUM_ID and o.kind.value != "county_hospital"]
    starts = [f"{y}-{m:02d}-01" for y in (2024, 2025, 2026) for m in range(1, 13)][:30]
    with open(path, "w", newline="") as f:
        f.write("national_id,org_id,team,package,key_groups,start_date,end_date\n")
        for i in range(rows):
            start, end = ("2024-01-01", "2026-03-31") if i % 25 == 0 else (rng.choice(starts), "")
            f.write(f"{national_id(i)},{rng.choice(units)},team-{i % 40},basic,{rng.choice(GROUPS)},{start},{end}\n")


def raw_insert(db: Path, csv_path: Path, batch: int = 5000) -> tuple[float, float]:
    from platform_common.migrate import upgrade
    from services.payment import bootstrap

    upgrade(bootstrap.MIGRATIONS, f"sqlite:///{db}")
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("INSERT INTO contract_recordings VALUES (1, 'upload', 'raw', 'bench', '2026-01-01 00:00:00')")
    sql = f"INSERT INTO contracts ({COLUMNS}) VALUES (?, ?, ?, '{CONSORTIUM_ID}', ?, ?, 0, ?, ?, 1)"
    secret = DEMO_RESIDENT_KEY_SECRET.encode()
    started, cpu = time.perf_counter(), time.process_time()
    with open(csv_path, newline="") as f:
        reader = csv.reader(f)
        next(reader)
        rows = []
        for nid, org, team, package, _groups, start, end in reader:
            rows.append((hmac.digest(secret, nid.encode(), hashlib.sha256).hex(), nid[:6] + "********" + nid[-4:],
                         org, team, package, start, end or None))
            if len(rows) >= batch:
                con.executemany(sql, rows)
                rows.clear()
        con.executemany(sql, rows)
    con.commit()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    con.close()
    return seconds, cpu


def _children_cpu() -> float:
    """CPU seconds of this process's finished children (the roster's parsing process, once joined)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def raw_run(db: Path) -> tuple[float, float]:
    con = sqlite3.connect(db)
    started, cpu = time.perf_counter(), time.process_time()
    con.execute("INSERT INTO capitation_runs VALUES ('raw', ?, ?, 0, 1000, 0, 0, 0, NULL, 'bench', "
                "'2026-01-01 00:00:00')", (CONSORTIUM_ID, MONTH))
    con.execute("INSERT INTO capitation_lines (contract_id, month, run_id, org_id, weight_bp, amount_fen, fee_fund_fen) "
                "SELECT contract_id, ?, 'raw', org_id, 10000, 1000, 0 FROM contracts WHERE consortium_id = ? AND "
                "start_date <= ? AND (end_date IS NULL OR end_date >= ?)",
                (MONTH, CONSORTIUM_ID, f"{MONTH}-01", f"{MONTH}-01"))
    con.execute("SELECT org_id, COUNT(*), SUM(amount_fen) FROM capitation_lines WHERE run_id = 'raw' GROUP BY org_id"
                ).fetchall()
    con.commit()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    con.close()
    return seconds, cpu


def run(work: Path, rows: int = 1_000_000) -> dict:
    from services.payment.service_layer.roster_capitation import pay_capitation
    from services.payment.service_layer.roster_import import import_roster

    from .b_payment import OFFICER, _runtime

    os.environ.setdefault("CONSORTIUM_DEMO_MODE", "true")
    work.mkdir(parents=True, exist_ok=True)
    csv_path = work / "roster.csv"
    write_csv(csv_path, rows)
    raw_seconds, raw_cpu = raw_insert(work / "raw.db", csv_path)
    runtime, settings = _runtime(work / "payment.db")
    settings = settings.model_copy(update={"upload_max_rows": max(settings.upload_max_rows, rows)})
    with open(csv_path, "rb") as f, runtime.uow() as uow:
        load_before, children = os.getloadavg()[0], _children_cpu()
        started, cpu = time.perf_counter(), time.process_time()
        summary = import_roster(uow, OFFICER, settings, f, "roster.csv")
        import_seconds, import_cpu = time.perf_counter() - started, time.process_time() - cpu
        parser_cpu = _children_cpu() - children
    assert summary["inserted"] == rows, {k: v for k, v in summary.items() if k != "errors"} | {
        "errors": summary["errors"][:5]}
    raw_run_seconds, raw_run_cpu = raw_run(work / "raw.db")
    run_load_before = os.getloadavg()[0]
    with runtime.uow() as uow:
        started, cpu = time.perf_counter(), time.process_time()
        paid = pay_capitation(uow, OFFICER, settings, CONSORTIUM_ID, MONTH)
        run_seconds, run_cpu = time.perf_counter() - started, time.process_time() - cpu
    runtime.engine.dispose()
    return {
        "roster_import": {"rows": rows, "seconds": round(import_seconds, 2), "rows_per_s": round(rows / import_seconds),
                          "raw_seconds": round(raw_seconds, 2), "raw_rows_per_s": round(rows / raw_seconds),
                          "ratio": round((rows / import_seconds) / (rows / raw_seconds), 3),
                          # CPU seconds of this process (SQLite runs in it) and of the parsing process it hands
                          # the file's rows to past ROSTER_PARSE_PROCESS_AFTER_ROWS (on another core)
                          "cpu_seconds": round(import_cpu, 2), "cpu_rows_per_s": round(rows / import_cpu),
                          "parser_process_cpu_seconds": round(parser_cpu, 2),
                          "total_cpu_seconds": round(import_cpu + parser_cpu, 2),
                          "raw_cpu_seconds": round(raw_cpu, 2), "raw_cpu_rows_per_s": round(rows / raw_cpu),
                          "load_before": load_before, "load": os.getloadavg()[0],
                          "goal_met": rows / import_seconds >= 100_000},
        "roster_capitation": {"contracts": paid["contracts"], "seconds": round(run_seconds, 3),
                              "raw_seconds": round(raw_run_seconds, 3),
                              "ratio": round(run_seconds / raw_run_seconds, 2), "cpu_seconds": round(run_cpu, 3),
                              "raw_cpu_seconds": round(raw_run_cpu, 3), "load_before": run_load_before,
                              "load": os.getloadavg()[0],
                              "goal_met": run_seconds < 5},
    }


if __name__ == "__main__":
    import json
    import sys
    import tempfile

    with tempfile.TemporaryDirectory(prefix="roster-bench-") as tmp:
        print(json.dumps(run(Path(tmp), int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000), indent=2))
