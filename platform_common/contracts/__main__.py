"""`python -m platform_common.contracts [--check] [--root DIR]`: write docs/EVENTS.md and docs/events/*.json
from the models, or (--check) exit 1 naming the files that differ from them."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import CONTRACTS, TOPICS
from .docs import files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m platform_common.contracts", description=__doc__)
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[2])
    args = parser.parse_args(argv)
    wanted = files(TOPICS, CONTRACTS)
    events_dir = args.root / "docs" / "events"
    stale = sorted(p.relative_to(args.root).as_posix() for p in events_dir.glob("*.json")
                   if p.relative_to(args.root).as_posix() not in wanted) if events_dir.exists() else []
    differ = [path for path, text in wanted.items()
              if not (args.root / path).exists() or (args.root / path).read_text(encoding="utf-8") != text]
    if args.check:
        for path in differ + stale:
            print(f"{path} differs from the contracts; run python -m platform_common.contracts", file=sys.stderr)
        return 1 if differ or stale else 0
    for path in differ:
        target = args.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(wanted[path], encoding="utf-8")
    for path in stale:
        (args.root / path).unlink()
    print(f"{len(differ)} written, {len(stale)} removed, {len(wanted) - len(differ)} unchanged")
    return 0


if __name__ == "__main__":
    sys.exit(main())
