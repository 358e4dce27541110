"""Promotion maths (analytics.promotions) and its CLI (report break-even / threshold / pooling).

Hand-checked fixture for the threshold simulator (满100减20, reach 0.2 → near band
[80, 100), shop taobao/main, period 2024-03-01 … 2024-03-31), see ``FIXTURE_ORDERS``:
above 4 (100.00 exactly, 150, 120 partly refunded, 150 at 23:59:59 on the last day),
near 2 (99.99, 80.00 exactly), far 2 (79.99, 30); excluded: refunded, closed, unpaid,
fully refunded, the day before the period, the day after, another shop.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics import promotions, store
from analytics.cli import main
from analytics.errors import InputError
from analytics.promotions import (
    break_even,
    campaign_return,
    compare_campaigns,
    deposit_upgrade,
    member_day,
    order_value_histogram,
    pooling,
    pooling_pairs,
    threshold_simulator,
)

START, END = date(2024, 3, 1), date(2024, 3, 31)
SHOP = "taobao/main"
INSERT = (
    f"INSERT INTO orders ({', '.join(store.ORDER_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in store.ORDER_COLUMNS)})"
)


def order(
    order_id,
    amount,
    *,
    when=datetime(2024, 3, 15, 12),
    status="completed",
    refund=0,
    platform="taobao",
    shop="main",
    customer=None,
):
    values = {
        "platform": platform,
        "shop": shop,
        "order_id": str(order_id),
        "customer_id": customer or f"c{order_id}",
        "customer_name": None,
        "phone": None,
        "order_time": when,
        "paid_time": when,
        "status": status,
        "amount": amount,
        "refund_amount": refund,
        "province": None,
        "city": None,
        "item_count": 1,
        "product": None,
        "import_id": 0,
    }
    return [values[c] for c in store.ORDER_COLUMNS]


def make_store(rows):
    con = store.connect(":memory:")
    if rows:
        con.executemany(INSERT, rows)
    return con


FIXTURE_ORDERS = [
    order("o1", 100.00),  # above: exactly X
    order("o2", 150, status="paid"),  # above
    order("o3", 99.99, status="shipped"),  # near
    order("o4", 80.00),  # near: exactly X * (1 - reach)
    order("o5", 79.99),  # far
    order("o6", 30),  # far
    order("o7", 200, status="refunded"),  # excluded
    order("o8", 120, status="closed"),  # excluded
    order("o9", 120, refund=120),  # excluded: fully refunded
    order("o10", 120, refund=50),  # above: partly refunded, still a sale of 120
    order("o11", 150, when=datetime(2024, 2, 29, 23, 59)),  # excluded: before start
    order("o12", 150, when=datetime(2024, 3, 31, 23, 59, 59)),  # above: last day counts
    order("o13", 150, when=datetime(2024, 4, 1)),  # excluded: after end
    order("o14", 100, status="unpaid"),  # excluded
    order("o15", 100, platform="jd", shop="other"),  # another shop: above when unscoped
]


@pytest.fixture
def fixture_con():
    con = make_store(FIXTURE_ORDERS)
    yield con
    con.close()


# --------------------------------------------------------------------- break_even


@given(
    price=st.floats(0.01, 1e5),
    margin=st.floats(0.01, 1.0),
    cut_share=st.floats(0.0, 0.99),
    volume=st.floats(1.0, 1e6),
)
def test_break_even_multiplier_leaves_profit_unchanged(price, margin, cut_share, volume):
    discount = margin * cut_share
    result = break_even(margin=margin, discount=discount)
    unit_cost = price * (1 - margin)
    profit_before = (price - unit_cost) * volume
    profit_after = (price * (1 - discount) - unit_cost) * volume * result.volume_multiplier
    assert math.isclose(profit_after, profit_before, rel_tol=1e-7)
    assert math.isclose(result.extra_volume, result.volume_multiplier - 1, abs_tol=1e-9)


def test_break_even_ten_percent_off_at_fifty_percent_margin_needs_25_percent_more():
    result = break_even(margin=0.5, discount=0.1)
    assert result.volume_multiplier == pytest.approx(1.25)
    assert result.extra_volume == pytest.approx(0.25)
    assert result.new_unit_margin == pytest.approx(0.4)
    assert result.new_margin_rate == pytest.approx(0.4 / 0.9)
    assert "25%" in result.sentence("en")
    assert "25%" in result.sentence()


def test_break_even_without_a_cut_needs_no_extra_volume():
    assert break_even(margin=0.3, discount=0).volume_multiplier == 1


# ------------------------------------------------------------ campaign ROI vs profit


def test_seed_004_lower_roi_campaign_earns_more_absolute_profit():
    # Seed 004: 100 → 1,000 is "10倍", 利润值 900; 1,000 → 2,000 is "2倍", 利润值 1,000.
    # The seed counts all revenue as profit, i.e. margin 1.
    small = campaign_return(spend=100, revenue=1000, margin=1)
    large = campaign_return(spend=1000, revenue=2000, margin=1)
    assert (small.roi, small.profit) == (10, 900)
    assert (large.roi, large.profit) == (2, 1000)
    verdict = compare_campaigns(small, large)
    assert verdict.more_profit == "b"
    assert verdict.higher_roi == "a"
    assert verdict.roi_misleads
    assert verdict.profit_difference == 100
    assert verdict.crossover_margin == pytest.approx(0.9)
    assert verdict.summary_key == "promo.compare.roi_misleads"


def test_seed_004_verdict_flips_below_the_crossover_margin():
    small = campaign_return(spend=100, revenue=1000, margin=0.5)
    large = campaign_return(spend=1000, revenue=2000, margin=0.5)
    assert (small.profit, large.profit) == (400, 0)
    verdict = compare_campaigns(small, large)
    assert verdict.more_profit == "a" and not verdict.roi_misleads


def test_campaign_profit_roi_nets_out_cost_of_goods_and_spend():
    result = campaign_return(spend=200, revenue=1000, margin=0.4)
    assert result.gross_profit == pytest.approx(400)
    assert result.profit == pytest.approx(200)
    assert result.profit_roi == pytest.approx(1.0)
    assert campaign_return(spend=500, revenue=1000, margin=0.4).summary_key == (
        "promo.campaign.loss"
    )


# ---------------------------------------------------------------- threshold simulator


def test_threshold_counts_on_hand_checked_fixture(fixture_con):
    result = threshold_simulator(
        fixture_con, threshold=100, reduction=20, start=START, end=END, margin=0.5, shop=SHOP
    )
    assert (result.orders_above, result.orders_near, result.orders_far) == (4, 2, 2)
    assert result.orders == 8
    assert result.near_floor == 80
    assert result.discount_cost == 80
    assert result.avg_topup == pytest.approx((0.01 + 20) / 2)
    assert result.profit_per_extra_order == 30  # 0.5 × 100 − 20
    assert result.break_even_extra_orders == 3  # 80 / 30 = 2.67, rounded up
    assert result.break_even_extra_revenue == pytest.approx(80 / 30 * 100)
    assert result.break_even_uplift == pytest.approx(80 / 30 / 8)
    assert result.revenue == pytest.approx(100 + 150 + 99.99 + 80 + 79.99 + 30 + 120 + 150)


def test_threshold_without_shop_counts_every_shop(fixture_con):
    result = threshold_simulator(
        fixture_con, threshold=100, reduction=20, start=START, end=END, margin=0.5
    )
    assert (result.orders_above, result.orders_near, result.orders_far) == (5, 2, 2)


def test_threshold_on_an_empty_period_is_all_zero(fixture_con):
    result = threshold_simulator(
        fixture_con,
        threshold=100,
        reduction=20,
        start=date(2020, 1, 1),
        end=date(2020, 1, 31),
        margin=0.5,
    )
    assert (result.orders, result.discount_cost, result.break_even_uplift) == (0, 0, 0)
    assert result.avg_topup is None
    assert result.summary_key == "promo.threshold.no_orders"
    assert "100" in result.sentence("en")


def test_threshold_sentences_render_in_both_languages(fixture_con):
    result = threshold_simulator(
        fixture_con, threshold=100, reduction=20, start=START, end=END, margin=0.5, shop=SHOP
    )
    assert "满100减20" in result.sentence()
    assert "3 more orders" in result.sentence("en")


ORDER_ROWS = st.lists(
    st.tuples(
        st.integers(1, 30_000),  # amount in cents
        st.sampled_from(store.STATUSES),
        st.integers(0, 2),  # 0 no refund, 1 partial, 2 full
        st.integers(-5, 40),  # day offset from START
    ),
    max_size=40,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=ORDER_ROWS,
    threshold=st.integers(1, 300),
    reduction_share=st.floats(0.01, 0.45),
    reach=st.floats(0, 1),
)
def test_threshold_bands_add_up_to_the_period_valid_orders(rows, threshold, reduction_share, reach):
    orders = []
    expected_valid = 0
    for i, (cents, status, refund_kind, offset) in enumerate(rows):
        amount = cents / 100
        refund = (0, round(amount / 2, 2), amount)[refund_kind]
        when = datetime.combine(START + timedelta(days=offset), datetime.min.time())
        orders.append(order(i, amount, when=when, status=status, refund=refund))
        valid = status in store.SALE_STATUSES and refund < amount
        expected_valid += valid and START <= when.date() <= END
    con = make_store(orders)
    try:
        result = threshold_simulator(
            con,
            threshold=threshold,
            reduction=threshold * reduction_share,
            start=START,
            end=END,
            margin=0.9,
            reach=reach,
        )
        histogram = order_value_histogram(con, start=START, end=END, bins=7)
        in_view = con.execute(
            "SELECT count(*) FROM valid_orders WHERE order_time >= ? AND order_time < ?",
            [START, END + timedelta(days=1)],
        ).fetchone()[0]
    finally:
        con.close()
    assert result.orders_above + result.orders_near + result.orders_far == result.orders
    assert result.orders == in_view == expected_valid == histogram["orders"].sum()
    assert result.discount_cost == pytest.approx(result.orders_above * result.reduction)
    # the break-even extra orders at exactly X pay back the free discount
    exact = result.break_even_extra_revenue / result.threshold
    assert exact * result.profit_per_extra_order == pytest.approx(result.discount_cost)
    assert result.break_even_extra_orders == math.ceil(round(exact, 9))


# ----------------------------------------------------------------------- histogram


def test_histogram_counts_every_valid_order_once(fixture_con):
    df = order_value_histogram(fixture_con, start=START, end=END, bins=5, shop=SHOP)
    assert list(df.columns) == ["bin_start", "bin_end", "orders"]
    assert len(df) == 5
    assert df["bin_start"].iloc[0] == 0 and df["bin_end"].iloc[-1] == pytest.approx(150)
    # bins of 30: [30, 60) 30 | [60, 90) 79.99 80 | [90, 120) 99.99 100 | [120, 150] 120 150 150
    assert df["orders"].tolist() == [0, 1, 2, 2, 3]
    capped = order_value_histogram(fixture_con, start=START, end=END, bins=2, upper=100)
    assert capped["orders"].tolist() == [1, 8]  # 30 | everything >= 50, both shops


def test_histogram_of_an_empty_period_has_no_rows(fixture_con):
    df = order_value_histogram(fixture_con, start=date(2020, 1, 1), end=date(2020, 1, 2))
    assert df.empty and list(df.columns) == ["bin_start", "bin_end", "orders"]


# -------------------------------------------------------------------------- pooling


def brute_force_pairs(amounts, threshold):
    """Most disjoint pairs reaching threshold, by trying every pairing (tiny inputs)."""
    best = 0

    def search(rest, count):
        nonlocal best
        best = max(best, count)
        if len(rest) < 2:
            return
        first, others = rest[0], rest[1:]
        search(others, count)  # first stays unpaired
        for j, other in enumerate(others):
            if first + other >= threshold:
                search(others[:j] + others[j + 1 :], count + 1)

    search(list(amounts), 0)
    return best


def greedy_pairs(amounts, threshold):
    """The documented rule: largest with the smallest remaining order that reaches X."""
    rest = sorted(amounts)
    pairs = 0
    while len(rest) >= 2:
        largest = rest.pop()
        partner = next((a for a in rest if a + largest >= threshold), None)
        if partner is None:
            break
        rest.remove(partner)
        pairs += 1
    return pairs


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cents=st.lists(st.integers(1, 20_000), max_size=9), threshold=st.integers(1, 200))
def test_pooling_pairs_reach_the_threshold_and_are_as_many_as_possible(cents, threshold):
    con = make_store([order(i, c / 100) for i, c in enumerate(cents)])
    try:
        pairs = pooling_pairs(con, threshold=threshold, start=START, end=END)
        result = pooling(con, threshold=threshold, start=START, end=END)
    finally:
        con.close()
    below = [c for c in cents if c < threshold * 100]
    assert (pairs["combined"] >= threshold).all()
    assert (pairs["amount_a"] < threshold).all() and (pairs["amount_b"] < threshold).all()
    used = list(pairs["order_a"]) + list(pairs["order_b"])
    assert len(used) == len(set(used))  # no order is pooled twice
    assert result.pairs == len(pairs) == brute_force_pairs(below, threshold * 100)
    assert result.pairs == greedy_pairs(below, threshold * 100)
    assert result.below_orders == len(below)
    assert result.pooled_orders + result.unpaired_orders == result.below_orders


def test_pooling_on_hand_checked_orders():
    con = make_store([order(i, a) for i, a in enumerate([10, 20, 30, 75, 100, 250])])
    result = pooling(con, threshold=100, start=START, end=END)
    pairs = pooling_pairs(con, threshold=100, start=START, end=END)
    assert (result.below_orders, result.pairs, result.unpaired_orders) == (4, 1, 2)
    assert pairs[["amount_a", "amount_b", "combined"]].values.tolist() == [[30, 75, 105]]
    assert result.pooled_revenue == 105


def test_pooling_counts_cents_exactly():
    # 40.10 + 59.90 is 99.99999999999999 in floating point, but exactly 100.00
    con = make_store([order("a", 40.10), order("b", 59.90)])
    assert pooling(con, threshold=100, start=START, end=END).pairs == 1


def test_pooling_never_pairs_orders_of_different_shops():
    con = make_store([order("a", 60), order("b", 60, platform="jd", shop="other")])
    assert pooling(con, threshold=100, start=START, end=END).pairs == 0
    assert pooling(con, threshold=100, start=START, end=END, shop=SHOP).below_orders == 1


def test_pooling_on_fixture_excludes_invalid_and_out_of_period_orders(fixture_con):
    result = pooling(fixture_con, threshold=100, start=START, end=END, shop=SHOP)
    assert result.below_orders == 4  # 99.99, 80, 79.99, 30
    assert result.pairs == 2  # 30 + 99.99 and 79.99 + 80


# --------------------------------------------------------- deposit, member day, ads


def test_deposit_pay_20_get_50_off():
    result = deposit_upgrade(
        deposit=20, deduction=50, price=300, margin=0.4, expected_orders=200, conversion=0.8
    )
    assert result.cost_per_order == 30
    assert result.effective_price == 270
    assert result.effective_discount == pytest.approx(0.1)
    assert result.converted_orders == 160
    assert result.discount_cost == 4800
    assert result.forfeited_deposits == 800
    assert result.net_cost == 4000
    assert result.profit_per_order == pytest.approx(90)
    assert result.break_even_orders == 45  # 4000 / 90 = 44.4
    assert result.volume_multiplier == pytest.approx(
        break_even(margin=0.4, discount=0.1).volume_multiplier
    )


def test_member_day_break_even_matches_the_price_cut_rule():
    result = member_day(
        discount=0.1, margin=0.4, segment_customers=1000, expected_response=0.05, aov=150
    )
    assert result.expected_orders == 50
    assert result.discount_cost == pytest.approx(750)
    assert result.break_even_orders == 17  # 50 × 0.1 / 0.3 = 16.7
    assert result.break_even_response == pytest.approx(0.05 * 4 / 3)
    assert result.summary_key == "promo.member_day"
    deep = member_day(
        discount=0.39, margin=0.4, segment_customers=100, expected_response=0.5, aov=100
    )
    assert deep.summary_key == "promo.member_day.unreachable"


def test_ads_roi_and_max_cost_per_click():
    result = promotions.ads_roi(
        spend=1000, attributed_revenue=3000, margin=0.4, conversion_rate=0.02, aov=150
    )
    assert result.roi == 3
    assert result.break_even_roi == 2.5
    assert result.profitable and result.profit == pytest.approx(200)
    assert result.max_cpc == pytest.approx(1.2)
    assert "1.20" in result.sentence("en") and "1.20" in result.sentence()
    losing = promotions.ads_roi(spend=1000, attributed_revenue=2000, margin=0.4)
    assert not losing.profitable and losing.max_cpc is None
    assert losing.summary_key == "promo.ads.loss"


def test_every_summary_key_exists_in_both_catalogs():
    from analytics.i18n import catalogs

    zh, en = catalogs()["zh"], catalogs()["en"]
    promo_zh = {k for k in zh if k.startswith("promo.")}
    assert promo_zh == {k for k in en if k.startswith("promo.")}
    assert "promo.break_even" in promo_zh


# ------------------------------------------------------------- impossible inputs

DAY = {"start": START, "end": END}
IMPOSSIBLE = [
    (break_even, {"margin": 0.3, "discount": 0.3}, "discount"),
    (break_even, {"margin": 0.3, "discount": 0.5}, "discount"),
    (break_even, {"margin": 0, "discount": 0}, "margin"),
    (break_even, {"margin": 1.5, "discount": 0.1}, "margin"),
    (break_even, {"margin": 0.5, "discount": -0.1}, "discount"),
    (break_even, {"margin": float("nan"), "discount": 0.1}, "margin"),
    (campaign_return, {"spend": 0, "revenue": 100, "margin": 0.5}, "spend"),
    (campaign_return, {"spend": -5, "revenue": 100, "margin": 0.5}, "spend"),
    (campaign_return, {"spend": 5, "revenue": -1, "margin": 0.5}, "revenue"),
    (campaign_return, {"spend": 5, "revenue": 10, "margin": float("inf")}, "margin"),
    (
        deposit_upgrade,
        dict(deposit=50, deduction=50, price=300, margin=0.4, expected_orders=10, conversion=0.5),
        "deposit",
    ),
    (
        deposit_upgrade,
        dict(deposit=20, deduction=350, price=300, margin=0.4, expected_orders=10, conversion=0.5),
        "deduction",
    ),
    (
        deposit_upgrade,
        dict(deposit=20, deduction=200, price=300, margin=0.4, expected_orders=10, conversion=0.5),
        "margin",
    ),
    (
        deposit_upgrade,
        dict(deposit=-1, deduction=50, price=300, margin=0.4, expected_orders=10, conversion=0.5),
        "deposit",
    ),
    (
        deposit_upgrade,
        dict(deposit=20, deduction=50, price=300, margin=0.4, expected_orders=10, conversion=1.2),
        "conversion",
    ),
    (
        deposit_upgrade,
        dict(deposit=20, deduction=50, price=300, margin=0.4, expected_orders=2.5, conversion=0.5),
        "expected_orders",
    ),
    (
        member_day,
        dict(discount=0.4, margin=0.4, segment_customers=10, expected_response=0.1, aov=100),
        "discount",
    ),
    (
        member_day,
        dict(discount=0.1, margin=0.4, segment_customers=-1, expected_response=0.1, aov=100),
        "segment_customers",
    ),
    (
        member_day,
        dict(discount=0.1, margin=0.4, segment_customers=10, expected_response=-0.1, aov=100),
        "expected_response",
    ),
    (
        member_day,
        dict(discount=0.1, margin=0.4, segment_customers=10, expected_response=0.1, aov=0),
        "aov",
    ),
    (promotions.ads_roi, {"spend": 0, "attributed_revenue": 10, "margin": 0.4}, "spend"),
    (
        promotions.ads_roi,
        {"spend": 10, "attributed_revenue": 10, "margin": 0.4, "conversion_rate": 0.02},
        "aov",
    ),
    (
        promotions.ads_roi,
        {"spend": 10, "attributed_revenue": 10, "margin": 0.4, "conversion_rate": 2, "aov": 100},
        "conversion_rate",
    ),
]
IMPOSSIBLE_ON_STORE = [
    (threshold_simulator, dict(threshold=0, reduction=0, margin=0.5, **DAY), "threshold"),
    (threshold_simulator, dict(threshold=-100, reduction=10, margin=0.5, **DAY), "threshold"),
    (threshold_simulator, dict(threshold=100, reduction=100, margin=0.5, **DAY), "reduction"),
    (threshold_simulator, dict(threshold=100, reduction=0, margin=0.5, **DAY), "reduction"),
    (threshold_simulator, dict(threshold=100, reduction=50, margin=0.5, **DAY), "margin"),
    (threshold_simulator, dict(threshold=100, reduction=20, margin=0.5, reach=1.5, **DAY), "reach"),
    (
        threshold_simulator,
        dict(threshold=100, reduction=20, margin=0.5, start=END, end=START),
        "start",
    ),
    (order_value_histogram, dict(bins=0, **DAY), "bins"),
    (order_value_histogram, dict(bins=10, upper=-1, **DAY), "upper"),
    (pooling, dict(threshold=0, **DAY), "threshold"),
    (pooling_pairs, dict(threshold=-1, **DAY), "threshold"),
]


@pytest.mark.parametrize(("function", "kwargs", "named"), IMPOSSIBLE)
def test_impossible_input_raises_input_error_naming_the_parameter(function, kwargs, named):
    with pytest.raises(InputError, match=named):
        function(**kwargs)


@pytest.mark.parametrize(("function", "kwargs", "named"), IMPOSSIBLE_ON_STORE)
def test_impossible_store_input_raises_input_error_naming_the_parameter(
    fixture_con, function, kwargs, named
):
    with pytest.raises(InputError, match=named):
        function(fixture_con, **kwargs)


def test_compare_campaigns_refuses_anything_but_campaign_returns():
    with pytest.raises(InputError, match="campaign_return"):
        compare_campaigns({"roi": 10}, campaign_return(spend=1, revenue=2, margin=0.5))


@given(
    margin=st.floats(allow_nan=True, allow_infinity=True),
    discount=st.floats(allow_nan=True, allow_infinity=True),
)
def test_break_even_never_returns_nan_or_infinity(margin, discount):
    try:
        result = break_even(margin=margin, discount=discount)
    except InputError:
        return
    values = (result.volume_multiplier, result.extra_volume, result.new_margin_rate)
    assert all(math.isfinite(v) for v in values)


# ---------------------------------------------------------------------------- CLI


def test_cli_break_even_prints_the_multiplier(capsys):
    code = main(
        ["report", "break-even", "--margin", "0.5", "--discount", "0.1", "--format", "json"]
    )
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["volume_multiplier"] == pytest.approx(1.25)


def test_cli_break_even_table_ends_with_the_sentence(capsys):
    assert (
        main(["report", "break-even", "--margin", "0.5", "--discount", "0.1", "--lang", "en"]) == 0
    )
    assert capsys.readouterr().out.rstrip().endswith("to earn the same as before.")


def test_cli_break_even_impossible_discount_exits_2_with_message(capsys):
    code = main(["report", "break-even", "--margin", "0.3", "--discount", "0.4"])
    assert code == 2
    err = capsys.readouterr().err
    assert "discount" in err and "margin" in err


@pytest.fixture
def fixture_db(tmp_path):
    path = tmp_path / "shop.duckdb"
    con = store.connect(path)
    con.executemany(INSERT, FIXTURE_ORDERS)
    con.close()
    return str(path)


def threshold_args(db, **overrides):
    options = {
        "threshold": "100",
        "reduction": "20",
        "start": "2024-03-01",
        "end": "2024-03-31",
        "margin": "0.5",
        "shop": SHOP,
    }
    options.update(overrides)
    args = ["report", "threshold", "--db", db]
    for key, value in options.items():
        args += [f"--{key}", value]
    return args


def test_cli_threshold_counts_the_fixture(fixture_db, capsys):
    assert main(threshold_args(fixture_db, format="json")) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["orders_above"], out["orders_near"], out["orders_far"]) == (4, 2, 2)
    assert out["start"] == "2024-03-01" and out["break_even_extra_orders"] == 3


def test_cli_threshold_reduction_at_threshold_exits_2(fixture_db, capsys):
    assert main(threshold_args(fixture_db, reduction="100")) == 2
    assert "reduction" in capsys.readouterr().err


def test_cli_pooling_lists_pairs(fixture_db, capsys):
    args = [
        "report",
        "pooling",
        "--db",
        fixture_db,
        "--threshold",
        "100",
        "--start",
        "2024-03-01",
        "--end",
        "2024-03-31",
        "--shop",
        SHOP,
        "--pairs",
        "--format",
        "json",
    ]
    assert main(args) == 0
    pairs = json.loads(capsys.readouterr().out)
    assert len(pairs) == 2 and all(p["combined"] >= 100 for p in pairs)


def test_greedy_reference_is_a_valid_oracle():
    # guards the test oracles themselves on a case where a careless greedy goes wrong
    amounts = [10, 45, 55, 90]
    assert brute_force_pairs(amounts, 100) == greedy_pairs(amounts, 100) == 2
