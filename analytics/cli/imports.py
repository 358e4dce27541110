"""``import`` (order exports and buyer profiles), ``undo`` and ``report imports``."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from analytics.cli._common import add_db, add_format, emit, open_db, write_db
from analytics.errors import ImportRefused, InputError
from analytics.i18n import t
from analytics.importers import import_orders
from analytics.importers.detect import BY_PLATFORM
from analytics.importers.formats import ALL_FIELDS
from analytics.importers.history import import_history, undo_import
from analytics.importers.profiles import import_profiles


def register(commands, reports) -> None:
    p = commands.add_parser(
        "import",
        help="import order exports (CSV/XLSX/XLS) into the store",
        description="Import order exports. Exit 0 when every file was imported, 2 when any "
        "file was refused (a refused file changes nothing).",
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    add_db(p)
    p.add_argument("--platform", default="auto", choices=("auto", *BY_PLATFORM))
    p.add_argument("--shop", help="shop name, when the file has no shop column")
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help=f"take FIELD from COLUMN (fields: {', '.join(ALL_FIELDS)}); remembered for files "
        "with the same columns, so later imports need no --map",
    )
    p.add_argument("--profiles", action="store_true", help="the files are buyer profiles")
    p.add_argument(
        "--skip-scores",
        action="store_true",
        help="do not rebuild the per-customer scores now (the first report or page rebuilds them)",
    )
    p.set_defaults(run=_run_import)

    u = commands.add_parser("undo", help="roll back one import (see: report imports)")
    u.add_argument("import_id", type=int)
    add_db(u)
    u.set_defaults(run=_run_undo)

    r = reports.add_parser("imports", help="the import history")
    add_db(r)
    add_format(r)
    r.set_defaults(run=lambda args: emit(import_history(open_db(args)), args.format))


def _parse_map(pairs: list[str]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise InputError(f"--map {pair!r}: expected FIELD=COLUMN")
        mapping[field.strip()] = column.strip()
    return mapping


def _run_import(args) -> int:
    mapping = _parse_map(args.map)
    status = 0
    imported = False
    kind = "profiles" if args.profiles else "orders"
    scored = False
    for index, path in enumerate(args.files):
        try:
            with write_db(args, import_of=Path(path).name, kind=kind) as con:
                if args.profiles:
                    result = import_profiles(con, path)
                else:
                    result = import_orders(
                        con,
                        path,
                        platform=args.platform,
                        shop=args.shop,
                        mapping=mapping or None,
                        progress=_progress(path),
                    )
                if index == len(args.files) - 1 and not args.skip_scores:
                    # The last file lands with its scores and page views in one step: an open
                    # dashboard goes on showing the previous data until both are there,
                    # never new orders without their figures (computed on every page view).
                    _rebuild_scores(con)
                    scored = True
        except ImportRefused as exc:
            print(f"\r{exc.file}: REFUSED: {exc.reason}", file=sys.stderr)
            status = 2
            continue
        except FileNotFoundError:
            print(f"{path}: REFUSED: no such file", file=sys.stderr)
            status = 2
            continue
        imported = True
        print(
            f"\r{result.file_name}: imported as #{result.import_id} ({result.platform}): "
            f"{result.rows_read} rows read, {result.inserted} inserted, {result.updated} updated, "
            f"{result.unchanged} unchanged, {result.rejected} rejected"
            + (f", {result.lines_written} order lines written" if result.lines_written else "")
            + (f", {t('importers.merged', 'en', n=result.merged)}" if result.merged else "")
        )
        if result.reason:
            print(f"  detected: {result.reason}")
        if result.platform == "buyers":
            print(f"  {result.updated} orders got their buyer, {result.unchanged} already had it")
        for notice in result.notices("en"):
            print(f"  {notice}")
        for problem in result.problems:
            print(f"  rejected {problem}")
        if result.rejected > len(result.problems):
            print(f"  … and {result.rejected - len(result.problems)} more rejected rows")
    if imported and not scored and not args.skip_scores:
        with write_db(args) as con:  # the last file was refused: a write of their own
            _rebuild_scores(con)
    return status


def _rebuild_scores(con) -> None:
    """Per-customer scores for the new data version, right after the import or undo."""
    from analytics import scores

    started = time.monotonic()
    show = sys.stderr.isatty()

    def progress(fraction: float, step: str) -> None:
        if show:
            elapsed = time.monotonic() - started
            print(f"\rscores: {step:<8} {fraction:6.1%}  {elapsed:5.0f} s", end="", file=sys.stderr)

    scores.ensure(con, progress=progress)
    if show:
        print(file=sys.stderr)


def _progress(path: str):
    """A progress line on a terminal (nothing when stderr is a file or a pipe)."""
    if not sys.stderr.isatty():
        return None
    started = time.monotonic()

    def show(fraction: float) -> None:
        elapsed = time.monotonic() - started
        print(
            f"\r{path}: reading {fraction:6.1%}  {elapsed:5.0f} s",
            end="",
            file=sys.stderr,
            flush=True,
        )

    return show


def _run_undo(args) -> int:
    with write_db(args) as con:
        summary = undo_import(con, args.import_id)
        if not getattr(args, "skip_scores", False):
            _rebuild_scores(con)
    print(
        f"import #{args.import_id} undone: {summary.removed} orders removed, "
        f"{summary.restored} restored to their previous version; {summary.lines_removed} order "
        f"lines removed, {summary.lines_restored} restored"
    )
    return 0
