"""`python -m devstack <command>` (also installed as `consortium`).

run             migrate, start broker + services + gateway, load the demo, print URL and accounts
migrate         apply every component's Alembic migrations to its configured database
replay-outbox   re-send kept outbox events (after a broker lost its log); consumers drop duplicates
simulate        play a seeded county year through the gateway (devstack/simulate_cmd.py)
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from datetime import datetime


def cmd_migrate(args: argparse.Namespace) -> int:
    from platform_common.migrate import upgrade

    from .components import ALL, BY_NAME

    unknown = [n for n in args.components if n not in BY_NAME]
    if unknown:
        print(f"unknown component(s): {unknown}; choose from {sorted(BY_NAME)}", file=sys.stderr)
        return 2
    for c in [BY_NAME[n] for n in args.components] or ALL:
        upgrade(c.migrations_dir(), c.settings_class().database_url_from_env())
        print(f"migrated {c.name}")
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    from platform_common.db import make_engine
    from platform_common.relay import replay_outbox

    from .components import BY_NAME

    c = BY_NAME[args.component]
    since = datetime.fromisoformat(args.since) if args.since else None
    engine = make_engine(c.settings_class().database_url_from_env())
    count = replay_outbox(engine, c.outbox_table(), since)
    print(f"{c.name}: {count} kept events marked for re-publication; the running relay sends them now")
    return 0


def cmd_run(_args: argparse.Namespace) -> int:
    os.environ.setdefault("CONSORTIUM_DEMO_MODE", "true")
    from gateway.demo import DEMO_PASSWORD, USERS, ORGANISATIONS

    from .demo_data import load_demo_activity
    from .stack import Stack
    from .supervisor import STATUS_FILE_ENV, Supervisor, status_file

    stack = Stack.from_env(quiet=False)
    os.environ[STATUS_FILE_ENV] = str(status_file(stack.data_dir))  # the gateway's /health reads it
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(f"starting the platform (data in {stack.data_dir}, logs in {stack.log_dir}) ...", flush=True)
    began = time.monotonic()
    supervisor = Supervisor(stack)
    supervising = threading.Thread(target=supervisor.run, args=(stop,), name="supervisor", daemon=True)
    try:
        stack.start()
        supervising.start()
        timings = dict(stack.timings)
        print("platform up: " + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in timings.items()),
              flush=True)
        demo = os.environ.get("CONSORTIUM_DEMO_MODE", "").lower() in ("1", "true", "yes")
        if demo:
            print("loading the demo activity through the gateway ...", flush=True)
            step = time.monotonic()
            print(load_demo_activity(stack), flush=True)
            timings["demo activity"] = time.monotonic() - step
        print(f"\nConsole:  {stack.console_url}   (工作台: open it in a browser and log in with an account below)")
        print(f"Gateway:  {stack.gateway_url}   (API docs: {stack.gateway_url}/docs)")
        print(f"Broker:   {stack.kafka_bootstrap}")
        if demo:
            names = {o.org_id: o.name for o in ORGANISATIONS}
            print(f"\nDemo accounts (password: {DEMO_PASSWORD}):")
            for u in USERS:
                print(f"  {u.username:<20} {u.role.value:<18} {u.org_id:<26} {names[u.org_id]}")
            print(f"\nGet a token: curl -s -X POST {stack.gateway_url}/auth/token "
                  f"-d username=peoples.referral -d password={DEMO_PASSWORD}")
        print(f"\nREADY after {time.monotonic() - began:.1f} s ("
              + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in timings.items())
              + f"): {stack.gateway_url} answers with the demo data in place"
              + (f"; the console is at {stack.console_url}." if stack.console_url else "."))
        print("Ctrl-C stops everything; a process that dies is restarted.", flush=True)
        while not stop.wait(1):
            pass
    finally:
        print("stopping ...", flush=True)
        stop.set()
        if supervising.is_alive():
            supervising.join()
        stack.stop()
        supervisor.remove_status()
        print("stopped.", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="consortium", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run").set_defaults(func=cmd_run)
    p = sub.add_parser("migrate")
    p.add_argument("components", nargs="*", help="default: all of them")
    p.set_defaults(func=cmd_migrate)
    p = sub.add_parser("replay-outbox")
    p.add_argument("component", choices=["referral", "payment", "staffing", "gateway"])
    p.add_argument("--since", help="ISO date-time; default: every kept event")
    p.set_defaults(func=cmd_replay)
    from .simulate_cmd import add_parser as add_simulate

    add_simulate(sub)
    args = parser.parse_args(argv)
    return args.func(args)
