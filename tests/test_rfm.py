"""RFM scores and segments on hand-made orders (expected answers worked out beside each test).

Quintile rule (analytics.rfm): score = 1 + floor(5 * w / n), w = buyers with a strictly
worse value, n = buyers. Fixed bins: recency <= 30/90/180/365 days scores 5/4/3/2, else 1;
frequency and monetary <= each edge score 1/2/3/4, else 5.
"""

from __future__ import annotations

import itertools
import json
from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from analytics import customers, store
from analytics.cli import main
from analytics.errors import InputError
from analytics.rfm import (
    GRID,
    SEGMENTS,
    RfmSettings,
    rf_grid,
    rfm_scores,
    segment_members,
    segment_summary,
)
from tests.conftest import DEMO_END

AS_OF = date(2024, 6, 30)
FIXED = RfmSettings(method="fixed")
_ids = itertools.count(1)


def add(con, customer, when, amount, *, status="completed", refund=0, shop="s", name=None):
    """One order; ``when`` is a datetime, or a number of days before AS_OF (noon)."""
    if not isinstance(when, datetime):
        when = datetime.combine(AS_OF - timedelta(days=when), datetime.min.time()).replace(hour=12)
    con.execute(
        f"INSERT INTO orders ({', '.join(store.ORDER_COLUMNS)}) VALUES "
        "(?, ?, ?, ?, ?, NULL, ?, NULL, ?, ?, ?, '浙江', '杭州', 1, NULL, 0)",
        [
            "taobao",
            shop,
            f"o{next(_ids)}",
            customer,
            name or customer,
            when,
            status,
            amount,
            refund,
        ],
    )


def scores(con, **kwargs) -> pd.DataFrame:
    customers.refresh(con)
    return rfm_scores(con, as_of=AS_OF, **kwargs).set_index("customer_id")


def test_identical_buyers_get_identical_scores(con):
    # a1 and a2 buy the same on the same days; so do b1 and b2.
    for c in ("a1", "a2"):
        add(con, c, 10, 100)
        add(con, c, 40, 50)
    for c in ("b1", "b2"):
        add(con, c, 200, 30)
    add(con, "c", 5, 500)
    add(con, "d", 100, 80)
    s = scores(con)
    for x, y in (("a1", "a2"), ("b1", "b2")):
        assert s.loc[x, ["r", "f", "m", "segment"]].tolist() == (
            s.loc[y, ["r", "f", "m", "segment"]].tolist()
        )


def test_every_one_order_buyer_gets_the_same_lowest_frequency_score(con):
    # 7 one-order buyers, then buyers with 2, 3 and 4 orders (n = 10).
    # One order: w = 0 -> F 1. Two: w = 7 -> 1 + 35 // 10 = 4. Three: w = 8 -> 1 + 40 // 10
    # = 5. Four: w = 9 -> 1 + 45 // 10 = 5.
    for i in range(7):
        add(con, f"one{i}", 10 + i, 50)
    for n in (2, 3, 4):
        for k in range(n):
            add(con, f"many{n}", 10 + k, 50)
    s = scores(con)
    assert set(s.loc[[f"one{i}" for i in range(7)], "f"]) == {1}
    assert s.loc[["many2", "many3", "many4"], "f"].tolist() == [4, 5, 5]


def test_quintile_recency_scores_count_buyers_who_bought_longer_ago(con):
    # Ten buyers, last order 1..10 days ago. Buyer d days ago: w = 10 - d buyers are older,
    # R = 1 + 5 * (10 - d) // 10: d=10,9 -> 1; 8,7 -> 2; 6,5 -> 3; 4,3 -> 4; 2,1 -> 5.
    for d in range(1, 11):
        add(con, f"d{d:02}", d, 100)
    s = scores(con)
    assert s["r"].tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    assert s["recency_days"].tolist() == list(range(1, 11))


def test_monetary_is_net_of_refunds_and_refunded_orders_do_not_count(con):
    # 100 fully refunded (not a sale), 200 with 50 refunded (a sale of 150), 30 closed.
    add(con, "x", 3, 100, status="refunded", refund=100)
    add(con, "x", 5, 200, refund=50)
    add(con, "x", 1, 30, status="closed")
    row = scores(con).loc["x"]
    assert (row["frequency"], row["monetary"], row["recency_days"]) == (1, 150.0, 5)


def test_buyers_without_a_valid_order_are_absent(con):
    add(con, "closed_only", 3, 100, status="closed")
    add(con, "unpaid_only", 3, 100, status="unpaid")
    add(con, "refunded_only", 3, 100, status="refunded", refund=100)
    add(con, "buyer", 3, 100)
    assert scores(con).index.tolist() == ["buyer"]


def test_orders_after_the_as_of_date_are_ignored(con):
    add(con, "x", 30, 100)
    add(con, "x", datetime(2024, 7, 1, 0, 0), 999)  # the day after AS_OF
    add(con, "late", datetime(2024, 7, 2), 50)  # buyer only after AS_OF
    s = scores(con)
    assert s.index.tolist() == ["x"]
    assert (s.loc["x", "frequency"], s.loc["x", "monetary"], s.loc["x", "recency_days"]) == (
        1,
        100.0,
        30,
    )


def test_a_later_order_of_someone_else_changes_no_score(con):
    # As of the newest order's day scores come from the customer summary; with an order on
    # a later day they come from the orders. Both must agree.
    for i, (days, amount) in enumerate([(0, 100), (3, 50), (3, 20), (40, 500), (200, 70)]):
        add(con, f"c{i}", days, amount)
    add(con, "c1", 60, 30)
    before = scores(con)
    add(con, "newcomer", datetime(2024, 7, 5), 80)
    after = scores(con)
    pd.testing.assert_frame_equal(before, after)


def test_every_segment_is_reachable_with_fixed_bins(con):
    # (days since last order, orders) -> (R, F) under the default fixed bins -> segment.
    plan = {
        "champions": (10, 4),  # R5 F4
        "loyal": (60, 4),  # R4 F4
        "potential_loyalist": (60, 2),  # R4 F2
        "new": (10, 1),  # R5 F1
        "promising": (60, 1),  # R4 F1
        "need_attention": (120, 3),  # R3 F3
        "about_to_sleep": (120, 1),  # R3 F1
        "at_risk": (200, 3),  # R2 F3
        "cant_lose": (400, 6),  # R1 F5
        "hibernating": (200, 1),  # R2 F1
        "lost": (400, 1),  # R1 F1
    }
    for segment, (days, orders) in plan.items():
        for k in range(orders):
            add(con, segment, days + k, 100)
    s = scores(con, settings=FIXED)
    assert {c: s.loc[c, "segment"] for c in plan} == {c: c for c in plan}


def test_the_grid_names_only_known_segments_and_all_of_them(con):
    assert {cell for row in GRID for cell in row} == set(SEGMENTS)
    assert list(SEGMENTS)[0] == "champions" and list(SEGMENTS)[-1] == "lost"


def test_fixed_bins_include_their_upper_edge(con):
    # recency 30 -> 5, 31 -> 4; orders 5 -> 4, 6 -> 5; spend 100.00 -> 1, 100.01 -> 2.
    add(con, "r30", 30, 100)
    add(con, "r31", 31, 100.01)
    for k in range(5):
        add(con, "f5", 1 + k, 10)
    for k in range(6):
        add(con, "f6", 1 + k, 10)
    s = scores(con, settings=FIXED)
    assert (s.loc["r30", "r"], s.loc["r31", "r"]) == (5, 4)
    assert (s.loc["f5", "f"], s.loc["f6", "f"]) == (4, 5)
    assert (s.loc["r30", "m"], s.loc["r31", "m"]) == (1, 2)


def test_settings_refuse_edges_that_do_not_ascend():
    with pytest.raises(InputError, match="recency_edges"):
        RfmSettings(recency_edges=(30, 20, 180, 365))
    with pytest.raises(InputError, match="method"):
        RfmSettings(method="deciles")


def test_segment_summary_lists_every_segment_with_shares(con):
    # Fixed bins: new (R5 F1, 100), lost (R1 F1, 300), and two loyal (R4 F4, 4 x 50 each).
    add(con, "n", 5, 100)
    add(con, "l", 500, 300)
    for c in ("y1", "y2"):
        for k in range(4):
            add(con, c, 60 + k, 50)
    customers.refresh(con)
    s = segment_summary(con, as_of=AS_OF, settings=FIXED, lang="en").set_index("segment")
    assert list(s.index) == list(SEGMENTS)
    assert s["customers"].to_dict() == {
        seg: {"new": 1, "lost": 1, "loyal": 2}.get(seg, 0) for seg in SEGMENTS
    }
    # revenue 100 + 300 + 400 = 800
    assert s.loc["loyal", "revenue"] == 400.0
    assert s.loc["loyal", "share"] == pytest.approx(0.5)
    assert s.loc["lost", "revenue_share"] == pytest.approx(300 / 800)
    assert s.loc["hibernating", ["share", "revenue_share"]].tolist() == [0, 0]
    assert "voucher" in s.loc["hibernating", "action"]


def test_empty_store_gives_every_segment_with_zeros(con):
    s = segment_summary(con, as_of=AS_OF)
    assert len(s) == len(SEGMENTS)
    assert (s[["customers", "revenue", "share", "revenue_share"]] == 0).all().all()


def test_rf_grid_has_all_25_cells_and_counts_buyers(con):
    add(con, "n", 5, 100)  # R5 F1 under fixed bins
    customers.refresh(con)
    grid = rf_grid(con, as_of=AS_OF, settings=FIXED)
    assert len(grid) == 25 and grid["customers"].sum() == 1
    cell = grid[(grid["r"] == 5) & (grid["f"] == 1)].iloc[0]
    assert (cell["customers"], cell["segment"]) == (1, "new")


def test_segment_members_lists_one_segment_and_searches_id_or_name(con):
    add(con, "new_a", 5, 100, name="张三")
    add(con, "new_b", 6, 300, name="李四")
    add(con, "old", 500, 100)
    customers.refresh(con)
    members = segment_members(con, as_of=AS_OF, segment="new", settings=FIXED)
    assert members["customer_id"].tolist() == ["new_b", "new_a"]  # by spend, highest first
    assert {"phone", "province", "city", "r", "f", "m"} <= set(members.columns)
    found = segment_members(con, as_of=AS_OF, segment="new", search="张", settings=FIXED)
    assert found["customer_id"].tolist() == ["new_a"]


def test_unknown_segment_is_refused(con):
    with pytest.raises(InputError, match="unknown segment"):
        segment_members(con, as_of=AS_OF, segment="vip")


def test_scores_are_computed_within_the_chosen_shop(con):
    # Shop s1: x bought 1 day ago, y 10 days ago. Shop s2: z 100 days ago.
    add(con, "x", 1, 100, shop="s1")
    add(con, "y", 10, 100, shop="s1")
    add(con, "z", 100, 100, shop="s2")
    s = scores(con, shop="taobao/s1")
    # n = 2: x has w = 1 -> R = 1 + 5 // 2 = 3; y has w = 0 -> R 1.
    assert s["r"].to_dict() == {"x": 3, "y": 1}


def test_report_rfm_json_has_one_record_per_buyer_with_the_documented_keys(tmp_path, capsys):
    db = tmp_path / "s.duckdb"
    con = store.connect(db)
    add(con, "a", 3, 100)
    add(con, "b", 50, 40)
    customers.refresh(con)
    con.close()
    assert (
        main(["report", "rfm", "--db", str(db), "--as-of", "2024-06-30", "--format", "json"]) == 0
    )
    records = json.loads(capsys.readouterr().out)
    assert [r["customer_id"] for r in records] == ["a", "b"]
    assert list(records[0]) == [
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
    assert records[0]["recency_days"] == 3 and records[0]["monetary"] == 100.0


def test_report_segments_json_lists_every_segment(tmp_path, capsys):
    db = tmp_path / "s.duckdb"
    store.connect(db).close()
    assert main(["report", "segments", "--db", str(db), "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["segment"] for r in records] == list(SEGMENTS)
    assert list(records[0]) == [
        "segment",
        "customers",
        "revenue",
        "share",
        "revenue_share",
        "action",
    ]


def test_demo_shop_segments_add_up_to_its_buyers(demo_con):
    summary = segment_summary(demo_con, as_of=DEMO_END)
    orders = demo_con.execute("SELECT * FROM orders").df()
    valid = orders[
        orders["status"].isin(["paid", "shipped", "completed"])
        & ((orders["refund_amount"] == 0) | (orders["refund_amount"] < orders["amount"]))
        & (orders["order_time"] < pd.Timestamp(DEMO_END) + pd.Timedelta(days=1))
    ]
    buyers = valid[["platform", "shop", "customer_id"]].drop_duplicates()
    assert summary["customers"].sum() == len(buyers)
    assert summary["share"].sum() == pytest.approx(1.0)


def test_rfm_settings_survive_a_save_and_load(con):
    from analytics import settings

    chosen = RfmSettings(method="fixed", recency_edges=(15, 45, 90, 200))
    settings.save(con, "rfm", chosen)
    assert settings.load(con, "rfm", RfmSettings) == chosen
