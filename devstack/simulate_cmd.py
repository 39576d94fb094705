"""`python -m devstack simulate`: a seeded county year driven through the gateway.

Against a running stack (`make run`, default http://127.0.0.1:8000) or, with `--start`, a stack of its own
in a temporary data directory that is stopped afterwards. The fund year defaults to the latest year
before this one that has no budget yet, so a second run (or one after `make run`'s demo) plays a fresh year.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import httpx


def add_parser(sub) -> None:  # noqa: ANN001 - argparse's private subparsers type
    p = sub.add_parser("simulate", help="play a seeded county year through the gateway")
    p.add_argument("--scale", choices=["tiny", "small", "full"], default="small")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--year", type=int, help="fund year; default: the latest past year without a budget")
    p.add_argument("--gateway", default=os.environ.get("CONSORTIUM_GATEWAY_URL", "http://127.0.0.1:8000"))
    p.add_argument("--start", action="store_true", help="start a stack in a temporary directory and stop it after")
    p.add_argument("--workers", type=int, default=6, help="concurrent users (threads)")
    p.add_argument("--json", type=Path, help="also write the report as JSON here")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_simulate)


def cmd_simulate(args: argparse.Namespace) -> int:
    if not args.start:
        return _simulate(args, args.gateway)
    os.environ.setdefault("CONSORTIUM_DEMO_MODE", "true")
    from .components import ALL
    from .stack import Stack, free_port

    with tempfile.TemporaryDirectory(prefix="consortium-sim-") as tmp:
        stack = Stack(Path(tmp), {c.name: free_port() for c in ALL}, free_port(),
                      extra_env={"CONSORTIUM_DEMO_MODE": "true"})
        print(f"starting a stack in {tmp} ...", file=sys.stderr, flush=True)
        stack.start(timeout=120)
        try:
            return _simulate(args, stack.gateway_url)
        finally:
            stack.stop()


def _simulate(args: argparse.Namespace, gateway_url: str) -> int:
    from simulator import simulate
    from simulator.client import SimulationError

    try:
        httpx.get(f"{gateway_url}/health", timeout=5)
    except httpx.HTTPError:
        print(f"no gateway at {gateway_url}: start the platform with `make run` (or pass --start)", file=sys.stderr)
        return 2
    try:
        report, text = simulate(gateway_url, args.scale, args.seed, args.year, workers=args.workers,
                                progress=not args.quiet)
    except SimulationError as e:
        print(f"simulation failed: {e}", file=sys.stderr)
        return 1
    print(text)
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    return 0 if not report["error_count"] else 1
