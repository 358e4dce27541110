"""``report kpis``: the headline KPIs over valid orders (all time unless a window is given)."""

from __future__ import annotations

from analytics.cli._common import add_format, add_scope, emit, open_db, parse_date
from analytics.kpis import kpis


def register(commands, reports) -> None:
    p = reports.add_parser(
        "kpis",
        help="customers, valid orders, revenue, AOV, repurchase rate, returning revenue share",
    )
    add_scope(p, as_of=False)
    p.add_argument("--start", type=parse_date, help="first day included (default: all time)")
    p.add_argument("--end", type=parse_date, help="first day excluded (default: all time)")
    add_format(p)
    p.set_defaults(run=_run)


def _run(args) -> int:
    con = open_db(args)
    emit(kpis(con, start=args.start, end=args.end, shop=args.shop), args.format)
    return 0
