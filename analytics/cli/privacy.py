"""A customer's data (PIPL) and the access logs: ``customer find|export|delete`` and
``report downloads`` / ``report deletions``.

``customer delete`` asks for confirmation on a terminal (or takes ``--yes``); it refuses
without one. Backups taken before the deletion may still hold the customer. Exports are
recorded in the download log like every list handed out. Thin wrappers over
``analytics.privacy`` and ``analytics.downloads``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from analytics.cli._common import add_db, add_format, emit, lazy_module, open_db, write_db
from analytics.errors import InputError

privacy = lazy_module("analytics.privacy")
downloads = lazy_module("analytics.downloads")

BACKUP_WARNING = (
    "note: backups made before this deletion (data/backups/) may still hold this customer"
)


def register(commands, reports) -> None:
    p = commands.add_parser("customer", help="find, export or delete one customer's data (PIPL)")
    sub = p.add_subparsers(dest="customer_command", required=True, metavar="ACTION")

    find = sub.add_parser("find", help="customers by id, name or the last digits of a phone")
    find.add_argument("query")
    find.add_argument("--shop", help="only this shop, as PLATFORM/SHOP")
    add_db(find)
    add_format(find)
    find.set_defaults(run=run_find)

    exp = sub.add_parser("export", help="everything stored about one customer, as XLSX or JSON")
    _add_key(exp)
    exp.add_argument("--out", required=True, help="output file, .xlsx or .json")
    exp.set_defaults(run=run_export)

    delete = sub.add_parser("delete", help="delete one customer from every table (recorded)")
    _add_key(delete)
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    delete.set_defaults(run=run_delete)

    r = reports.add_parser("downloads", help="who downloaded which customer list, and when")
    add_db(r)
    r.add_argument("--user", help="only this user")
    r.add_argument("--limit", type=int, default=1000, help="newest N downloads (1000)")
    add_format(r)
    r.set_defaults(run=run_report_downloads)

    d = reports.add_parser("deletions", help="recorded deletions of a customer's data")
    add_db(d)
    add_format(d)
    d.set_defaults(run=run_report_deletions)


def _add_key(parser) -> None:
    parser.add_argument("customer_id", help="the platform's buyer id")
    parser.add_argument("--shop", help="PLATFORM/SHOP (needed when the id is in several shops)")
    add_db(parser)


def resolve_key(con, customer_id: str, shop: str | None):
    """The one customer named by ``customer_id`` (and ``shop``, ``platform/shop``)."""
    if shop:
        platform, sep, name = shop.partition("/")
        if not sep or not platform or not name:
            raise InputError(f"--shop {shop!r}: expected PLATFORM/SHOP, e.g. taobao/老客优选旗舰店")
        return privacy.CustomerKey(platform, name, customer_id)
    found = privacy.find_customers(con, customer_id)
    found = found[found["customer_id"] == customer_id]
    if found.empty:
        raise InputError(f"customer {customer_id!r} not found")
    if len(found) > 1:
        shops = ", ".join(f"{r.platform}/{r.shop}" for r in found.itertuples())
        raise InputError(f"customer {customer_id!r} is in several shops ({shops}); pass --shop")
    row = found.iloc[0]
    return privacy.CustomerKey(row["platform"], row["shop"], customer_id)


def run_find(args) -> int:
    con = open_db(args)
    try:
        found = privacy.find_customers(con, args.query, shop=args.shop)
    finally:
        con.close()
    emit(found, args.format)
    return 0


def run_export(args) -> int:
    out = Path(args.out)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ("xlsx", "json"):
        raise InputError(f"{args.out}: --out must end in .xlsx or .json")
    if not out.parent.is_dir():
        raise InputError(f"{args.out}: folder {out.parent} does not exist")
    con = open_db(args)
    try:
        key = resolve_key(con, args.customer_id, args.shop)
        data = privacy.export_customer(con, key, fmt=fmt)
        rows = sum(len(df) for df in privacy.customer_record(con, key).values())
    finally:
        con.close()
    out.write_bytes(data)
    with write_db(args) as writer:
        downloads.record(
            writer,
            user=downloads.cli_user(),
            role="owner",
            source=f"privacy.export:{key}",
            rows=rows,
            masked=False,
            file_name=out.name,
            fmt=fmt,
        )
    print(f"{key}: {rows} rows written to {out}")
    return 0


def run_delete(args) -> int:
    con = open_db(args)
    try:
        key = resolve_key(con, args.customer_id, args.shop)
        if not args.yes:
            if not sys.stdin.isatty():
                raise InputError(f"deleting {key} needs confirmation: run on a terminal or --yes")
            answer = input(f"delete every row of customer {key}? type the customer id: ")
            if answer.strip() != key.customer_id:
                raise InputError("not confirmed; nothing deleted")
    finally:
        con.close()
    with write_db(args) as writer:
        counts = privacy.delete_customer(writer, key, user=downloads.cli_user())
    print(f"deleted customer {key}:")
    for table, n in counts.items():
        print(f"  {table}: {n}")
    print(BACKUP_WARNING)
    return 0


def run_report_downloads(args) -> int:
    con = open_db(args)
    try:
        log = downloads.download_log(con, user=args.user, limit=args.limit)
    finally:
        con.close()
    emit(log, args.format)
    return 0


def run_report_deletions(args) -> int:
    con = open_db(args)
    try:
        log = privacy.deletion_log(con)
    finally:
        con.close()
    emit(log, args.format)
    return 0
