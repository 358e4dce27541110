"""Acquisition cohorts by month and ISO week, on hand-made orders with known answers."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from analytics import store
from analytics.cli import main
from analytics.cohorts import cohort_matrix, cohort_table, color_range, revenue_curves
from analytics.errors import InputError
from tests.fixtures.lifecycle.shop import insert_orders

# Monthly fixture, as of 2024-02-29 (valid orders only count):
#   u1: 2023-11-15 (100), 2023-12-03 (50), 2024-02-10 (30); 2024-03-05 (30) is after as_of
#   u2: two orders on 2023-11-30 (40 + 10)
#   u3: 2023-12-01 fully refunded (not a sale), 2024-01-05 (70) -> cohort 2024-01
#   u4: 2023-12-31 (20), 2024-01-01 (25)
#   u5: only a closed order -> in no cohort
# Cohort 2023-11 = {u1, u2}: age 0 (Nov) 2 buyers, 3 orders, 150; age 1 (Dec) u1, 50;
#   age 2 (Jan) nobody; age 3 (Feb) u1, 30. Revenue per customer to date: 75, 100, 100, 115.
# Cohort 2023-12 = {u4}: age 0 20, age 1 25, age 2 nothing. Cohort 2024-01 = {u3}: 70, 0.
MONTHLY = [
    ("u1", date(2023, 11, 15), "completed", 100, 0),
    ("u1", date(2023, 12, 3), "completed", 50, 0),
    ("u1", date(2024, 2, 10), "completed", 30, 0),
    ("u1", date(2024, 3, 5), "completed", 30, 0),
    ("u2", date(2023, 11, 30), "completed", 40, 0),
    ("u2", date(2023, 11, 30), "shipped", 10, 0),
    ("u3", date(2023, 12, 1), "refunded", 90, 90),
    ("u3", date(2024, 1, 5), "completed", 70, 0),
    ("u4", date(2023, 12, 31), "completed", 20, 0),
    ("u4", date(2024, 1, 1), "completed", 25, 0),
    ("u5", date(2023, 11, 1), "closed", 20, 0),
]
MONTHLY_AS_OF = date(2024, 2, 29)

# Weekly fixture around two year ends (ISO weeks run Monday to Sunday):
#   w1: Sun 2023-12-31 is 2023-W52; Mon 2024-01-01 is 2024-W01 -> age 1
#   w2: Mon 2024-12-30 is 2025-W01 (ISO year 2025); Sun 2025-01-12 is 2025-W02 -> age 1
#   w3: Sun 2024-12-29 is 2024-W52; Sun 2025-01-05 is 2025-W01 -> age 1
WEEKLY = [
    ("w1", date(2023, 12, 31), "completed", 10, 0),
    ("w1", date(2024, 1, 1), "completed", 20, 0),
    ("w2", date(2024, 12, 30), "completed", 30, 0),
    ("w2", date(2025, 1, 12), "completed", 40, 0),
    ("w3", date(2024, 12, 29), "completed", 50, 0),
    ("w3", date(2025, 1, 5), "completed", 60, 0),
]


@pytest.fixture
def monthly(con):
    insert_orders(con, MONTHLY)
    return cohort_table(con, period="month", as_of=MONTHLY_AS_OF)


@pytest.fixture
def weekly(con):
    insert_orders(con, WEEKLY)
    return cohort_table(con, period="week", as_of=date(2025, 1, 12))


def _cell(table, cohort: str, age: int):
    rows = table[(table["cohort"] == cohort) & (table["age"] == age)]
    assert len(rows) == 1, f"no single row for {cohort} age {age}"
    return rows.iloc[0]


def test_monthly_cohorts_are_the_months_of_first_valid_orders(monthly):
    # u3's refunded December order does not make December its cohort; u5 is in none.
    sizes = monthly.drop_duplicates("cohort").set_index("cohort")["cohort_size"].to_dict()
    assert sizes == {"2023-11": 2, "2023-12": 1, "2024-01": 1}


def test_monthly_grid_runs_to_the_as_of_month_with_zero_rows(monthly):
    assert monthly.groupby("cohort")["age"].max().to_dict() == {
        "2023-11": 3,
        "2023-12": 2,
        "2024-01": 1,
    }
    gap = _cell(monthly, "2023-11", 2)  # nobody of November bought in January
    assert (gap["customers"], gap["orders"], gap["revenue"], gap["retention"]) == (0, 0, 0, 0)


def test_monthly_cells_count_buyers_orders_and_revenue(monthly):
    acquisition = _cell(monthly, "2023-11", 0)
    # u2's two orders on one day are two orders of one buyer.
    assert (acquisition["customers"], acquisition["orders"], acquisition["revenue"]) == (
        2,
        3,
        150.0,
    )
    back = _cell(monthly, "2023-11", 3)
    assert (back["customers"], back["orders"], back["revenue"], back["retention"]) == (
        1,
        1,
        30.0,
        0.5,
    )


def test_cumulative_revenue_per_customer(monthly):
    november = monthly[monthly["cohort"] == "2023-11"]
    assert november["revenue_per_customer_cum"].tolist() == [75.0, 100.0, 100.0, 115.0]


def test_orders_after_as_of_are_ignored(monthly):
    # u1's 2024-03-05 order would add age 4 to the November cohort.
    assert monthly["period_start"].max() == pd.Timestamp(2024, 2, 1)
    assert monthly["revenue"].sum() == 150 + 50 + 30 + 20 + 25 + 70


def test_without_as_of_the_grid_ends_at_the_newest_order(con):
    insert_orders(con, MONTHLY)
    table = cohort_table(con, period="month")
    assert _cell(table, "2023-11", 4)["revenue"] == 30.0  # u1's March order


def test_year_boundary_week_ages(weekly):
    w1 = _cell(weekly, "2023-W52", 1)
    assert (w1["customers"], w1["revenue"]) == (1, 20.0)
    w2 = _cell(weekly, "2025-W01", 1)  # first order Mon 2024-12-30, ISO year 2025
    assert (w2["customers"], w2["revenue"]) == (1, 40.0)
    w3 = _cell(weekly, "2024-W52", 1)
    assert (w3["customers"], w3["revenue"]) == (1, 60.0)


def test_weekly_cohort_labels_use_iso_years(weekly):
    assert weekly["cohort"].drop_duplicates().tolist() == ["2023-W52", "2024-W52", "2025-W01"]
    # 2023-12-25 to 2025-01-06 is 54 weeks: the oldest cohort's last age.
    assert weekly[weekly["cohort"] == "2023-W52"]["age"].max() == 54


def test_unknown_period_is_refused(con):
    with pytest.raises(InputError, match="period"):
        cohort_table(con, period="day")


def test_empty_store_gives_an_empty_table(con):
    table = cohort_table(con)
    assert table.empty
    assert list(table.columns)[:5] == ["cohort", "age", "customers", "orders", "revenue"]


def test_shop_filter_keeps_one_shop(con):
    insert_orders(con, MONTHLY)
    insert_orders(con, [("z", date(2024, 2, 2), "paid", 5, 0)], shop="second")
    table = cohort_table(con, as_of=MONTHLY_AS_OF, shop="taobao/second")
    assert table[["cohort", "customers", "revenue"]].values.tolist() == [["2024-02", 1, 5.0]]


def test_matrix_pivots_cohorts_by_age(monthly):
    matrix = cohort_matrix(monthly, "retention")
    assert matrix.index.tolist() == ["2023-11", "2023-12", "2024-01"]
    assert matrix.columns.tolist() == [0, 1, 2, 3]
    assert matrix.loc["2023-11"].tolist() == [1.0, 0.5, 0.0, 0.5]
    assert matrix.loc["2024-01"].isna().tolist() == [False, False, True, True]


def test_matrix_keeps_the_latest_cohorts(monthly):
    assert cohort_matrix(monthly, "orders", last=2).index.tolist() == ["2023-12", "2024-01"]


def test_matrix_refuses_an_unknown_metric(monthly):
    with pytest.raises(InputError):
        cohort_matrix(monthly, "profit")


def test_color_range_ignores_age_zero(monthly):
    # Revenue after age 0: 50, 0, 30 (Nov), 25, 0 (Dec), 0 (Jan) -> 50, not the 150 of
    # November's first month.
    assert color_range(cohort_matrix(monthly, "revenue")) == (0.0, 50.0)


def test_revenue_curves_keep_the_latest_cohorts(monthly):
    curves = revenue_curves(monthly, last=1)
    assert curves["cohort"].unique().tolist() == ["2024-01"]
    assert curves["revenue_per_customer_cum"].tolist() == [70.0, 70.0]


def test_report_cohorts_json_records_start_with_the_documented_keys(tmp_path, capsys):
    path = tmp_path / "shop.duckdb"
    connection = store.connect(path)
    insert_orders(connection, MONTHLY)
    connection.close()
    argv = ["report", "cohorts", "--db", str(path), "--as-of", "2024-02-29", "--format", "json"]
    assert main(argv) == 0
    records = json.loads(capsys.readouterr().out)
    assert list(records[0])[:5] == ["cohort", "age", "customers", "orders", "revenue"]
    assert records[0] == {**records[0], "cohort": "2023-11", "age": 0, "customers": 2}
    assert len(records) == 4 + 3 + 2


def test_report_cohorts_by_week(tmp_path, capsys):
    path = tmp_path / "shop.duckdb"
    connection = store.connect(path)
    insert_orders(connection, WEEKLY)
    connection.close()
    argv = ["report", "cohorts", "--db", str(path), "--period", "week", "--format", "json"]
    assert main(argv) == 0
    cohorts = {r["cohort"] for r in json.loads(capsys.readouterr().out)}
    assert cohorts == {"2023-W52", "2024-W52", "2025-W01"}
