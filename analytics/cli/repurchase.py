"""Repurchase reports: ``report cycles``, ``report reminders`` and ``report churn-risk``."""

from __future__ import annotations

import argparse

from analytics.cli._common import (
    add_format,
    add_lazy_choice,
    add_scope,
    as_of,
    emit,
    lazy_module,
    open_db,
)

repurchase = lazy_module("analytics.repurchase")


def register(commands, reports) -> None:
    cycles = reports.add_parser(
        "cycles",
        help="repurchase cycle per product or category: median days between purchases",
        description="Median and quartiles of the days between a customer's purchases of "
        "the same product (or category), over valid orders up to the as-of date.",
    )
    add_scope(cycles)
    add_lazy_choice(
        cycles,
        "--level",
        "analytics.repurchase",
        "LEVELS",
        default="product",
        help="what a cycle is measured over",
    )
    cycles.add_argument(
        "--min-customers",
        type=_whole_number(1),
        help="fewest customers who bought it on two or more days (default: settings, 5)",
    )
    add_format(cycles)
    cycles.set_defaults(run=run_cycles)

    remind = reports.add_parser(
        "reminders",
        help="customers due for a repurchase reminder in the next days",
        description="One row per customer and product whose reminder day (expected next "
        "purchase minus the settings' remind-before days) falls within "
        "[as-of, as-of + --within].",
    )
    add_scope(remind)
    remind.add_argument("--within", type=_whole_number(0), default=7, help="days ahead (default 7)")
    add_format(remind)
    remind.set_defaults(run=run_reminders)

    churn = reports.add_parser(
        "churn-risk",
        help="customers overdue against their own or their product's cycle",
        description="Customers whose days since their last valid order exceed --factor "
        "times their expected gap, ranked by value at risk.",
    )
    add_scope(churn)
    churn.add_argument("--factor", type=float, help="overdue factor (default: settings, 1.5)")
    add_format(churn)
    churn.set_defaults(run=run_churn)


def _whole_number(minimum: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected a whole number >= {minimum}, got {text!r}")
        return value

    return parse


def run_cycles(args) -> int:
    con = open_db(args)
    result = repurchase.product_cycles(
        con,
        as_of=as_of(con, args),
        level=args.level,
        min_customers=args.min_customers,
        shop=args.shop,
    )
    emit(result, args.format)
    return 0


def run_reminders(args) -> int:
    con = open_db(args)
    result = repurchase.reminders(
        con, as_of=as_of(con, args), within_days=args.within, shop=args.shop
    )
    emit(result, args.format)
    return 0


def run_churn(args) -> int:
    con = open_db(args)
    result = repurchase.churn_risk(con, as_of=as_of(con, args), factor=args.factor, shop=args.shop)
    emit(result, args.format)
    return 0
