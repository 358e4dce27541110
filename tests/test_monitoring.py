"""Weekly monitoring: the weekly metrics, the robust flags and the anomaly sentences, on
hand-made shops built by inserting orders (expected answers worked out in each test).

The anomaly rule (analytics/monitoring.py): z = (value - median of the 8 weeks before) /
max(1.4826 * MAD, floor), floor = sqrt(median) for new customers, 5% of the median AOV,
2 points of repurchase rate; flagged when |z| >= 3.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from analytics import customers
from analytics.cli import main
from analytics.monitoring import COLUMNS, explain_anomalies, weekly_monitor
from analytics.store import ORDER_COLUMNS, connect

#: Monday of ISO week 46 of 2024, the week of 双11 (Nov 11-17).
DOUBLE_11_WEEK = date(2024, 11, 11)
#: New customers in the 8 weeks before it: median 5, MAD 0.5 -> scale max(0.74, sqrt 5).
NORMAL = [4, 5, 6, 5, 4, 5, 6, 5]


def _insert(con, rows: list[tuple], shop: str = "s1") -> None:
    """(customer_id, order_time, amount) paid orders in shop taobao/``shop``."""
    frame = pd.DataFrame(rows, columns=["customer_id", "order_time", "amount"])
    frame = frame.assign(
        platform="taobao",
        shop=shop,
        order_id=[f"{shop}-{n}" for n in range(len(frame))],
        paid_time=frame["order_time"],
        status="paid",
        refund_amount=0.0,
        import_id=0,
    ).reindex(columns=list(ORDER_COLUMNS))
    con.execute("INSERT INTO orders SELECT * FROM frame")
    customers.refresh(con)


def _new_buyers(
    counts: list[int], last_monday: date, amount: float = 100.0, prefix: str = "w"
) -> list[tuple]:
    """counts[i] first-time buyers, one order each on Tuesday 10:00 of week i; the last
    week starts on ``last_monday``; buyer ids start with ``prefix``."""
    first = last_monday - timedelta(weeks=len(counts) - 1)
    rows = []
    for week, count in enumerate(counts):
        tuesday = datetime.combine(first + timedelta(weeks=week, days=1), datetime.min.time())
        rows += [
            (f"{prefix}{week}-{i}", tuesday + timedelta(hours=10), amount) for i in range(count)
        ]
    return rows


def test_spike_in_the_double_11_week_is_flagged(con):
    _insert(con, _new_buyers([*NORMAL, 20], DOUBLE_11_WEEK))
    df = weekly_monitor(con, as_of=date(2024, 11, 17), weeks=26)
    # Data start on Monday 2024-09-16: 9 weeks, not 26.
    assert len(df) == 9 and df["week_start"].iloc[0].date() == date(2024, 9, 16)
    last = df.iloc[-1]
    assert (last["new_customers"], last["new_customers_baseline"]) == (20, 5.0)
    # (20 - 5) / sqrt(5) = 6.71
    assert last["new_customers_z"] == pytest.approx(6.71, abs=0.01)
    assert last["new_customers_flag"]
    assert not df["new_customers_flag"].iloc[:-1].any()
    # Every order is 100 and every buyer is new: AOV and repurchase rate stay flat.
    assert not df["aov_flag"].any() and not df["repurchase_rate_flag"].any()


def test_spike_is_explained_with_the_festival_of_its_week(con):
    _insert(con, _new_buyers([*NORMAL, 20], DOUBLE_11_WEEK))
    df = weekly_monitor(con, as_of=date(2024, 11, 17), weeks=9)
    assert explain_anomalies(df) == [
        "2024 年第 46 周（11月11日–11月17日）新客 20 人，是前 8 周中位数（5 人）的 4.0 倍（双11）"
    ]
    assert explain_anomalies(df, "en") == [
        "Week 46 of 2024 (Nov 11–Nov 17): new customers 20, 4.0× the median of the previous "
        "8 weeks (5) (Double 11)"
    ]


def test_normal_series_has_no_flag(con):
    _insert(con, _new_buyers([*NORMAL, 6], DOUBLE_11_WEEK))
    df = weekly_monitor(con, as_of=date(2024, 11, 17))
    # Last week: (6 - 5) / sqrt(5) = 0.45.
    assert df["new_customers_z"].iloc[-1] == pytest.approx(0.45, abs=0.01)
    assert not df[["new_customers_flag", "aov_flag", "repurchase_rate_flag"]].any().any()
    assert explain_anomalies(df) == []


def test_drop_in_aov_is_explained_as_lower(con):
    # 5 buyers a week at 100; in the last week (Sep 9-15 2024) they spend 40 each.
    monday = date(2024, 9, 9)
    _insert(
        con, _new_buyers([5] * 8, monday - timedelta(weeks=1)) + _new_buyers([5], monday, 40, "x")
    )
    df = weekly_monitor(con, as_of=date(2024, 9, 15))
    last = df.iloc[-1]
    # Baseline AOV 100, MAD 0 -> scale = 5% of 100 = 5; z = (40 - 100) / 5 = -12.
    assert (last["aov"], last["aov_baseline"], last["aov_z"]) == (40.0, 100.0, -12.0)
    # Week 37 (Sep 9-15) holds Sunday Sep 15, the first day off of Mid-Autumn 2024.
    assert explain_anomalies(df) == [
        "2024 年第 37 周（9月9日–9月15日）客单价 ¥40.00，比前 8 周中位数（¥100.00）低 60%（中秋节）"
    ]


def test_repurchase_rate_counts_buyers_whose_order_was_not_their_first(con):
    # Week of Mon 2024-03-11: a and b buy once for the first time, c came back (first
    # bought on 2024-03-01), d buys twice in the week for the first time.
    # Repurchasers: c and d -> 2 of 4 buyers. New customers: a, b, d -> 3.
    # AOV: orders 50 + 70 + 30 + 20 + 30 = 200 over 5 orders -> 40.
    _insert(
        con,
        [
            ("c", datetime(2024, 3, 1, 9), 99.0),
            ("a", datetime(2024, 3, 11, 9), 50.0),
            ("b", datetime(2024, 3, 12, 9), 70.0),
            ("c", datetime(2024, 3, 13, 9), 30.0),
            ("d", datetime(2024, 3, 14, 9), 20.0),
            ("d", datetime(2024, 3, 16, 9), 30.0),
        ],
    )
    week = weekly_monitor(con, as_of=date(2024, 3, 17)).iloc[-1]
    assert (week["buyers"], week["orders"], week["new_customers"]) == (4, 5, 3)
    assert week["repurchase_rate"] == pytest.approx(0.5)
    assert week["aov"] == pytest.approx(40.0)


def test_partial_week_is_compared_with_the_same_days_of_earlier_weeks(con):
    # 2 first-time buyers every day for 9 weeks (Mon 2024-04-01 to Sun 2024-06-02); as of
    # Monday 2024-05-27 the current week has 1 day: 2 new buyers (the later days of that
    # week are after the as-of date and ignored). Whole earlier weeks had 14, their
    # Mondays 2: against 14 the week would look like a collapse, against 2 it is normal.
    start = datetime(2024, 4, 1, 10)
    rows = [
        (f"d{day}-{i}", start + timedelta(days=day), 100.0) for day in range(63) for i in (0, 1)
    ]
    _insert(con, rows)
    df = weekly_monitor(con, as_of=date(2024, 5, 27))
    last = df.iloc[-1]
    assert (last["partial"], last["days"], last["new_customers"]) == (True, 1, 2)
    assert last["new_customers_baseline"] == 2.0 and last["new_customers_z"] == 0.0
    assert not last["new_customers_flag"]
    assert df["new_customers"].iloc[:-1].eq(14).all() and not df["partial"].iloc[:-1].any()


def test_partial_week_with_a_real_spike_is_still_flagged(con):
    # As above, but 12 new buyers on the current Monday: z = (12 - 2) / sqrt(2) = 7.07.
    start = datetime(2024, 4, 1, 10)
    rows = [
        (f"d{day}-{i}", start + timedelta(days=day), 100.0) for day in range(56) for i in (0, 1)
    ]
    rows += [(f"spike-{i}", datetime(2024, 5, 27, 11), 100.0) for i in range(12)]
    _insert(con, rows)
    last = weekly_monitor(con, as_of=date(2024, 5, 27)).iloc[-1]
    assert last["new_customers_z"] == pytest.approx(7.07, abs=0.01)
    assert last["new_customers_flag"]


def test_too_short_a_history_gives_no_z_and_no_flag(con):
    # Three weeks of data: fewer than the 4 earlier weeks a baseline needs.
    _insert(con, _new_buyers([5, 5, 30], DOUBLE_11_WEEK))
    df = weekly_monitor(con, as_of=date(2024, 11, 17))
    assert len(df) == 3
    assert math.isnan(df["new_customers_z"].iloc[-1]) and not df["new_customers_flag"].any()


def test_only_the_chosen_shop_is_counted(con):
    _insert(con, _new_buyers([*NORMAL, 5], DOUBLE_11_WEEK), shop="s1")
    _insert(con, _new_buyers([40], DOUBLE_11_WEEK), shop="s2")
    df = weekly_monitor(con, as_of=date(2024, 11, 17), shop="taobao/s1")
    assert df["new_customers"].iloc[-1] == 5
    both = weekly_monitor(con, as_of=date(2024, 11, 17))
    assert both["new_customers"].iloc[-1] == 45


def test_empty_store_gives_an_empty_frame_with_the_columns(con):
    df = weekly_monitor(con, as_of=date(2024, 11, 17))
    assert df.empty and list(df.columns) == list(COLUMNS)
    assert explain_anomalies(df) == []


def test_as_of_before_the_first_order_gives_an_empty_frame(con):
    _insert(con, _new_buyers([5], DOUBLE_11_WEEK))
    assert weekly_monitor(con, as_of=date(2024, 1, 1)).empty


def test_cli_weekly_json_has_the_documented_keys(tmp_path, capsys):
    db = tmp_path / "s.duckdb"
    connection = connect(db)
    _insert(connection, _new_buyers([*NORMAL, 20], DOUBLE_11_WEEK))
    connection.close()
    args = ["report", "weekly", "--db", str(db), "--as-of", "2024-11-17", "--weeks", "3"]
    assert main([*args, "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert len(records) == 3 and list(records[0]) == list(COLUMNS)
    assert records[-1]["week_start"] == "2024-11-11"
    assert (records[-1]["new_customers"], records[-1]["new_customers_flag"]) == (20, True)
    assert records[-1]["marks_zh"] == "双11"


def test_cli_weekly_table_ends_with_the_sentences(tmp_path, capsys):
    db = tmp_path / "s.duckdb"
    connection = connect(db)
    _insert(connection, _new_buyers([*NORMAL, 20], DOUBLE_11_WEEK))
    connection.close()
    assert main(["report", "weekly", "--db", str(db), "--lang", "en"]) == 0
    assert capsys.readouterr().out.rstrip().endswith("(Double 11)")


def test_cli_calendar_json(capsys):
    assert main(["report", "calendar", "--start", "2024-11-01", "--end", "2024-11-30",
                 "--format", "json"]) == 0  # fmt: skip
    assert json.loads(capsys.readouterr().out) == [
        {
            "date": "2024-11-11",
            "start": "2024-11-11",
            "end": "2024-11-11",
            "name_zh": "双11",
            "name_en": "Double 11",
            "kind": "shopping",
        }
    ]


def test_cli_rejects_a_reversed_calendar_range(capsys):
    assert main(["report", "calendar", "--start", "2024-12-01", "--end", "2024-11-01"]) == 2
    assert "after" in capsys.readouterr().err


def test_cli_rejects_zero_weeks(tmp_path, capsys):
    assert main(["report", "weekly", "--db", str(tmp_path / "s.duckdb"), "--weeks", "0"]) == 2
    assert "weeks must be at least 1" in capsys.readouterr().err
