"""Member tiers on hand-made buyers (default rules: silver >= 2 orders or >= ¥500, gold >= 4
or >= ¥1500, diamond >= 8 or >= ¥5000; expected tiers worked out beside each buyer)."""

from __future__ import annotations

import itertools
import json
from datetime import datetime, timedelta

import pandas as pd
import pytest

from analytics import customers, settings, store
from analytics.cli import main
from analytics.errors import InputError
from analytics.tiers import (
    TierRules,
    customer_tiers,
    rules_from_table,
    rules_table,
    tier_summary,
    upgrade_candidates,
)

_ids = itertools.count(1)

#: buyer -> (valid orders, total net spend)
BUYERS = {
    "a": (1, 100.0),  # or: none (next silver: 1 order or ¥400 to go) | and: none
    "b": (2, 100.0),  # or: silver by orders | and: none (spend 100 < 500)
    "c": (1, 600.0),  # or: silver by spend | and: none (1 order < 2)
    "d": (4, 1000.0),  # or: gold by orders | and: silver (gold needs ¥1500 too)
    "e": (3, 1650.0),  # or: gold by spend | and: silver (gold needs 4 orders too)
    "f": (8, 5000.0),  # or: diamond | and: diamond
    "g": (1, 5000.0),  # or: diamond by spend | and: none
    "h": (1, 450.0),  # or: none (1 order or ¥50 to silver) | and: none (1 order and ¥50)
}
AND = TierRules(combine="and")


def add_buyer(con, customer, orders, spend, *, shop="s"):
    start = datetime(2024, 1, 1, 12)
    for k in range(orders):
        con.execute(
            f"INSERT INTO orders ({', '.join(store.ORDER_COLUMNS)}) VALUES "
            "('taobao', ?, ?, ?, ?, '13800000000', ?, NULL, 'completed', ?, 0, NULL, NULL, 1, "
            "NULL, 0)",
            [shop, f"o{next(_ids)}", customer, customer, start + timedelta(days=k), spend / orders],
        )


@pytest.fixture
def buyers(con):
    for customer, (orders, spend) in BUYERS.items():
        add_buyer(con, customer, orders, spend)
    con.execute(
        f"INSERT INTO orders ({', '.join(store.ORDER_COLUMNS)}) VALUES ('taobao', 's', 'c1', "
        "'closed', NULL, NULL, '2024-01-01', NULL, 'closed', 900, 0, NULL, NULL, 1, NULL, 0)"
    )
    customers.refresh(con)
    return con


def test_or_rule_takes_the_highest_tier_either_threshold_reaches(buyers):
    tiers = customer_tiers(buyers).set_index("customer_id")["tier"].to_dict()
    assert tiers == {
        "a": "none",
        "b": "silver",
        "c": "silver",
        "d": "gold",
        "e": "gold",
        "f": "diamond",
        "g": "diamond",
        "h": "none",
    }


def test_and_rule_needs_both_thresholds(buyers):
    tiers = customer_tiers(buyers, rules=AND).set_index("customer_id")["tier"].to_dict()
    assert tiers == {
        "a": "none",
        "b": "none",
        "c": "none",
        "d": "silver",
        "e": "silver",
        "f": "diamond",
        "g": "none",
        "h": "none",
    }


def test_distance_to_the_next_tier(buyers):
    t = customer_tiers(buyers).set_index("customer_id")
    # a: silver needs 2 orders / ¥500 -> 1 order, ¥400 to go.
    assert t.loc["a", ["next_tier", "orders_to_next", "spend_to_next"]].tolist() == [
        "silver",
        1,
        400.0,
    ]
    # d (gold): diamond needs 8 / ¥5000 -> 4 orders, ¥4000.
    assert t.loc["d", ["next_tier", "orders_to_next", "spend_to_next"]].tolist() == [
        "diamond",
        4,
        4000.0,
    ]
    # c is silver on spend; gold needs 4 orders (3 more) or ¥1500 (¥900 more).
    assert t.loc["c", ["orders_to_next", "spend_to_next"]].tolist() == [3, 900.0]
    # f is at the top: no next tier.
    assert pd.isna(t.loc["f", "next_tier"]) and pd.isna(t.loc["f", "orders_to_next"])


def test_a_met_threshold_shows_zero_distance_under_and(buyers):
    # d under "and" is silver; gold needs 4 orders (has 4 -> 0) and ¥1500 (¥500 more).
    t = customer_tiers(buyers, rules=AND).set_index("customer_id")
    assert t.loc["d", ["next_tier", "orders_to_next", "spend_to_next"]].tolist() == [
        "gold",
        0,
        500.0,
    ]


def test_tier_summary_counts_every_tier_with_revenue_share(buyers):
    s = tier_summary(buyers).set_index("tier")
    assert list(s.index) == ["none", "silver", "gold", "diamond"]
    # none a+h = 550; silver b+c = 700; gold d+e = 2650; diamond f+g = 10000; total 13900.
    assert s["customers"].tolist() == [2, 2, 2, 2]
    assert s["revenue"].tolist() == [550.0, 700.0, 2650.0, 10000.0]
    assert s.loc["diamond", "revenue_share"] == pytest.approx(10000 / 13900)
    assert s["discount"].tolist() == [1.0, 0.95, 0.90, 0.88]


def test_empty_store_lists_every_tier_with_zeros(con):
    s = tier_summary(con)
    assert s["customers"].tolist() == [0, 0, 0, 0]
    assert s["revenue_share"].tolist() == [0, 0, 0, 0]


def test_upgrade_candidates_are_within_one_order_or_200_yuan(buyers):
    # or: a (1 order away) and h (1 order or ¥50 away); nobody else is within reach:
    # b needs 2 orders/¥1400, c 3/¥900, d 4/¥4000, e 5/¥3350.
    found = upgrade_candidates(buyers)
    assert found["customer_id"].tolist() == ["h", "a"]  # nearest spend first
    assert "phone" in found.columns


def test_upgrade_candidates_under_and_need_both_gaps_small(buyers):
    # and: within 1 order AND ¥200 of the next tier. c (none: 1 order, ¥600 -> silver needs
    # 1 order, ¥0), g (none: 1 order, ¥5000 -> 1, ¥0), e (silver: 3 orders, ¥1650 -> gold
    # needs 1, ¥0), h (1, ¥50). Not a (¥400), b (0 orders but ¥400), d (0 orders but ¥500).
    # Nearest spend first, then fewest orders, then highest revenue: g, e, c, then h.
    assert upgrade_candidates(buyers, rules=AND)["customer_id"].tolist() == ["g", "e", "c", "h"]
    # Within ¥500 b (0, ¥400), a (1, ¥400) and d (0, ¥500) join.
    wider = upgrade_candidates(buyers, rules=AND, within_spend=500)["customer_id"].tolist()
    assert wider == ["g", "e", "c", "h", "b", "a", "d"]


def test_rules_refuse_thresholds_that_go_down():
    with pytest.raises(InputError, match="gold"):
        TierRules(
            tiers=(
                ("silver", "银卡", "Silver", 4, 500.0, 0.95),
                ("gold", "金卡", "Gold", 2, 1500.0, 0.9),
            )
        )
    with pytest.raises(InputError, match="combine"):
        TierRules(combine="xor")


def test_rules_survive_a_save_and_load(con):
    rules = TierRules(
        tiers=(("vip", "VIP", "VIP", 3, 1000.0, 0.9), ("svip", "超级VIP", "SVIP", 6, 3000.0, 0.8)),
        combine="and",
    )
    settings.save(con, "tiers", rules)
    assert settings.load(con, "tiers", TierRules) == rules


def test_edited_table_becomes_rules_and_bad_cells_are_named():
    table = rules_table(TierRules()).astype(object)
    table.loc[0, "min_spend"] = 600
    rules = rules_from_table(table, "and")
    assert rules.tiers[0] == ("silver", "银卡", "Silver", 2, 600.0, 0.95)
    assert rules.combine == "and"
    table.loc[1, "min_orders"] = "many"
    with pytest.raises(InputError, match="row 2"):
        rules_from_table(table)


def test_report_tiers_json_has_the_documented_keys(tmp_path, capsys):
    db = tmp_path / "s.duckdb"
    con = store.connect(db)
    add_buyer(con, "a", 2, 100)
    customers.refresh(con)
    con.close()
    assert main(["report", "tiers", "--db", str(db), "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert list(records[0]) == ["tier", "customers", "revenue", "revenue_share", "discount"]
    assert [r["customers"] for r in records] == [0, 1, 0, 0]
    assert main(["report", "tiers", "--db", str(db), "--customers", "--format", "json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["tier"], row["next_tier"], row["orders_to_next"]) == ("silver", "gold", 2)
