"""Promotion maths reports: ``report break-even``, ``report threshold``, ``report pooling``.

Thin wrappers over ``analytics.promotions``; impossible inputs (a cut at or above the
margin, a reduction at or above the threshold, …) exit 2 with the function's message.
The table format ends with the result as a plain sentence (``--lang zh|en``).
"""

from __future__ import annotations

import sys

from analytics.cli._common import add_format, add_scope, emit, lazy_module, open_db, parse_date
from analytics.i18n import LANGUAGES

promotions = lazy_module("analytics.promotions")


def register(commands, reports) -> None:
    cut = reports.add_parser(
        "break-even",
        help="volume a price cut needs to earn the same profit",
        description="Volume multiplier m / (m - d) for a price cut d at gross margin m, "
        "both fractions of the original price (e.g. --margin 0.5 --discount 0.1).",
    )
    cut.add_argument("--margin", type=float, required=True, help="gross margin, e.g. 0.5")
    cut.add_argument("--discount", type=float, required=True, help="price cut, e.g. 0.1")
    _add_output(cut)
    cut.set_defaults(run=run_break_even)

    threshold = reports.add_parser(
        "threshold",
        help="满X减Y on the shop's real orders: who gets it free, who is close, break-even",
        description="Count the period's valid orders at or above X, within reach below X "
        "and far below; the discount given away and the extra orders needed to pay for it.",
    )
    add_scope(threshold, as_of=False)
    _add_threshold(threshold)
    threshold.add_argument("--reduction", type=float, required=True, help="Y, money off")
    threshold.add_argument("--margin", type=float, required=True, help="gross margin")
    threshold.add_argument(
        "--reach",
        type=float,
        default=0.2,
        help="within reach = at least X*(1-reach) (default 0.2)",
    )
    _add_output(threshold)
    threshold.set_defaults(run=run_threshold)

    pool = reports.add_parser(
        "pooling",
        help="拼单: how many orders below X could pool in pairs to reach X",
        description="Pair the period's valid orders below X (same shop) so that each "
        "pair reaches X; print the counts, or with --pairs the pairs themselves.",
    )
    add_scope(pool, as_of=False)
    _add_threshold(pool)
    pool.add_argument("--pairs", action="store_true", help="list the pairs instead")
    _add_output(pool)
    pool.set_defaults(run=run_pooling)


def _add_threshold(parser) -> None:
    parser.add_argument("--threshold", type=float, required=True, help="X, the order value")
    parser.add_argument("--start", type=parse_date, required=True, help="first day")
    parser.add_argument("--end", type=parse_date, required=True, help="last day (included)")


def _add_output(parser) -> None:
    add_format(parser)
    parser.add_argument("--lang", choices=LANGUAGES, default="zh", help="sentence language")


def _print(result, args) -> None:
    emit(result, args.format)
    if args.format == "table":
        sys.stdout.write(result.sentence(args.lang) + "\n")


def run_break_even(args) -> int:
    _print(promotions.break_even(margin=args.margin, discount=args.discount), args)
    return 0


def run_threshold(args) -> int:
    con = open_db(args)
    try:
        result = promotions.threshold_simulator(
            con,
            threshold=args.threshold,
            reduction=args.reduction,
            start=args.start,
            end=args.end,
            margin=args.margin,
            reach=args.reach,
            shop=args.shop,
        )
    finally:
        con.close()
    _print(result, args)
    return 0


def run_pooling(args) -> int:
    con = open_db(args)
    try:
        scope = dict(threshold=args.threshold, start=args.start, end=args.end, shop=args.shop)
        if args.pairs:
            emit(promotions.pooling_pairs(con, **scope), args.format)
            return 0
        result = promotions.pooling(con, **scope)
    finally:
        con.close()
    _print(result, args)
    return 0
