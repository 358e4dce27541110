"""Reports of the purchase models: ``report bgnbd``, ``report clv`` and ``report clv-holdout``."""

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
    parse_date,
)

clv = lazy_module("analytics.clv")
settings = lazy_module("analytics.settings")

#: Columns ``report clv`` prints, one row per customer.
CLV_COLUMNS = [
    "platform",
    "shop",
    "customer_id",
    "p_alive",
    "expected_purchases",
    "expected_aov",
    "clv",
]


def register(commands, reports) -> None:
    bgnbd = reports.add_parser(
        "bgnbd",
        help="BG/NBD parameters fitted on the customers' purchase days",
        description="Fit BG/NBD (r, alpha, a, b) on every customer's valid orders up to "
        "the as-of date and print the parameters and log-likelihood.",
    )
    add_scope(bgnbd)
    add_lazy_choice(
        bgnbd, "--unit", "analytics.clv", "UNITS", default="week", help="time unit of alpha"
    )
    add_format(bgnbd)
    bgnbd.set_defaults(run=run_bgnbd)

    value = reports.add_parser(
        "clv",
        help="customer lifetime value (BG/NBD + Gamma-Gamma), one row per customer",
        description="P(alive), expected purchases, expected spend per purchase and "
        "discounted margin over the horizon for every customer.",
    )
    add_scope(value)
    value.add_argument(
        "--horizon", type=_positive_int, default=365, help="days ahead (default 365)"
    )
    value.add_argument(
        "--margin",
        type=float,
        default=None,
        help="gross margin as a fraction (default: the shop's margin set in the promotion "
        "planner, else 0.4)",
    )
    value.add_argument(
        "--discount-rate",
        type=float,
        default=0.1,
        help="annual discount rate (default 0.1)",
    )
    add_format(value)
    value.set_defaults(run=run_clv)

    holdout = reports.add_parser(
        "clv-holdout",
        help="BG/NBD predicted vs actual purchases in a holdout period",
        description="Fit BG/NBD up to --calibration-end and compare, per calibration "
        "frequency, the mean predicted and actual purchase days up to --holdout-end.",
    )
    add_scope(holdout, as_of=False)
    holdout.add_argument("--calibration-end", type=parse_date, required=True)
    holdout.add_argument("--holdout-end", type=parse_date, required=True)
    add_format(holdout)
    holdout.set_defaults(run=run_holdout)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return value


def run_bgnbd(args) -> int:
    con = open_db(args)
    params = clv.bgnbd_report(con, as_of=as_of(con, args), unit=args.unit, shop=args.shop)
    emit(params, args.format)
    return 0


def run_clv(args) -> int:
    con = open_db(args)
    if _stored_clv_fits(con, args):
        from analytics import scores

        emit(scores.clv_table(con, margin=args.margin)[CLV_COLUMNS], args.format)
        return 0
    result = clv.clv(
        con,
        as_of=as_of(con, args),
        horizon_days=args.horizon,
        margin=settings.gross_margin(con) if args.margin is None else args.margin,
        annual_discount_rate=args.discount_rate,
        shop=args.shop,
    )
    emit(result[CLV_COLUMNS], args.format)
    return 0


def _stored_clv_fits(con, args) -> bool:
    """Whether the stored scores answer this `report clv` (current, newest order day, all
    shops, 365 days at a 10% discount). Stale scores (an import with --skip-scores) are not
    rebuilt here: a report only reads, so it computes instead."""
    from analytics import scores, store

    if args.shop or args.horizon != scores.CLV_HORIZON_DAYS:
        return False
    if args.discount_rate != scores.CLV_DISCOUNT:
        return False
    if args.as_of and args.as_of != store.latest_order_date(con):
        return False
    return scores.is_current(con) and scores.stored_as_of(con) == as_of(con, args)


def run_holdout(args) -> int:
    con = open_db(args)
    result = clv.holdout_check(
        con,
        calibration_end=args.calibration_end,
        holdout_end=args.holdout_end,
        shop=args.shop,
    )
    emit(result, args.format)
    return 0
