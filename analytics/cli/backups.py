"""``backups`` (list the backups taken before imports) and ``restore`` (bring one back)."""

from __future__ import annotations

import json
import sys

from analytics import store
from analytics.cli._common import add_db, on_wait
from analytics.errors import InputError


def register(commands, reports) -> None:
    b = commands.add_parser(
        "backups",
        help="list the database backups taken before each import (newest first)",
    )
    add_db(b)
    b.add_argument("--format", choices=("table", "json"), default="table")
    b.set_defaults(run=_run_backups)

    r = commands.add_parser(
        "restore",
        help="make a backup the current database (the current one is backed up first)",
        description="Owner action: replace the database with backup NAME (see: backups), or "
        "the newest one with --latest. Waits for a running import, like every write.",
    )
    which = r.add_mutually_exclusive_group(required=True)
    which.add_argument("name", nargs="?", metavar="NAME", help="a backup name from `backups`")
    which.add_argument("--latest", action="store_true", help="the newest backup")
    add_db(r)
    r.set_defaults(run=_run_restore)


def _run_backups(args) -> int:
    found = store.backups(args.db)
    if args.format == "json":
        rows = [
            {
                "name": b.name,
                "created_at": b.created_at.isoformat(),
                "size": b.size,
                "before": b.before,
            }
            for b in found
        ]
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    if not found:
        print(f"no backups of {store.db_path(args.db)} yet (one is taken before each import)")
        return 0
    width = max(len(b.name) for b in found)
    print(f"{'name':<{width}}  {'taken at':<19}  {'size MB':>8}  before")
    for b in found:
        print(
            f"{b.name:<{width}}  {b.created_at:%Y-%m-%d %H:%M:%S}  {b.size / 1e6:8.1f}  {b.before}"
        )
    return 0


def _run_restore(args) -> int:
    name = args.name
    if args.latest:
        found = store.backups(args.db)
        if not found:
            raise InputError(f"{store.db_path(args.db)}: there are no backups to restore")
        name = found[0].name
    chosen = store.restore(args.db, name, on_wait=on_wait(args))
    print(
        f"restored {chosen.name} (taken {chosen.created_at:%Y-%m-%d %H:%M:%S}, before "
        f"{chosen.before}); the database it replaced is now the newest backup"
    )
    return 0
