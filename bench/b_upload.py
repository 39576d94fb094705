"""Bench 7: a month of claims uploaded through the console, as the insurance office does it.

A CSV file is posted to the console's upload form (multipart, the CSRF token first, the file streamed from disk),
which passes it on to the gateway as it arrives; the payment service stores it, answers 202 and reads it in the
background; the client follows the result page until the file is read. Measured per file: the upload (until the
console redirects to the result page), the whole (until the result page shows the report), rows per second, and
the resident memory of the console and of the payment service, sampled every 20 ms during that upload (peak and
the level before it). Two CSV sizes (100,000 and 1,000,000 rows) in the same run show whether memory grows with
the file; two XLSX sizes show the same for workbooks (openpyxl's read-only mode: rows streamed, the workbook's
shared-strings table — here one distinct text per claim number — kept whole).
"""
from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import httpx

from gateway.demo import DEMO_PASSWORD

USER = "insurance.officer"
UNITS = ("county-peoples-hospital", "county-tcm-hospital", "dachang-thc", "luoping-thc", "wuxia-thc", "guandu-thc")
HEADER = ("claim_no", "kind", "org_id", "amount_fen", "service_date")


def rows(n: int, prefix: str):  # noqa: ANN201
    """n valid claims spread over units and the days of last month."""
    first = (date.today().replace(day=1) - timedelta(days=1)).replace(day=1)
    for i in range(n):
        yield (f"{prefix}{i:09d}", "member_outpatient", UNITS[i % len(UNITS)], 1000 + (i * 37) % 90000,
               (first + timedelta(days=i % 28)).isoformat())


def write_csv(path: Path, n: int, prefix: str) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(HEADER) + "\n")
        out.writelines(f"{a},{b},{c},{d},{e}\n" for a, b, c, d, e in rows(n, prefix))
    return path


def write_xlsx(path: Path, n: int, prefix: str) -> Path:
    """As a spreadsheet program saves it: text cells in the shared-strings table, amounts as numbers. Written in a
    process of its own: xlsxwriter keeps such a sheet in memory until it closes, which would otherwise count in
    this process's peak memory (the in-process payment figure of benches 3-4)."""
    subprocess.run([sys.executable, "-m", "bench.b_upload", str(path), str(n), prefix], check=True,
                   cwd=Path(__file__).resolve().parents[1])
    return path


def _write_xlsx_here(path: Path, n: int, prefix: str) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("理赔")
    ws.write_row(0, 0, HEADER)
    for r, row in enumerate(rows(n, prefix), start=1):
        ws.write_row(r, 0, row)
    book.close()


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Sampler(threading.Thread):
    """The peak resident memory of some processes while it runs."""

    def __init__(self, pids: dict[str, int]) -> None:
        super().__init__(daemon=True)
        self.pids, self.peak, self.before = pids, {k: 0.0 for k in pids}, {k: rss_mb(p) for k, p in pids.items()}
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            for name, pid in self.pids.items():
                self.peak[name] = max(self.peak[name], rss_mb(pid))
            time.sleep(0.02)


def _login(console_url: str) -> httpx.Client:
    client = httpx.Client(base_url=console_url, timeout=httpx.Timeout(600, connect=10))
    token = re.search(r'name="_csrf" value="([^"]+)"', client.get("/login").text).group(1)
    r = client.post("/login", data={"username": USER, "password": DEMO_PASSWORD, "_csrf": token})
    assert r.status_code == 303, r.text[:500]
    return client


def upload(client: httpx.Client, path: Path, pids: dict[str, int], n: int) -> dict:
    token = re.search(r'name="_csrf" value="([^"]+)"', client.get("/claims/upload").text).group(1)
    sampler = Sampler(pids)
    sampler.start()
    started = time.monotonic()
    with path.open("rb") as f:
        r = client.post("/claims/upload", data={"_csrf": token}, files={"file": (path.name, f, "text/csv")})
    assert r.status_code == 303, (r.status_code, r.text[:1000])
    uploaded = time.monotonic() - started
    result = r.headers["location"]
    while "data-poll" in (page := client.get(result).text):
        time.sleep(0.25)
    total = time.monotonic() - started
    sampler.stop.set()
    sampler.join()
    inserted = int(re.search(r"<dt>新增入账</dt><dd>([\d,]+)</dd>", page).group(1).replace(",", ""))
    assert inserted == n, f"{inserted} of {n} rows went in"
    return {"rows": n, "bytes": path.stat().st_size, "upload_s": round(uploaded, 2), "total_s": round(total, 2),
            "rows_per_s": round(n / total), **{f"{k}_before_mb": round(v, 1) for k, v in sampler.before.items()},
            **{f"{k}_peak_mb": round(v, 1) for k, v in sampler.peak.items()}}


def run(stack, work: Path, csv_sizes: tuple[int, int], xlsx_sizes: tuple[int, int]) -> dict:  # noqa: ANN001
    pids = {"console": stack.procs["console"].pid, "payment": stack.procs["payment"].pid}
    client = _login(stack.console_url)
    try:
        out: dict = {"csv": [], "xlsx": []}
        for n in csv_sizes:
            path = write_csv(work / f"claims-{n}.csv", n, f"B{uuid.uuid4().hex[:5]}")
            out["csv"].append(upload(client, path, pids, n))
            path.unlink()
        for n in xlsx_sizes:
            path = write_xlsx(work / f"claims-{n}.xlsx", n, f"X{uuid.uuid4().hex[:5]}")
            out["xlsx"].append(upload(client, path, pids, n))
            path.unlink()
    finally:
        client.close()
    small, large = out["csv"]
    # memory does not grow with the file: ten times the rows may not add more than a few MB to either process
    out["console_growth_mb"] = round(large["console_peak_mb"] - small["console_peak_mb"], 1)
    out["payment_growth_mb"] = round(large["payment_peak_mb"] - small["payment_peak_mb"], 1)
    out["goal_met"] = out["console_growth_mb"] < 10 and out["payment_growth_mb"] < 10
    return out


if __name__ == "__main__":  # python -m bench.b_upload <path> <rows> <prefix>: an XLSX file for bench 7
    _write_xlsx_here(Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3])
