"""``report lifecycle``, ``report customer-types``, ``report funnel`` and ``report cohorts``.

Stages and customer types use the stage cut-offs and type thresholds stored in the
database (edited on the 生命周期 page), as of --as-of (default: the newest order's date).
"""

from __future__ import annotations

from analytics.cli._common import (
    add_format,
    add_lazy_choice,
    add_scope,
    as_of,
    emit,
    lazy_module,
    open_db,
)

cohorts = lazy_module("analytics.cohorts")
lifecycle = lazy_module("analytics.lifecycle")

#: Columns ``report lifecycle`` prints, in this order.
LIFECYCLE_COLUMNS = ["stage", "customers", "revenue"]
#: Leading columns of ``report cohorts`` (more follow them).
COHORT_COLUMNS = ["cohort", "age", "customers", "orders", "revenue"]


def register(commands, reports) -> None:
    p = reports.add_parser(
        "lifecycle",
        help="buyers and revenue per stage (active, silent, sleeping, at_risk, lost)",
    )
    add_scope(p)
    add_format(p)
    p.set_defaults(run=_run_lifecycle)

    p = reports.add_parser(
        "customer-types",
        help="customers and revenue per type (potential, new, one_time, repeat, loyal)",
    )
    add_scope(p)
    add_format(p)
    p.set_defaults(run=_run_types)

    p = reports.add_parser(
        "funnel", help="buyers reaching their 1st, 2nd, 3rd, 4th+ valid order, median gaps"
    )
    add_scope(p)
    add_format(p)
    p.set_defaults(run=_run_funnel)

    p = reports.add_parser(
        "cohorts", help="acquisition cohorts by age: customers, orders, revenue, retention"
    )
    add_scope(p)
    add_lazy_choice(
        p, "--period", "analytics.cohorts", "PERIODS", default="month", help="cohort period"
    )
    add_format(p)
    p.set_defaults(run=_run_cohorts)


def _run_lifecycle(args) -> int:
    con = open_db(args)
    table = lifecycle.lifecycle(con, as_of=as_of(con, args), shop=args.shop)
    emit(table[LIFECYCLE_COLUMNS], args.format)
    return 0


def _run_types(args) -> int:
    con = open_db(args)
    emit(lifecycle.customer_type_summary(con, as_of=as_of(con, args), shop=args.shop), args.format)
    return 0


def _run_funnel(args) -> int:
    con = open_db(args)
    emit(lifecycle.order_funnel(con, as_of=as_of(con, args), shop=args.shop), args.format)
    return 0


def _run_cohorts(args) -> int:
    con = open_db(args)
    from analytics import views

    table = views.call(
        con, cohorts.cohort_table, period=args.period, as_of=as_of(con, args), shop=args.shop
    )
    extra = [c for c in table.columns if c not in COHORT_COLUMNS]
    emit(table[COHORT_COLUMNS + extra], args.format)
    return 0
