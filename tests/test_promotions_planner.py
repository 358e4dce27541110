"""The promotion planner's helpers in analytics.promotions: settings, suggested threshold,
threshold histogram, break-even curve and table, campaign table, planner defaults.

Hand-checked fixture ``SUGGEST_ORDERS`` (shop taobao/main, period 2024-03-01 … 2024-03-31):
valid amounts 40, 60, 80, 100, 120, 300 → mean 700 / 6 = 116.67; 70% quantile
(linear, position 0.7 × 5 = 3.5) = (100 + 120) / 2 = 110; the larger, 116.67, rounded up
to the next multiple of 50 is 150; the reduction 10% of 150 = 15. Excluded: a refunded
order, a fully refunded one, one the day after, one of another shop (each 1,000, which
would move the mean).
"""

from __future__ import annotations

import math
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics import settings as stored_settings
from analytics import store
from analytics.errors import InputError
from analytics.promotions import (
    DEFAULT_AOV,
    SETTINGS_NAME,
    PromotionSettings,
    break_even_curve,
    break_even_table,
    campaign_return,
    comparison_table,
    deposit_upgrade,
    member_day,
    nice_above,
    nice_below,
    planner_defaults,
    suggest_threshold,
    threshold_histogram,
    threshold_simulator,
)
from tests.test_promotions import INSERT, make_store, order

START, END = date(2024, 3, 1), date(2024, 3, 31)
SUGGEST_ORDERS = [
    order(1, 40),
    order(2, 60),
    order(3, 80),
    order(4, 100),
    order(5, 120),
    order(6, 300),
    order(7, 1000, status="refunded"),
    order(8, 1000, refund=1000),
    order(9, 1000, when=datetime(2024, 4, 1)),
    order(10, 1000, shop="other"),
]


@pytest.fixture
def suggest_con():
    con = make_store(SUGGEST_ORDERS)
    yield con
    con.close()


# ----------------------------------------------------------------------- round amounts


@pytest.mark.parametrize(
    ("value", "expected"),
    [(129, 150), (150, 200), (116.67, 150), (43, 45), (9.5, 10), (1370, 1500), (0.3, 0.35)],
)
def test_nice_above_is_the_next_round_amount_strictly_above(value, expected):
    assert nice_above(value) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("value", "expected"), [(23.66, 20), (15, 15), (8, 8), (7.5, 7.5), (149.9, 100), (0.75, 0.75)]
)
def test_nice_below_is_the_round_amount_at_or_below(value, expected):
    assert nice_below(value) == pytest.approx(expected)


@given(st.floats(0.01, 1e7))
def test_nice_below_keeps_at_least_half_and_nice_above_stays_within_half_a_step(value):
    # Within float noise (the step count is rounded to 9 decimals: 4.999999999999996 is 5).
    assert value / 2 <= nice_below(value) <= value * (1 + 1e-9)
    # The step is at most half the value, so the amount above is at most 1.5 × value.
    assert value * (1 - 1e-9) < nice_above(value) <= value * 1.5 * (1 + 1e-9)


# --------------------------------------------------------------------- suggest_threshold


def test_suggested_threshold_is_above_the_mean_and_the_quantile(suggest_con):
    result = suggest_threshold(suggest_con, start=START, end=END, shop="taobao/main")
    assert result.orders == 6
    assert result.mean_amount == pytest.approx(700 / 6)
    assert result.quantile_amount == pytest.approx(110)
    assert (result.threshold, result.reduction) == (150, 15)
    assert result.from_data
    assert "150" in result.sentence() and "150" in result.sentence("en")


def test_suggested_threshold_follows_a_high_quantile_above_the_mean():
    # Amounts 10 × 4 and 200 × 3: mean 640 / 7 = 91.4; 70% quantile at position 4.2 of
    # the sorted amounts = 200. Strictly above 200 in steps of 100 / 2 = 50: 250.
    con = make_store([order(i, 10) for i in range(4)] + [order(10 + i, 200) for i in range(3)])
    result = suggest_threshold(con, start=START, end=END)
    assert result.quantile_amount == pytest.approx(200)
    assert result.threshold == 250
    assert result.reduction == 25  # 10% of 250


def test_suggested_reduction_stays_below_half_the_margin(suggest_con):
    # margin 0.1: Y = 150 × 0.05 = 7.5 (a multiple of 0.5), and Y < m·X = 15.
    result = suggest_threshold(suggest_con, start=START, end=END, margin=0.1, shop="taobao/main")
    assert result.reduction == 7.5


def test_suggestion_without_orders_falls_back_to_the_default_aov(con):
    result = suggest_threshold(con, start=START, end=END)
    assert not result.from_data and result.orders == 0
    assert result.threshold == nice_above(DEFAULT_AOV) == 150
    assert result.summary_key == "promo.suggest.no_orders"


def test_suggestion_from_free_orders_only_falls_back_to_the_default_aov():
    con = make_store([order(1, 0), order(2, 0.5)])
    result = suggest_threshold(con, start=START, end=END)
    assert not result.from_data and result.orders == 2
    assert result.threshold == 150


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [({"margin": 0}, "margin"), ({"quantile": 1}, "quantile"), ({"quantile": 0}, "quantile")],
)
def test_suggest_threshold_refuses_impossible_input(con, kwargs, named):
    with pytest.raises(InputError, match=named):
        suggest_threshold(con, start=START, end=END, **kwargs)


@pytest.fixture(scope="module")
def scratch_con():
    """One store for the property tests (connecting costs more than the test itself)."""
    con = store.connect(":memory:")
    yield con
    con.close()


def refill(con, rows) -> None:
    con.execute("DELETE FROM orders")
    con.executemany(INSERT, rows)


@given(margin=st.floats(0.01, 1.0), quantile=st.floats(0.05, 0.95))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_suggested_pair_is_always_accepted_by_the_simulator(scratch_con, margin, quantile):
    refill(scratch_con, SUGGEST_ORDERS)
    s = suggest_threshold(scratch_con, start=START, end=END, margin=margin, quantile=quantile)
    result = threshold_simulator(
        scratch_con,
        threshold=s.threshold,
        reduction=s.reduction,
        start=START,
        end=END,
        margin=margin,
    )
    assert result.orders == 7  # the 6 of taobao/main and the one of the other shop


# ------------------------------------------------------------------- threshold_histogram


def test_threshold_histogram_puts_the_threshold_on_a_bin_edge():
    # X = 100. p99 of (20, 99.99, 100, 100.01, 150, 1000) = 150 + 0.95 × 850 = 957.5, so
    # span = min(957.5, 10 × 100) = 957.5; k = round(100 × 40 / 957.5) = 4 bins per X,
    # width 25, ceil(957.5 / 25) = 39 bins up to 975; 1000 lands in the last bin.
    amounts = [20, 99.99, 100, 100.01, 150, 1000]
    con = make_store([order(i, a) for i, a in enumerate(amounts)])
    hist = threshold_histogram(con, threshold=100, start=START, end=END)
    assert list(hist.columns) == ["bin_start", "bin_end", "bin_mid", "orders", "band"]
    assert len(hist) == 39
    assert hist["orders"].sum() == 6
    by_start = hist.set_index("bin_start")
    assert by_start.loc[75, "orders"] == 1 and by_start.loc[75, "band"] == "below"  # 99.99
    assert by_start.loc[100, "orders"] == 2 and by_start.loc[100, "band"] == "above"
    assert by_start.loc[0, "orders"] == 1  # 20
    assert hist["orders"].iloc[-1] == 1 and hist["bin_end"].iloc[-1] == 975  # 1000
    assert hist["bin_mid"].iloc[0] == 12.5


def test_threshold_histogram_of_an_empty_period_has_no_rows(con):
    assert threshold_histogram(con, threshold=100, start=START, end=END).empty


def test_threshold_histogram_refuses_a_zero_threshold(con):
    with pytest.raises(InputError, match="threshold"):
        threshold_histogram(con, threshold=0, start=START, end=END)


# ------------------------------------------------------------- break-even curve & table


def test_break_even_curve_crosses_the_old_profit_at_the_multiplier():
    # m = 0.5, d = 0.1: 1.25× volume; profit index (m − d)·k / m = 0.8 k.
    curve = break_even_curve(margin=0.5, discount=0.1)
    assert curve["volume_multiplier"].iloc[0] == 1
    assert curve["profit_index"].iloc[0] == pytest.approx(0.8)
    at_break_even = curve[curve["volume_multiplier"].sub(1.25).abs() < 1e-9]
    assert at_break_even["profit_index"].tolist() == pytest.approx([1.0])
    assert curve["volume_multiplier"].iloc[-1] == 2  # max(2, 1.5 × 1.25)


def test_break_even_curve_refuses_a_cut_at_the_margin():
    with pytest.raises(InputError, match="discount"):
        break_even_curve(margin=0.3, discount=0.3)


def test_break_even_table_lists_only_cuts_below_the_margin():
    table = break_even_table(margin=0.25)
    assert table["discount"].tolist() == [0.05, 0.1, 0.15, 0.2]
    ten = table[table["discount"] == 0.1].iloc[0]
    assert ten["volume_multiplier"] == pytest.approx(0.25 / 0.15)
    assert ten["extra_volume"] == pytest.approx(0.1 / 0.15)


def test_comparison_table_holds_seed_004_side_by_side():
    a = campaign_return(spend=100, revenue=1000, margin=1)
    b = campaign_return(spend=1000, revenue=2000, margin=1)
    table = comparison_table(a, b)
    assert table["campaign"].tolist() == ["A", "B"]
    assert table["roi"].tolist() == [10, 2]
    assert table["profit"].tolist() == [900, 1000]


# ------------------------------------------------------------------- settings & defaults


def test_promotion_settings_round_trip_through_the_store(con):
    assert stored_settings.load(con, SETTINGS_NAME, PromotionSettings).margin == 0.4
    stored_settings.save(con, SETTINGS_NAME, PromotionSettings(margin=0.35, period_days=30))
    loaded = stored_settings.load(con, SETTINGS_NAME, PromotionSettings)
    assert (loaded.margin, loaded.period_days, loaded.reach) == (0.35, 30, 0.2)


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"margin": 0}, "margin"),
        ({"margin": 1.5}, "margin"),
        ({"period_days": 0}, "period_days"),
        ({"period_days": 2.5}, "period_days"),
        ({"reach": -0.1}, "reach"),
    ],
)
def test_promotion_settings_refuse_impossible_values(kwargs, named):
    with pytest.raises(InputError, match=named):
        PromotionSettings(**kwargs)


def test_planner_defaults_use_the_period_aov_and_buyers():
    # Period 2024-03-01 … 2024-03-31 (31 days to as-of 03-31). Valid orders: 100 and 50 by
    # c1, 30 partly refunded (net 20) by c2 → AOV = (100 + 50 + 20) / 3 = 56.67, 2 buyers.
    # The order of 02-29 is outside the period.
    con = make_store(
        [
            order(1, 100, customer="c1"),
            order(2, 50, customer="c1"),
            order(3, 30, refund=10, customer="c2"),
            order(4, 500, when=datetime(2024, 2, 29), customer="c3"),
        ]
    )
    d = planner_defaults(con, as_of=END, days=31, margin=0.4)
    assert (d.start, d.end) == (START, END)
    assert d.from_data and d.orders == 3 and d.customers == 2
    assert d.aov == pytest.approx(56.67)
    assert d.inputs["member_day"]["segment_customers"] == 2
    assert d.inputs["deposit"]["price"] == d.aov
    # deduction = nice_below(56.67 × 0.2 = 11.33) = 10; deposit = nice_below(4) = 4.
    assert (d.inputs["deposit"]["deduction"], d.inputs["deposit"]["deposit"]) == (10, 4)
    # mean amount (100 + 50 + 30) / 3 = 60, 70% quantile 50 + 0.4 × 50 = 70 → X = 75.
    assert d.inputs["threshold"]["threshold"] == 75
    assert d.inputs["pooling"]["threshold"] == 75


def test_planner_defaults_on_an_empty_store_are_the_typed_defaults(con):
    d = planner_defaults(con, as_of=END)
    assert not d.from_data and d.orders == 0
    assert d.aov == DEFAULT_AOV
    assert d.inputs["member_day"]["segment_customers"] == 1000
    assert d.inputs["threshold"]["threshold"] == 150
    assert d.inputs["compare"] == {
        "spend_a": 100.0,
        "revenue_a": 1000.0,
        "spend_b": 1000.0,
        "revenue_b": 2000.0,
    }


def test_planner_defaults_refuse_a_zero_day_period(con):
    with pytest.raises(InputError, match="days"):
        planner_defaults(con, as_of=END, days=0)


@given(aov=st.floats(1, 1e5), margin=st.floats(0.01, 1.0))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_planner_defaults_are_accepted_by_their_calculators(scratch_con, aov, margin):
    refill(scratch_con, [order(1, round(aov, 2))])
    d = planner_defaults(scratch_con, as_of=END, margin=margin)
    deposit_upgrade(margin=margin, **d.inputs["deposit"])
    member_day(margin=margin, **d.inputs["member_day"])
    threshold_simulator(
        scratch_con, start=d.start, end=d.end, margin=margin, **d.inputs["threshold"]
    )
    assert d.from_data and not math.isnan(d.aov)
