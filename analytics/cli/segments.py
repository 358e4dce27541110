"""Customer segmentation reports: ``report rfm``, ``segments``, ``tiers``, ``pareto``,
``age-bands`` and ``quality``.

Thin wrappers over ``analytics.rfm``, ``tiers``, ``pareto`` and ``demographics``; the RFM
and tier rules are the ones stored in the database (Settings page), defaults otherwise.
"""

from __future__ import annotations

import sys

from analytics import settings
from analytics.cli._common import (
    add_format,
    add_lazy_choice,
    add_scope,
    as_of,
    emit,
    is_frame,
    lazy_module,
    open_db,
)
from analytics.i18n import LANGUAGES

demographics = lazy_module("analytics.demographics")
pareto = lazy_module("analytics.pareto")
rfm = lazy_module("analytics.rfm")
tiers = lazy_module("analytics.tiers")

RFM_COLUMNS = [
    "platform",
    "shop",
    "customer_id",
    "recency_days",
    "frequency",
    "monetary",
    "r",
    "f",
    "m",
    "segment",
]


def register(commands, reports) -> None:
    p = reports.add_parser(
        "rfm",
        help="RFM scores and segment of every buyer as of a date",
        description="One record per buyer with >= 1 valid order on or before the as-of "
        "date: recency_days, frequency, monetary, the 1-5 scores r, f, m and the segment.",
    )
    add_scope(p)
    add_lazy_choice(
        p,
        "--method",
        "analytics.rfm",
        "METHODS",
        help="scoring method (default: the stored setting)",
    )
    add_format(p)
    p.set_defaults(run=run_rfm)

    p = reports.add_parser(
        "segments",
        help="buyers and revenue per RFM segment, with the suggested action",
    )
    add_scope(p)
    add_lazy_choice(
        p,
        "--method",
        "analytics.rfm",
        "METHODS",
        help="scoring method (default: the stored setting)",
    )
    p.add_argument("--lang", choices=LANGUAGES, default="zh", help="language of the actions")
    add_format(p)
    p.set_defaults(run=run_segments)

    p = reports.add_parser(
        "tiers",
        help="member tiers: buyers and revenue per tier (or each buyer, or upgrade candidates)",
    )
    add_scope(p, as_of=False)
    which = p.add_mutually_exclusive_group()
    which.add_argument("--customers", action="store_true", help="every buyer's tier")
    which.add_argument(
        "--candidates", action="store_true", help="buyers within reach of the next tier"
    )
    p.add_argument("--within-spend", type=float, default=200.0, help="with --candidates")
    p.add_argument("--within-orders", type=int, default=1, help="with --candidates")
    add_format(p)
    p.set_defaults(run=run_tiers)

    p = reports.add_parser(
        "pareto",
        help="20/80: share of revenue from the top share of buyers, as a curve",
    )
    add_scope(p, as_of=False)
    p.add_argument("--points", type=int, default=10, help="curve points (default 10)")
    add_format(p)
    p.set_defaults(run=run_pareto)

    p = reports.add_parser(
        "age-bands",
        help="buyers and revenue per age band (unknown ages spread at random, fixed seed)",
    )
    add_scope(p)
    p.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    add_format(p)
    p.set_defaults(run=run_age_bands)

    p = reports.add_parser(
        "quality",
        help="高质量客户: buyers with no bad review (or, without review data, no refund)",
    )
    add_scope(p)
    p.add_argument("--list", action="store_true", help="list the customers instead")
    add_format(p)
    p.set_defaults(run=run_quality)


def _show(result, fmt: str) -> None:
    """``emit`` with missing values (NA, NaT) as empty/null, whatever their dtype (JSON and
    CSV stream through Arrow, which writes every missing value as null/empty already)."""
    if is_frame(result) and fmt not in ("json", "csv"):
        result = result.astype(object).where(result.notna(), None)
    emit(result, fmt)


def _rfm_settings(con, args) -> rfm.RfmSettings:
    stored = settings.load(con, "rfm", rfm.RfmSettings)
    if args.method:
        stored = rfm.RfmSettings(
            method=args.method,
            recency_edges=stored.recency_edges,
            frequency_edges=stored.frequency_edges,
            monetary_edges=stored.monetary_edges,
        )
    return stored


def run_rfm(args) -> int:
    con = open_db(args)
    df = rfm.rfm_scores(  # the stored scores when they answer it (analytics.scored)
        con, as_of=as_of(con, args), settings=_rfm_settings(con, args), shop=args.shop
    )
    _show(df[RFM_COLUMNS], args.format)
    return 0


def run_segments(args) -> int:
    con = open_db(args)
    df = rfm.segment_summary(
        con,
        as_of=as_of(con, args),
        settings=_rfm_settings(con, args),
        shop=args.shop,
        lang=args.lang,
    )
    _show(df, args.format)
    return 0


def run_tiers(args) -> int:
    con = open_db(args)
    rules = settings.load(con, "tiers", tiers.TierRules)
    if args.customers:
        df = tiers.customer_tiers(con, rules=rules, shop=args.shop)
    elif args.candidates:
        df = tiers.upgrade_candidates(
            con,
            rules=rules,
            within_spend=args.within_spend,
            within_orders=args.within_orders,
            shop=args.shop,
        )
    else:
        df = tiers.tier_summary(con, rules=rules, shop=args.shop)
    _show(df, args.format)
    return 0


def run_pareto(args) -> int:
    con = open_db(args)
    curve = pareto.pareto_curve(con, shop=args.shop, points=args.points)
    _show(curve, args.format)
    if args.format == "table":
        share = pareto.top_share(con, top=0.2, shop=args.shop)
        sys.stdout.write(f"top 20% of buyers: {share:.1%} of revenue\n")
    return 0


def run_age_bands(args) -> int:
    con = open_db(args)
    df = demographics.age_band_summary(con, as_of=as_of(con, args), seed=args.seed, shop=args.shop)
    _show(df, args.format)
    return 0


def run_quality(args) -> int:
    con = open_db(args)
    if args.list:
        _show(demographics.quality_customers(con, as_of=args.as_of, shop=args.shop), args.format)
    else:
        _show(demographics.quality_summary(con, as_of=args.as_of, shop=args.shop), args.format)
    return 0
