"""KPI definitions on the hand-checked fixture (answers in tests/fixtures/README.md)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analytics.importers import import_orders
from analytics.kpis import kpi_change, kpis, sales_by_period
from tests.conftest import FIXTURES


@pytest.fixture
def small(con):
    import_orders(con, FIXTURES / "taobao_small.csv")
    return con


def test_all_time_kpis_match_the_hand_computation(small):
    k = kpis(small)
    assert (k.customers, k.valid_orders, k.revenue, k.aov) == (3, 5, 490.0, 98.0)
    assert k.repurchase_rate == pytest.approx(2 / 3)
    assert k.returning_revenue_share == pytest.approx(370 / 490)


def test_window_counts_only_orders_inside_it(small):
    k = kpis(small, start=date(2024, 3, 1), end=date(2024, 4, 1))
    # March: 小红 1004 (120), lily 1007 (200) + 1008 (30); 阿强's orders are not sales.
    assert (k.customers, k.valid_orders, k.revenue) == (2, 3, 350.0)
    assert k.repurchase_rate == pytest.approx(1 / 2)
    assert k.returning_revenue_share == pytest.approx(230 / 350)


def test_empty_window_gives_zeros_not_nan(small):
    k = kpis(small, start=date(2030, 1, 1))
    assert (k.customers, k.aov, k.repurchase_rate, k.returning_revenue_share) == (0, 0, 0, 0)


def test_change_compares_with_the_previous_period(small):
    change = kpi_change(small, as_of=date(2024, 3, 4), days=30).set_index("metric")
    # Current: Feb 4 - Mar 4 (1002, 1004, 1007, 1008); previous: Jan 5 - Feb 3 (1001).
    assert change.at["valid_orders", "current"] == 4
    assert change.at["valid_orders", "previous"] == 1
    assert change.at["valid_orders", "change"] == pytest.approx(3.0)


def test_new_and_returning_buyers_by_month(small):
    monthly = sales_by_period(small, period="month").set_index("period_start")
    feb = monthly.loc[pd.Timestamp(2024, 2, 1)]
    assert (feb["new_customers"], feb["returning_customers"]) == (0, 1)  # 小明 again
    march = monthly.loc[pd.Timestamp(2024, 3, 1)]
    # 小红's first valid order is March (her January order was refunded): new.
    assert (march["new_customers"], march["returning_customers"]) == (2, 0)
