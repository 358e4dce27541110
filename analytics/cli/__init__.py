"""The command line: ``python -m analytics COMMAND …`` and ``python -m analytics report NAME …``.

Each module of this package is one area and defines ``register(commands, reports)``, adding
its sub-commands to the top-level ``commands`` and to ``reports`` (the ``report`` family).
Every command is a thin wrapper over an ``analytics`` function: parse, call, print.
Exit codes: 0 done, 2 refused input (the message says file, row, column and why).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from analytics.errors import ImportRefused, InputError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analytics",
        description="LaoKe 老客: import shop order exports and report on customers.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    report = commands.add_parser("report", help="print a report (see: report --help)")
    reports = report.add_subparsers(dest="report", required=True, metavar="REPORT")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        importlib.import_module(f"{__name__}.{info.name}").register(commands, reports)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args) or 0
    except (ImportRefused, InputError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
