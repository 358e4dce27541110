"""Target lists: ``export-list`` (build, log as a campaign, write CSV/XLSX) and
``report campaigns`` (treatment vs control response of every logged campaign).

Thin wrappers over ``analytics.campaigns`` and ``analytics.export``. ``export-list`` writes
nothing and logs nothing when the list is empty or an option is wrong (exit 2).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from analytics.cli._common import (
    add_format,
    add_scope,
    as_of,
    emit,
    lazy_module,
    open_db,
    parse_date,
    write_db,
)
from analytics.errors import InputError
from analytics.i18n import LANGUAGES

campaigns = lazy_module("analytics.campaigns")
downloads = lazy_module("analytics.downloads")
export = lazy_module("analytics.export")

_SOURCE_HELP = (
    "list source KIND:VALUE, e.g. rfm:at_risk, stage:sleeping, tier:gold, age_band:25-29, "
    "province:浙江, reminders:7, churn_risk:1.5, birthday_month, birthday_within:7, unpaid:3, "
    "churn (ranked, what the budget pays for) or churn:N, upgrade:20 (gap in %%), "
    "anniversary:7, event:618|double11|double12|nianhuo, holiday:14, new_arrival:CATEGORY, "
    "cross_sell:A,B (bought A, not yet B), upsell:CATEGORY[,PRICE], "
    "or all; a plain RFM segment name (at_risk) means rfm:NAME"
)

#: Columns ``report campaigns`` prints as a table (csv/json print every column).
_TABLE_COLUMNS = [
    "campaign_id",
    "name",
    "created_at",
    "segment",
    "treatment_members",
    "control_members",
    "treatment_buyers",
    "control_buyers",
    "treatment_rate",
    "control_rate",
    "uplift",
    "uplift_ci_low",
    "uplift_ci_high",
    "revenue_uplift_per_member",
    "offer_spend",
    "roi",
]


_RATE_COLUMNS = ("treatment_rate", "control_rate", "uplift", "uplift_ci_low", "uplift_ci_high")


def register(commands, reports) -> None:
    p = commands.add_parser(
        "export-list",
        help="build a campaign target list, log it, write CSV or XLSX",
        description="Build a target list (source, filters, exclusions, holdout), log it as "
        "a campaign (treatment and control) and write the treatment group to --out.",
    )
    add_scope(p)
    p.add_argument("--segment", required=True, metavar="KIND:VALUE|all", help=_SOURCE_HELP)
    p.add_argument("--min-spend", type=float, help="total spend at least (net of refunds)")
    p.add_argument("--max-spend", type=float, help="total spend at most")
    p.add_argument("--min-orders", type=int, help="valid orders at least")
    p.add_argument("--max-orders", type=int, help="valid orders at most")
    p.add_argument("--last-from", type=parse_date, help="last purchase on or after this day")
    p.add_argument("--last-to", type=parse_date, help="last purchase on or before this day")
    p.add_argument("--product", help="bought a product whose title contains this text")
    p.add_argument(
        "--aov",
        choices=("below", "above"),
        help="average order value below or above the shop's",
    )
    p.add_argument("--gender", help="gender in the uploaded customer profiles (e.g. 女)")
    p.add_argument("--tag", help="a profile tag containing this text")
    p.add_argument(
        "--exclude-recent-days",
        type=int,
        help="leave out buyers who paid in the last N days (default 15; 0 = off)",
    )
    p.add_argument(
        "--contacted-days",
        type=int,
        help="leave out customers of campaigns of the last N days (default 7; 0 = off)",
    )
    p.add_argument(
        "--no-exclude-refunded",
        dest="exclude_refunded",
        action="store_false",
        default=None,
        help="keep customers who had a refund",
    )
    p.add_argument(
        "--no-exclude-bad-review",
        dest="exclude_bad_review",
        action="store_false",
        default=None,
        help="keep customers who left a bad review",
    )
    p.add_argument("--holdout", type=float, help="control group share in percent, 0-50")
    p.add_argument("--seed", type=int, help="seed of the holdout draw (default 42)")
    p.add_argument("--out", required=True, help="output file, .csv or .xlsx")
    p.add_argument("--full-phone", action="store_true", help="do not mask phone numbers")
    p.add_argument("--lang", choices=LANGUAGES, default="zh", help="language of the file")
    p.add_argument("--name", help="campaign name (default: the source and the date)")
    p.add_argument("--offer", help="the offer sent (default: the suggested offer)")
    p.add_argument("--offer-cost", type=float, help="cost of one offer, for ROI")
    p.set_defaults(run=run_export_list)

    r = reports.add_parser(
        "campaigns",
        help="treatment vs control repurchase of every logged campaign, with a 95%% CI",
    )
    add_scope(r, as_of=False)
    r.add_argument("--window", type=int, default=30, help="days after the campaign (30)")
    r.add_argument("--campaign", type=int, help="only this campaign id")
    add_format(r)
    r.set_defaults(run=run_report)


def _spec(con, args) -> campaigns.ListSpec:
    kind, value = campaigns.parse_source(args.segment)
    defaults = campaigns.load_settings(con)

    def pick(given, default):
        return default if given is None else given

    return campaigns.ListSpec(
        kind=kind,
        value=value,
        min_spend=args.min_spend,
        max_spend=args.max_spend,
        min_orders=args.min_orders,
        max_orders=args.max_orders,
        last_purchase_from=args.last_from,
        last_purchase_to=args.last_to,
        product=args.product,
        aov=args.aov,
        gender=args.gender,
        tag=args.tag,
        exclude_paid_days=pick(args.exclude_recent_days, defaults.paid_days),
        exclude_contacted_days=pick(args.contacted_days, defaults.contacted_days),
        exclude_refunded=pick(args.exclude_refunded, defaults.exclude_refunded),
        exclude_bad_review=pick(args.exclude_bad_review, defaults.exclude_bad_review),
        holdout_pct=pick(args.holdout, defaults.holdout_pct),
        seed=pick(args.seed, defaults.seed),
    )


def _write_atomically(path: Path, data: bytes) -> Path:
    """Write ``data`` beside ``path`` under a temporary name; the caller renames it."""
    fd, tmp = tempfile.mkstemp(prefix=".laoke-", suffix=path.suffix, dir=path.parent)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return Path(tmp)


def run_export_list(args) -> int:
    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise InputError(f"{args.out}: --out must end in .csv or .xlsx")
    if not out.parent.is_dir():
        raise InputError(f"{args.out}: folder {out.parent} does not exist")
    con = open_db(args)
    try:
        spec = _spec(con, args)
        day = as_of(con, args)
        target = campaigns.build_list(con, spec, as_of=day, shop=args.shop, lang=args.lang)
        if target.size == 0:
            raise InputError(
                f"{spec.source}: no customer left after filters and exclusions; "
                "nothing written or logged"
            )
        writer = export.to_xlsx_bytes if suffix == ".xlsx" else export.to_csv_bytes
        tmp = _write_atomically(
            out, writer(target.members, full_phone=args.full_phone, lang=args.lang)
        )
        try:
            with write_db(args) as writer:
                campaign_id = campaigns.log_campaign(
                    writer,
                    target,
                    name=args.name or f"{spec.source} {day}",
                    offer=args.offer,
                    offer_cost=args.offer_cost,
                    file_name=out.name,
                )
                downloads.record(
                    writer,
                    user=downloads.cli_user(),
                    role="owner",
                    source=f"export-list:{spec.source}",
                    rows=target.treatment_count,
                    masked=not args.full_phone,
                    file_name=out.name,
                    fmt=suffix.lstrip("."),
                )
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        tmp.replace(out)
    finally:
        con.close()
    counts = target.counts()
    print(f"campaign #{campaign_id}: {spec.source} as of {day}")
    print(
        f"{counts['source']} from the source, {counts['filtered']} after filters, "
        f"{counts['final']} after exclusions: {counts['treatment']} treatment "
        f"(written to {out}), {counts['control']} control"
    )
    for row in target.exclusions.itertuples():
        state = f"{row.removed} removed" if row.enabled else "off"
        print(f"  excluded {row.exclusion}: {state}")
    return 0


def run_report(args) -> int:
    con = open_db(args)
    try:
        df = campaigns.campaign_results(
            con, campaign_id=args.campaign, window_days=args.window, shop=args.shop
        )
    finally:
        con.close()
    if args.format != "table":
        emit(df, args.format)
        return 0
    table = df[_TABLE_COLUMNS]
    emit(table.round({c: 4 for c in _RATE_COLUMNS}), "table")
    for row in df.itertuples():
        if not row.has_control:
            sys.stdout.write(
                f"campaign #{row.campaign_id}: no control group, so no uplift and no "
                "confidence interval\n"
            )
        elif not row.window_complete:
            sys.stdout.write(
                f"campaign #{row.campaign_id}: window not over yet "
                f"({row.days_observed} of {row.window_days} days of orders)\n"
            )
    return 0
