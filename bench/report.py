"""The results table (ratios against the same run's baselines, absolute figures beside them)."""
from __future__ import annotations

import re
from pathlib import Path

BEGIN, END = "<!-- bench:table:begin -->", "<!-- bench:table:end -->"


def _ok(flag: bool | None) -> str:
    return "—" if flag is None else ("met" if flag else "**not met**")


def table(r: dict) -> str:
    m = r["machine"]
    rows = ["| # | figure | ratio to baseline | absolute (measured) | baseline (same run) | goal | |",
            "|---|---|---|---|---|---|---|"]
    rows += _cpu_rows(r)
    g = r.get("gateway")
    if g:
        bp, gp, bh, gh = g["bare_peak"], g["gateway_peak"], g["bare_half"], g["gateway_half"]
        rows.append(f"| 1 | referral submission, peak throughput ({g['tool_peak']}, {gp['connections']} conn.) | "
                    f"{g['throughput_ratio']:.3f}× | {gp['rps']:.0f} req/s, p50 {gp['p50_ms']:.1f} ms, p99 "
                    f"{gp['p99_ms']:.1f} ms, {gp['errors']} errors | bare uvicorn {bp['rps']:.0f} req/s, p99 "
                    f"{bp['p99_ms']:.1f} ms (context) | ≥ 350 req/s | {_ok(g['goal_throughput_met'])} |")
        rows.append(f"| 1 | referral submission at half of peak ({gh['target_rps']:.0f} req/s, open loop) | "
                    f"p99 {g['p99_half_ratio']:.1f}× | p50 {gh['p50_ms']:.1f} ms, p99 {gh['p99_ms']:.1f} ms, "
                    f"{gh['rps']:.0f} req/s done, {gh['errors']} errors | bare p50 {bh['p50_ms']:.1f} ms, p99 "
                    f"{bh['p99_ms']:.1f} ms | p99 < 50 ms | {_ok(g['goal_p99_met'])} |")
    p = r.get("propagation")
    if p:
        load = p["load"]
        for svc in ("payment", "staffing"):
            s = p[svc]
            rows.append(f"| 2 | commit → visible in {svc} ({s['effect']}) at {load['target_rps']:.0f}/s "
                        f"(achieved {load['rps']:.0f}/s) | — | p50 {s['p50_ms']} ms, p99 {s['p99_ms']} ms, max "
                        f"{s['max_ms']} ms; {s['arrived']}/{s['events']} events | (no baseline: absolute goal) | "
                        f"p99 < 500 ms | {_ok(p['goal_met'])} |")
    s = r.get("settlement")
    if s:
        rows.append(f"| 3 | settlement of a fund year, {s['claims']:,} claims (`close_period`) | {s['ratio']:.2f}× | "
                    f"{s['seconds']:.3f} s | raw `SUM … GROUP BY` {s['raw_seconds']:.3f} s | ≤ 2× raw and < 5 s | "
                    f"{_ok(s['goal_met'])} |")
    b = r.get("bulk_import")
    if b:
        rows.append(f"| 4 | bulk claim import, {b['rows']:,} CSV rows (`import_claims`) | {b['ratio']:.2f}× | "
                    f"{b['rows_per_s']:,} rows/s ({b['seconds']} s) | csv + raw `executemany` {b['raw_rows_per_s']:,} "
                    f"rows/s ({b['raw_seconds']} s) | ≥ 100,000 rows/s | {_ok(b['goal_met'])} |")
    ri, rc = r.get("roster_import"), r.get("roster_capitation")
    if ri:
        rows.append(f"| 12 | contract roster import, {ri['rows']:,} CSV rows (`import_roster`: ID check, HMAC key, "
                    f"overlap and idempotency checks) | {ri['ratio']:.2f}× | {ri['rows_per_s']:,} rows/s "
                    f"({ri['seconds']} s wall); CPU {ri['cpu_seconds']} s = {ri['cpu_rows_per_s']:,} rows/s in the importing "
                    f"process + {ri.get('parser_process_cpu_seconds', 0)} s in the parsing one; load "
                    f"{ri['load']:.1f} | csv + HMAC + raw `executemany` {ri['raw_rows_per_s']:,} rows/s "
                    f"({ri['raw_seconds']} s wall, CPU {ri['raw_cpu_seconds']} s) | ≥ 100,000 rows/s | "
                    f"{_ok(ri['goal_met'])} |")
    if rc:
        rows.append(f"| 12 | a month's capitation over the roster, {rc['contracts']:,} contracts paid "
                    f"(`pay_capitation`) | {rc['ratio']:.2f}× | {rc['seconds']:.3f} s wall; CPU "
                    f"{rc['cpu_seconds']:.3f} s; load {rc['load']:.1f} | raw `INSERT … SELECT` of the lines "
                    f"{rc['raw_seconds']:.3f} s wall, CPU {rc['raw_cpu_seconds']:.3f} s | < 5 s | "
                    f"{_ok(rc['goal_met'])} |")
    c = r.get("console")
    if c:
        for name, page, api in (("worklist page (newest first)", "page_worklist", "api_worklist"),
                                ("county queue page (emergencies, nearest deadline)", "page_queue", "api_queue")):
            pg, ap = c[page], c[api]
            rows.append(f"| 6 | console {name}, {c['referrals_in_box']:,} referrals in the box, one request at a "
                        f"time | p99 {pg['p99_ms'] / ap['p99_ms']:.2f}× | p50 {pg['p50_ms']} ms, p99 {pg['p99_ms']} ms "
                        f"({pg['n']} requests) | the same query through the JSON API: p50 {ap['p50_ms']} ms, p99 "
                        f"{ap['p99_ms']} ms | page p99 < 150 ms | {_ok(c['goal_met'])} |")
    u = r.get("console_upload")
    if u:
        small, large = u["csv"]
        for kind, (a, b) in (("CSV", u["csv"]), ("XLSX", u["xlsx"])):
            rows.append(
                f"| 7 | {kind} claim file uploaded through the console, {b['rows']:,} rows ({b['bytes'] / 1048576:.0f} MB): "
                f"upload, then the service reads it | memory {b['rows'] // a['rows']}× the rows: console "
                f"{b['console_peak_mb'] - a['console_peak_mb']:+.1f} MB, payment {b['payment_peak_mb'] - a['payment_peak_mb']:+.1f} MB"
                f" | {b['total_s']} s ({b['rows_per_s']:,} rows/s; upload {b['upload_s']} s); peak RSS console "
                f"{b['console_peak_mb']} MB (before {b['console_before_mb']}), payment {b['payment_peak_mb']} MB (before "
                f"{b['payment_before_mb']}) | {a['rows']:,} rows: {a['total_s']} s; peak console {a['console_peak_mb']} MB, "
                f"payment {a['payment_peak_mb']} MB | {'memory flat with the file (< 10 MB more for 10× the rows)' if kind == 'CSV' else '—'}"
                f" | {_ok(u['goal_met']) if kind == 'CSV' else ''} |")
    cap = r.get("capacity")
    if cap:
        for name, label in (("week", "the whole hospital, the next 7 days (`GET /capacity`)"),
                            ("department_90_days", "one department, 90 days slot by slot (`GET /capacity/slots`)"),
                            ("hospital_90_days", "the whole hospital, 90 days (`GET /capacity`)")):
            q = cap[name]
            unit = "slots" if name == "department_90_days" else "day cells"
            load = f", load average {cap['load_before'][0]} → {cap['load_after'][0]}" if "load_before" in cap else ""
            raw = q.get("raw")
            ratio = f"p99 {q['p99_ms'] / raw['p99_ms']:.1f}×" if raw else "—"
            base = f"raw sqlite3 GROUP BY: p50 {raw['p50_ms']} ms, p99 {raw['p99_ms']} ms" if raw else "—"
            rows.append(f"| 8 | free capacity of a county hospital with {cap['lines']} lines × {cap['days']} days of "
                        f"slots ({cap['hospital_slots']:,} of {cap['slots']:,} slots): {label}, {q['rows']:,} {unit}, "
                        f"in-process{load} | {ratio} | p50 {q['p50_ms']} ms, p99 {q['p99_ms']} ms; CPU p50 "
                        f"{q['cpu_p50_ms']} ms, p99 {q['cpu_p99_ms']} ms ({q['n']} requests) | "
                        f"{base} | p99 < 50 ms | {_ok(q['goal_met'])} |")
    w = r.get("workers")
    if w and "skipped" in w:
        rows.append(f"| 9 | referral submission with 1 and 2 uvicorn workers per component, PostgreSQL | — | "
                    f"skipped: {w['skipped']} | — | — | |")
    elif w:
        one, two = w["one_worker"], w["two_workers"]
        rows.append(f"| 9 | referral submission with 2 uvicorn workers per component, PostgreSQL ({two['tool']}, "
                    f"{two['connections']} conn.) | {w['scaling_ratio']:.2f}× | {two['rps']:.0f} req/s, p99 "
                    f"{two['p99_ms']:.1f} ms, {two['errors']} errors | 1 worker: {one['rps']:.0f} req/s, p99 "
                    f"{one['p99_ms']:.1f} ms | (scaling ratio, no goal) | |")
    h = r.get("gateway_hop")
    if h:
        via, direct = h["through_gateway"], h["direct"]
        rows.append(f"| 11 | the gateway's hop: `{h['route']}` through the gateway vs direct, {via['requests']:,} requests "
                    f"each, {h['concurrency']} clients (CPU from /proc) | gateway {h['gateway_hop_cpu_ms']:.3f} ms "
                    f"= {h['gateway_hop_cpu_ms'] / max(direct['cpu_ms']['referral'], 0.001):.2f}× the service's own "
                    f"| gateway {via['cpu_ms']['gateway']:.3f} ms, referral {via['cpu_ms']['referral']:.3f} ms of CPU "
                    f"per request ({via['failures']} failures) | direct: referral {direct['cpu_ms']['referral']:.3f} ms, "
                    f"gateway meanwhile {direct['cpu_ms']['gateway']:.3f} ms | `gateway_hop_cpu_ms` ≤ {h['goal_ms']} ms "
                    f"| {_ok(h['goal_met'])} |")
    mem = r.get("rss_mb") or r.get("memory_mb")
    if mem:
        rows.append("| 5 | peak RSS (VmHWM) | — | " + ", ".join(f"{k} {v} MB" for k, v in mem.items())
                    + " | — | — | |")
    head = (f"Machine: {m['nproc']} cores, {m['cpu']}, {m['memory_mb']} MB, Python {m['python']}; run "
            f"{r['run_at']} (commit {r.get('git')}), {r.get('seconds')} s{' — QUICK run' if r.get('quick') else ''}.")
    if r.get("merged_from"):
        f = r["merged_from"]
        head += f" Benches not run then are kept from the run of {f['run_at']} (commit {f['git']})."
    return head + "\n\n" + "\n".join(rows)


def _procs(per: dict) -> str:
    return ", ".join(f"{name} {v:g}" for name, v in per.items())


def _cpu_rows(r: dict) -> list[str]:
    """Bench 10: CPU time from /proc (fair on a loaded machine, unlike wall time), each against its goal."""
    rows = []
    c = r.get("cpu_ms_per_referral")
    if c:
        rows.append(f"| 10 | CPU per upward referral through the gateway, summed over all processes ({c['referrals']:,} "
                    f"referrals, {c['clients']} clients, until every event is applied) | — | **{c['sum']} ms** "
                    f"({_procs(c['per_process'])}); {c['errors']} errors | — | ≤ {c['goal']:g} ms | {_ok(c['goal_met'])} |")
    d = r.get("read_by_id_cpu_ms")
    if d:
        rows.append(f"| 10 | CPU in the referral service per read by id, direct ({d['reads']:,} reads, {d['clients']} "
                    f"clients) | — | **{d['service']} ms** ({_procs(d['per_process'])}); {d['errors']} errors | — | "
                    f"≤ {d['goal']:g} ms | {_ok(d['goal_met'])} |")
    i = r.get("idle_cpu_percent")
    if i:
        rows.append(f"| 10 | idle stack over {i['seconds']:g} s, % of one core | — | **{i['sum']}%** "
                    f"({_procs(i['per_process'])}) | — | < {i['goal']:g}% | {_ok(i['goal_met'])} |")
    return rows


def write_readme(path: Path, tbl: str, r: dict) -> None:
    text = path.read_text() if path.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    block = f"{BEGIN}\n{tbl}\n{END}"
    if BEGIN in text:
        text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    else:
        text += "\n" + block + "\n"
    path.write_text(text)
