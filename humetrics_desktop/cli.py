"""`humetrics`: the window by default; headless commands per docs/cli.md.

JSON goes to stdout, progress and messages to stderr; bad input exits non-zero with one line.
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

COMMANDS = ("inspect", "metrics", "demo", "snapshot", "report")


class _Fail(Exception):
    """A one-line reason for a non-zero exit."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="humetrics",
        description="HuMetrics Desktop. With no command, opens the window (on the bundled demo data "
                    "unless files or a workspace are given). The commands below run headless.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("inspect", help="detect each file's format and report how it reads")
    s.add_argument("files", nargs="+")
    s.add_argument("--json", action="store_true", help="print JSON (the default and only output)")

    s = sub.add_parser("metrics", help="import files (or open a workspace) and print the dashboard's numbers")
    s.add_argument("paths", nargs="+")
    s.add_argument("--json", action="store_true", help="print JSON (the default and only output)")
    s.add_argument("--from", dest="start", type=date.fromisoformat, help="first day (YYYY-MM-DD)")
    s.add_argument("--to", dest="end", type=date.fromisoformat, help="last day (YYYY-MM-DD)")
    s.add_argument("--only", help="comma-separated sections: users,engagement,nps,sentiment,demography")
    s.add_argument("--suppress", type=int, metavar="K", help="hide counts below K (small-cell suppression)")

    s = sub.add_parser("demo", help="write the demo exports with their planted stories")
    s.add_argument("--out", required=True, type=Path)
    s.add_argument("--users", type=int, default=20_000)
    s.add_argument("--events", type=int, default=1_000_000)
    s.add_argument("--seed", type=int, default=0)

    s = sub.add_parser("snapshot", help="render every main view offscreen to DIR/<view>.png")
    s.add_argument("paths", nargs="+")
    s.add_argument("--out", required=True, type=Path)

    s = sub.add_parser("report", help="write a report of the findings (PDF, HTML or PPTX)")
    s.add_argument("paths", nargs="+")
    s.add_argument("--out", required=True, type=Path)
    return p


def _load(paths: list[str]):
    from .core.loading import load_paths
    from .core.progress import ConsoleProgress
    outcome = load_paths(paths, ConsoleProgress())
    for err in outcome.errors:
        print(err, file=sys.stderr)
    if not outcome.workspace.tables and not outcome.workspace.layers:
        raise _Fail(outcome.errors[0] if outcome.errors else "nothing to read")
    return outcome.workspace


def cmd_inspect(args: argparse.Namespace) -> int:
    from .core.io.registry import read_any
    from .core.io.report import ImportError_
    from .core.io.summary import summarise
    from .core.progress import ConsoleProgress
    out, failed = [], []
    for f in args.files:
        try:
            out.append(summarise(read_any(f, ConsoleProgress())))
        except ImportError_ as e:
            failed.append(str(e))
            print(str(e), file=sys.stderr)
    print(json.dumps(out, indent=2, ensure_ascii=False))
    return 1 if failed else 0


def cmd_metrics(args: argparse.Namespace) -> int:
    from .core.filters import Filter
    from .core.metrics.dashboard import SECTIONS, compute_metrics
    from .core.progress import ConsoleProgress
    sections = tuple(s.strip() for s in args.only.split(",")) if args.only else SECTIONS
    bad = set(sections) - set(SECTIONS)
    if bad:
        raise _Fail(f"unknown section {', '.join(sorted(bad))}; choose from {', '.join(SECTIONS)}")
    ws = _load(args.paths)
    result = compute_metrics(ws, sections, Filter(start=args.start, end=args.end), args.suppress,
                             ConsoleProgress())
    print(json.dumps(result, indent=2, ensure_ascii=False, default=str))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from .core.demo import generate
    from .core.progress import ConsoleProgress
    manifest = generate(args.out, users=args.users, events=args.events, seed=args.seed,
                        progress=ConsoleProgress())
    print(f"wrote demo exports to {args.out} ({len(manifest.get('stories', []))} planted stories)",
          file=sys.stderr)
    return 0


def cmd_snapshot(args: argparse.Namespace) -> int:
    from .ui.snapshot import snapshot
    ws = _load(args.paths)
    for path in snapshot(ws, args.out):
        print(path)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from .ui.report_export import export_report
    ws = _load(args.paths)
    export_report(ws, args.out)
    print(args.out)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help")):
        from .app import run_app
        return run_app(argv)
    args = _parser().parse_args(argv)
    handler = {"inspect": cmd_inspect, "metrics": cmd_metrics, "demo": cmd_demo,
               "snapshot": cmd_snapshot, "report": cmd_report}[args.command]
    try:
        return handler(args)
    except _Fail as e:
        print(f"humetrics {args.command}: {e}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as e:
        print(f"humetrics {args.command}: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
