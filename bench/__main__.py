"""`make bench` = `python -m bench`: every figure against a baseline measured in the same run.

Starts its own stack (broker, three services, gateway) with free ports in a temporary directory, so it
runs from a clean clone; writes bench/results.json and the table in bench/README.md.
Options: --quick (shorter runs, 200,000 rows for benches 3–4, 7 and 12; for trying the harness), --skip 1,2,…,
--merge (keep the previous results.json's figures of the benches skipped, e.g. to add bench 8 to a full run).
Bench 10 (CPU per referral, per read by id, idle) runs first, on the fresh stack.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).parent


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), "0")
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory_mb": int(mem) // 1024, "python": platform.python_version(),
            "os": platform.platform()}


def peak_rss_mb(pid: int) -> float | None:
    """VmHWM: the process's peak resident set size since it started."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def start_stack(data_dir: Path):  # noqa: ANN201
    os.environ.setdefault("CONSORTIUM_DEMO_MODE", "true")
    from devstack.components import ALL, CONSOLE
    from devstack.stack import Stack, free_port

    stack = Stack(data_dir, {c.name: free_port() for c in ALL} | {CONSOLE.name: free_port()}, free_port(),
                  extra_env={"CONSORTIUM_DEMO_MODE": "true", "CONSORTIUM_LOG_LEVEL": "WARNING"})
    stack.start(timeout=120)
    import httpx

    from gateway.demo import ORGANISATIONS

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # every service has the demo organisations
        body = httpx.get(f"{stack.gateway_url}/health", timeout=5).json()
        if all(s.get("detail", {}).get("directory", {}).get("organisations", 0) >= len(ORGANISATIONS)
               for s in body["services"].values()):
            break
        time.sleep(0.5)
    return stack


def login(stack, username: str) -> str:  # noqa: ANN001
    import httpx

    from gateway.demo import DEMO_PASSWORD

    r = httpx.post(f"{stack.gateway_url}/auth/token", data={"username": username, "password": DEMO_PASSWORD})
    r.raise_for_status()
    return r.json()["access_token"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--skip", default="", help="comma-separated bench numbers to skip")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    parser.add_argument("--merge", action="store_true", help="keep the skipped benches' figures from --out")
    args = parser.parse_args(argv)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    seconds = 4 if args.quick else 8
    rows = 200_000 if args.quick else 1_000_000
    started = time.monotonic()
    results: dict = {"run_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": machine(),
                     "quick": args.quick, "git": _git_head()}
    previous = json.loads(args.out.read_text()) if args.merge and args.out.exists() else {}
    results = {k: v for k, v in previous.items() if k not in ("run_at", "machine", "quick", "git", "seconds")} | results
    if previous:
        results["merged_from"] = {"run_at": previous.get("run_at"), "git": previous.get("git")}
    from . import (b_capacity, b_console, b_cpu, b_gateway, b_gateway_hop, b_payment, b_propagation, b_roster,
                   b_upload, b_workers, report)

    with tempfile.TemporaryDirectory(prefix="consortium-bench-") as tmp:
        work = Path(tmp)
        if not {"1", "2", "6", "7", "10", "11"} <= skip:
            _say("starting the stack (broker, three services, gateway, console) ...")
            stack = start_stack(work / "stack")
            try:
                token = login(stack, "dachang.referral")
                if "10" not in skip:
                    _say("bench 10: CPU per referral and per read by id, and the idle stack, from /proc ...")
                    results.update(b_cpu.run(stack, token, args.quick))
                if "11" not in skip:
                    _say("bench 11: the gateway's hop, GET one referral by id through the gateway and direct ...")
                    results["gateway_hop"] = b_gateway_hop.run(stack, token, 1000 if args.quick else 3000)
                    results["gateway_hop_cpu_ms"] = results["gateway_hop"]["gateway_hop_cpu_ms"]
                if "1" not in skip:
                    _say("bench 1: referral submission through the gateway vs a bare endpoint ...")
                    results["gateway"] = b_gateway.run(stack, token, seconds)
                if "2" not in skip:
                    _say("bench 2: event propagation at 200 referrals/s ...")
                    # 200/s offered for a short window: the platform commits far fewer per second on this
                    # machine, and the backlog drains at that rate (see README: what bounds it).
                    results["propagation"] = b_propagation.run(stack, token, 200, max(3, seconds * 3 // 4))
                if "6" not in skip:
                    _say("bench 6: the console's worklist page with 10,000 referrals vs the same JSON query ...")
                    results["console"] = b_console.run(stack, n=100 if args.quick else 300)
                if "7" not in skip:
                    sizes = ((20_000, 200_000), (10_000, 30_000)) if args.quick else \
                        ((100_000, 1_000_000), (100_000, 300_000))
                    _say(f"bench 7: claim files uploaded through the console, CSV {sizes[0]} and XLSX {sizes[1]} rows ...")
                    (work / "upload").mkdir()
                    results["console_upload"] = b_upload.run(stack, work / "upload", *sizes)
                # peak resident memory of each process over the whole run (VmHWM); `memory_mb` kept for old readers
                results["rss_mb"] = {name: peak_rss_mb(p.pid) for name, p in stack.procs.items()}
                results["memory_mb"] = results["rss_mb"]
            finally:
                stack.stop()
        if not {"3", "4"} <= skip:
            _say(f"bench 3-4: bulk import of {rows:,} claims and settlement, in-process ...")
            (work / "payment").mkdir()
            results.update(b_payment.run(work / "payment", rows))
            results.setdefault("rss_mb", {})["payment in-process (bench 3-4)"] = round(
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        if "8" not in skip:
            _say("bench 8: free capacity of a county hospital, 40 lines x 90 days of slots, in-process ...")
            (work / "capacity").mkdir()
            results["capacity"] = b_capacity.run(work / "capacity", n=100 if args.quick else 300)
        if "9" not in skip:
            _say("bench 9: referral throughput with 1 and 2 uvicorn workers per component, on PostgreSQL ...")
            results["workers"] = b_workers.run(work, seconds)
        if "12" not in skip:
            _say(f"bench 12: a {rows:,}-row contract roster imported, then a month's capitation over it, in-process ...")
            results.update(b_roster.run(work / "roster", rows))
    results.setdefault("memory_mb", results.get("rss_mb"))
    results["seconds"] = round(time.monotonic() - started, 1)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    table = report.table(results)
    report.write_readme(HERE / "README.md", table, results)
    print(table)
    print(f"\n{results['seconds']} s; results in {args.out}, table in {HERE / 'README.md'}")
    return 0


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _git_head() -> str | None:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              cwd=HERE.parent, timeout=5).stdout.strip() or None
    except OSError:
        return None


if __name__ == "__main__":
    sys.exit(main())
