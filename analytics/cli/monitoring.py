"""``report weekly`` (weekly monitoring with anomalies flagged) and ``report calendar``
(holidays, Spring Festival and shopping festivals between two dates).

Thin wrappers over ``analytics.monitoring.weekly_monitor`` and
``analytics.seasonality.calendar_marks``. Dates print as YYYY-MM-DD. The table format of
``report weekly`` ends with the anomaly sentences (``--lang zh|en``).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from analytics.cli._common import (
    add_format,
    add_scope,
    as_of,
    emit,
    lazy_module,
    open_db,
    parse_date,
)
from analytics.i18n import LANGUAGES

if TYPE_CHECKING:
    import pandas as pd

monitoring = lazy_module("analytics.monitoring")
seasonality = lazy_module("analytics.seasonality")


_DATE_COLUMNS = ("week_start", "date", "start", "end")


def register(commands, reports) -> None:
    weekly = reports.add_parser(
        "weekly",
        help="new customers, AOV and repurchase rate by ISO week, anomalies flagged",
        description="One row per ISO week (Monday start) ending with the week of --as-of; "
        "each metric with the median of the 8 weeks before, a robust z-score and a flag "
        "(|z| >= 3). The current week is compared with the same days of earlier weeks.",
    )
    add_scope(weekly)
    weekly.add_argument("--weeks", type=int, default=26, help="weeks to show (default 26)")
    weekly.add_argument(
        "--lang", choices=LANGUAGES, default="zh", help="language of the anomaly sentences"
    )
    add_format(weekly)
    weekly.set_defaults(run=run_weekly)

    calendar = reports.add_parser(
        "calendar",
        help="public holidays, Spring Festival, 618, 双11 and 双12 between two dates",
        description="One row per holiday period (start/end: the days off, both included), "
        "Spring Festival and shopping festival overlapping --start..--end.",
    )
    calendar.add_argument("--start", type=parse_date, required=True, help="first day")
    calendar.add_argument("--end", type=parse_date, required=True, help="last day (included)")
    add_format(calendar)
    calendar.set_defaults(run=run_calendar)


def _dates_as_days(df: pd.DataFrame) -> pd.DataFrame:
    """Date columns as plain dates, so they print as YYYY-MM-DD rather than timestamps."""
    out = df.copy()
    for column in _DATE_COLUMNS:
        if column in out:
            out[column] = out[column].dt.date
    return out


def run_weekly(args) -> int:
    con = open_db(args)
    df = monitoring.weekly_monitor(con, as_of=as_of(con, args), weeks=args.weeks, shop=args.shop)
    emit(_dates_as_days(df), args.format)
    if args.format == "table":
        for sentence in monitoring.explain_anomalies(df, args.lang):
            sys.stdout.write(f"- {sentence}\n")
    return 0


def run_calendar(args) -> int:
    emit(_dates_as_days(seasonality.calendar_marks(args.start, args.end)), args.format)
    return 0
