"""Repurchase cycles, reminders and the churn warning (analytics.repurchase), their CLI
reports and the 复购与流失 page, on the hand-checked fixture in tests/fixtures/repurchase/
(its README has every expected answer and how it was worked out) and small inline cases.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analytics import clv, customers, repurchase, settings, store
from analytics.cli import main
from analytics.errors import InputError
from analytics.repurchase import RepurchaseSettings
from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[1]
ORDERS = FIXTURES / "repurchase" / "orders.csv"
AS_OF = date(2025, 6, 30)
SHOP = "tmall/老客优选"
S = "氨基酸控油洗发水 500ml"
M = "玻尿酸补水面膜 10片"
T = "明前龙井 250g"


def insert_orders(con, rows: list[dict], *, platform: str = "tmall", shop: str = "老客优选"):
    """Insert orders (dicts with customer_id, order_time, product and optional fields)."""
    frame = pd.DataFrame(
        {
            "platform": row.get("platform", platform),
            "shop": row.get("shop", shop),
            "order_id": row.get("order_id") or f"X{i}-{row['customer_id']}-{row['order_time']}",
            "customer_id": row["customer_id"],
            "customer_name": row.get("customer_name"),
            "phone": None,
            "order_time": pd.Timestamp(row["order_time"]),
            "paid_time": None,
            "status": row.get("status", "completed"),
            "amount": float(row.get("amount", 59.0)),
            "refund_amount": float(row.get("refund_amount", 0.0)),
            "province": None,
            "city": None,
            "item_count": 1,
            "product": row.get("product"),
            "import_id": 0,
        }
        for i, row in enumerate(rows)
    )
    con.register("new_orders", frame[list(store.ORDER_COLUMNS)])
    con.execute("INSERT INTO orders SELECT * FROM new_orders")
    con.unregister("new_orders")
    customers.refresh(con)


def load_fixture(con, *, platform: str = "tmall", shop: str = "老客优选") -> None:
    rows = pd.read_csv(ORDERS, dtype=str).to_dict(orient="records")
    insert_orders(con, rows, platform=platform, shop=shop)


def day(back: int) -> str:
    """The date ``back`` days before AS_OF, at 10:00."""
    return f"{AS_OF - timedelta(days=back)} 10:00:00"


@pytest.fixture
def shop(con):
    load_fixture(con)
    return con


def cycle(df: pd.DataFrame, item: str, column: str = "product") -> dict:
    return df.set_index(column).loc[item].to_dict()


# --------------------------------------------------------------------------- cycles


def test_cycle_of_six_customers_buying_every_30_days_is_30(shop):
    got = cycle(repurchase.product_cycles(shop, as_of=AS_OF), S)
    # s1..s6, three purchases 30 days apart each: twelve gaps of 30; o1, cc1 bought once.
    assert got == {
        "customers": 6,
        "median_days": 30.0,
        "p25_days": 30.0,
        "p75_days": 30.0,
        "purchases": 12,
        "buyers": 8,
    }


def test_quartiles_interpolate_between_the_pooled_gaps(shop):
    got = cycle(repurchase.product_cycles(shop, as_of=AS_OF), M)
    # Gaps 18 19 20 21 22 25 30 (m6 gives two): positions 1.5, 3 and 4.5.
    assert (got["p25_days"], got["median_days"], got["p75_days"]) == (19.5, 21.0, 23.5)
    assert (got["customers"], got["purchases"], got["buyers"]) == (6, 7, 6)


def test_cycles_list_most_customers_first_then_the_shorter_cycle(shop):
    assert list(repurchase.product_cycles(shop, as_of=AS_OF)["product"]) == [M, S]


def test_products_with_fewer_repeat_customers_than_the_minimum_are_left_out(shop):
    # Tea has 4 repeat customers (t1's second order is partly refunded, still a sale).
    assert T not in set(repurchase.product_cycles(shop, as_of=AS_OF)["product"])
    tea = cycle(repurchase.product_cycles(shop, as_of=AS_OF, min_customers=4), T)
    assert (tea["customers"], tea["median_days"], tea["purchases"]) == (4, 45.0, 4)


def test_category_level_pools_products_of_one_keyword_category(shop):
    got = repurchase.product_cycles(shop, as_of=AS_OF, level="category")
    assert list(got.columns[:1]) == ["category"]
    care = cycle(got, "洗护", "category")
    # s1..s6 as for shampoo, plus cc1: conditioner then shampoo 30 days later.
    assert (care["customers"], care["purchases"], care["median_days"]) == (7, 13, 30.0)
    assert cycle(got, "护肤", "category")["median_days"] == 21.0


def test_orders_on_one_day_are_one_purchase(con):
    insert_orders(
        con,
        [
            {"customer_id": "a", "order_time": day(40), "product": "A"},
            {
                "customer_id": "a",
                "order_time": f"{AS_OF - timedelta(days=40)} 20:00:00",
                "product": "A",
            },
            {"customer_id": "a", "order_time": day(10), "product": "A"},
        ],
    )
    got = cycle(repurchase.product_cycles(con, as_of=AS_OF, min_customers=1), "A")
    assert (got["purchases"], got["median_days"]) == (1, 30.0)  # not a 0-day gap


def test_refunded_closed_and_unpaid_orders_are_not_purchases(con):
    insert_orders(
        con,
        [
            {"customer_id": "a", "order_time": day(60), "product": "A"},
            {
                "customer_id": "a",
                "order_time": day(50),
                "product": "A",
                "status": "refunded",
                "refund_amount": 59,
            },
            {"customer_id": "a", "order_time": day(45), "product": "A", "status": "closed"},
            {"customer_id": "a", "order_time": day(40), "product": "A", "status": "unpaid"},
            {"customer_id": "a", "order_time": day(30), "product": "A"},
        ],
    )
    got = cycle(repurchase.product_cycles(con, as_of=AS_OF, min_customers=1), "A")
    assert (got["purchases"], got["median_days"]) == (1, 30.0)


def test_orders_after_the_as_of_date_are_ignored(con):
    insert_orders(
        con,
        [
            {"customer_id": "a", "order_time": day(30), "product": "A"},
            {"customer_id": "a", "order_time": day(0), "product": "A"},
            {"customer_id": "a", "order_time": day(-5), "product": "A"},
        ],
    )
    got = cycle(repurchase.product_cycles(con, as_of=AS_OF, min_customers=1), "A")
    assert (got["purchases"], got["median_days"]) == (1, 30.0)


def test_a_multi_item_title_counts_for_each_product(con):
    rows = [
        {"customer_id": "a", "order_time": day(50), "product": "A 洗发水，B 护发素"},
        {"customer_id": "a", "order_time": day(20), "product": "A 洗发水"},
    ]
    insert_orders(con, rows)
    split = repurchase.product_cycles(con, as_of=AS_OF, min_customers=1)
    assert list(split["product"]) == ["A 洗发水"]
    assert split["median_days"].iloc[0] == 30.0
    whole = repurchase.product_cycles(
        con, as_of=AS_OF, min_customers=1, settings=RepurchaseSettings(title_separator="")
    )
    assert whole.empty  # "A 洗发水，B 护发素" and "A 洗发水" are then two products


def test_order_lines_name_the_products_when_the_platform_gives_them(con):
    rows = [
        {"customer_id": "a", "order_id": "L1", "order_time": day(50), "product": "整单"},
        {"customer_id": "a", "order_id": "L2", "order_time": day(20), "product": "整单"},
    ]
    insert_orders(con, rows)
    con.execute(
        "INSERT INTO order_items VALUES "
        "('tmall', '老客优选', 'L1', 1, 'p1', NULL, '猫粮 2kg', '猫用品', 1, 59, 0),"
        "('tmall', '老客优选', 'L1', 2, 'p2', NULL, '', '', 1, 0, 0),"
        "('tmall', '老客优选', 'L2', 1, 'p1', NULL, '猫粮 2kg', NULL, 1, 59, 0)"
    )
    by_product = repurchase.product_cycles(con, as_of=AS_OF, min_customers=1)
    assert list(by_product["product"]) == ["猫粮 2kg"]  # not the order title 整单
    by_category = repurchase.product_cycles(con, as_of=AS_OF, level="category", min_customers=1)
    # L1's line says category 猫用品; L2's has none, so the keyword 猫粮 makes it 宠物:
    # two categories bought once each, no repeat (one category would give a 30-day gap).
    assert by_category.empty


def test_the_first_matching_keyword_rule_names_the_category(con):
    rows = [
        {"customer_id": c, "order_time": day(back), "product": "茶树精油洗发水"}
        for c in ("a", "b")
        for back in (40, 10)
    ]
    insert_orders(con, rows)
    rules = RepurchaseSettings(category_keywords=(("洗发水", "洗护"), ("茶", "茶饮")))
    got = repurchase.product_cycles(
        con, as_of=AS_OF, level="category", min_customers=1, settings=rules
    )
    assert list(got["category"]) == ["洗护"]
    no_rules = RepurchaseSettings(category_keywords=())
    got = repurchase.product_cycles(
        con, as_of=AS_OF, level="category", min_customers=1, settings=no_rules
    )
    assert list(got["category"]) == ["茶树精油洗发水"]  # no rule: the title itself


def test_shop_filter_keeps_one_shop(con):
    load_fixture(con)
    load_fixture(con, platform="jd", shop="另一家")
    everyone = cycle(repurchase.product_cycles(con, as_of=AS_OF), S)
    assert everyone["customers"] == 12  # the same ids in two shops are different customers
    one = cycle(repurchase.product_cycles(con, as_of=AS_OF, shop=SHOP), S)
    assert one["customers"] == 6
    assert set(repurchase.reminders(con, as_of=AS_OF, shop=SHOP)["platform"]) == {"tmall"}
    assert set(repurchase.churn_risk(con, as_of=AS_OF, shop="jd/另一家")["shop"]) == {"另一家"}


def test_bad_level_is_refused(shop):
    with pytest.raises(InputError, match="level"):
        repurchase.product_cycles(shop, as_of=AS_OF, level="brand")


# --------------------------------------------------------------------------- reminders


def test_customer_25_days_into_a_30_day_cycle_is_reminded_today(shop):
    got = repurchase.reminders(shop, as_of=AS_OF, within_days=0)
    assert list(got.columns) == repurchase.REMINDER_COLUMNS
    assert len(got) == 1
    row = got.iloc[0]
    assert (row.customer_id, row.customer_name, row["product"]) == ("s1", "张洗一", S)
    assert (row.last_purchase, row.cycle_days) == (date(2025, 6, 5), 30)
    assert (row.expected_date, row.remind_date) == (date(2025, 7, 5), AS_OF)
    assert row.days_until_expected == 5


def test_reminder_window_covers_as_of_to_as_of_plus_within_days(shop):
    def listed(within):
        return list(repurchase.reminders(shop, as_of=AS_OF, within_days=within)["customer_id"])

    assert listed(4) == ["s1"]  # s2's reminder day is as-of + 5
    assert listed(7) == ["s1", "s2"]  # s3's day (as-of - 1) has passed
    assert listed(12) == ["s1", "s2"]
    # Masks (21-day cycle) bought 1-3 days ago remind on days 13-15; s6 on day 15.
    assert listed(15) == ["s1", "s2", "m3", "m6", "m2", "m5", "m1", "m4", "s6"]


def test_consecutive_runs_list_every_reminder_exactly_once(shop):
    first = repurchase.reminders(shop, as_of=AS_OF, within_days=6)
    second = repurchase.reminders(shop, as_of=AS_OF + timedelta(days=7), within_days=8)
    both = repurchase.reminders(shop, as_of=AS_OF, within_days=15)
    joined = pd.concat([first, second])[["customer_id", "product"]]
    assert sorted(map(tuple, joined.to_numpy())) == sorted(
        map(tuple, both[["customer_id", "product"]].to_numpy())
    )


def test_remind_before_days_moves_the_reminder_day(shop):
    on_the_day = RepurchaseSettings(remind_before_days=0)
    got = repurchase.reminders(shop, as_of=AS_OF, within_days=5, settings=on_the_day)
    # Reminded on the expected day: s3 (last -26) on as-of + 4, s1 (-25) on as-of + 5;
    # s2 (-20) on as-of + 10 is outside.
    assert list(got["customer_id"]) == ["s3", "s1"]
    assert list(got["remind_date"]) == [date(2025, 7, 4), date(2025, 7, 5)]


def test_customer_who_bought_the_product_again_is_not_reminded(shop):
    # s2 buys shampoo again on 2025-07-01: listed as of 06-30, not as of 07-01.
    assert "s2" in set(repurchase.reminders(shop, as_of=AS_OF, within_days=7)["customer_id"])
    later = repurchase.reminders(shop, as_of=date(2025, 7, 1), within_days=7)
    assert "s2" not in set(later["customer_id"])


def test_customer_who_just_paid_another_order_is_left_out(shop):
    insert_orders(shop, [{"customer_id": "s1", "order_time": day(3), "product": "购物袋"}])
    assert repurchase.reminders(shop, as_of=AS_OF, within_days=0).empty
    keep = RepurchaseSettings(recent_paid_days=0)
    got = repurchase.reminders(shop, as_of=AS_OF, within_days=0, settings=keep)
    assert list(got["customer_id"]) == ["s1"]
    # An order 15 days ago is outside "the last 15 days" (as-of - 14 .. as-of).
    insert_orders(shop, [{"customer_id": "s2", "order_time": day(15), "product": "购物袋"}])
    assert "s2" in set(repurchase.reminders(shop, as_of=AS_OF, within_days=7)["customer_id"])


def test_stored_settings_are_used(shop):
    settings.save(shop, repurchase.SETTINGS_NAME, RepurchaseSettings(remind_before_days=0))
    got = repurchase.reminders(shop, as_of=AS_OF, within_days=5)
    assert list(got["customer_id"]) == ["s3", "s1"]  # as with remind_before_days=0 above
    assert list(got["remind_date"]) == list(got["expected_date"])


def test_negative_within_days_is_refused(shop):
    with pytest.raises(InputError, match="within_days"):
        repurchase.reminders(shop, as_of=AS_OF, within_days=-1)


# --------------------------------------------------------------------------- churn risk


def test_overdue_customers_are_ranked_by_value_at_risk(shop):
    got = repurchase.churn_risk(shop, as_of=AS_OF)
    assert list(got.columns) == repurchase.CHURN_COLUMNS
    assert list(got["customer_id"]) == ["s5", "o1", "cc1"]
    assert list(got["value_at_risk"]) == [177.0, 118.0, 98.0]  # < 1 year: their revenue
    assert list(got["overdue_ratio"]) == [1.533, 1.667, 2.333]


def test_exactly_factor_times_the_gap_is_not_overdue(shop):
    # s4: own gaps 30, 30 and 45 days since = 1.5 x 30; s5 one day more.
    assert "s4" not in set(repurchase.churn_risk(shop, as_of=AS_OF)["customer_id"])
    assert "s4" in set(repurchase.churn_risk(shop, as_of=AS_OF, factor=1.49)["customer_id"])


def test_own_cycle_with_two_gaps_else_the_product_cycle(shop):
    got = repurchase.churn_risk(shop, as_of=AS_OF).set_index("customer_id")
    assert (got.at["s5", "basis"], got.at["s5", "expected_gap_days"]) == ("own", 30.0)
    assert (got.at["o1", "basis"], got.at["o1", "expected_gap_days"]) == ("product", 30.0)
    # cc1 bought on two days (one gap): conditioner has no cycle, shampoo's 30 is used.
    assert (got.at["cc1", "basis"], got.at["cc1", "expected_gap_days"]) == ("product", 30.0)


def test_a_fast_buyer_is_overdue_against_their_own_cycle(shop):
    # q1 buys shampoo every 10 days; 20 days since > 1.5 x 10, though < 1.5 x 30.
    insert_orders(
        shop, [{"customer_id": "q1", "order_time": day(b), "product": S} for b in (40, 30, 20)]
    )
    got = repurchase.churn_risk(shop, as_of=AS_OF).set_index("customer_id")
    assert (got.at["q1", "basis"], got.at["q1", "expected_gap_days"]) == ("own", 10.0)
    assert got.at["q1", "overdue_ratio"] == 2.0


def test_customers_without_any_cycle_are_not_assessed(shop):
    # t1..t4 bought only tea, which has 4 repeat customers (< 5): no cycle.
    got = repurchase.churn_risk(shop, as_of=AS_OF, factor=0.1)
    assert not {"t1", "t2", "t3", "t4"} & set(got["customer_id"])


def test_customers_gone_longer_than_churn_max_days_are_not_warned(shop):
    insert_orders(shop, [{"customer_id": "old", "order_time": day(400), "product": S}])
    assert "old" not in set(repurchase.churn_risk(shop, as_of=AS_OF)["customer_id"])
    no_limit = RepurchaseSettings(churn_max_days=0)
    got = repurchase.churn_risk(shop, as_of=AS_OF, settings=no_limit).set_index("customer_id")
    # 59.00 over 400 days as a customer: 59 x 365 / 400 a year.
    assert got.at["old", "value_at_risk"] == pytest.approx(53.84, abs=0.005)


def test_factor_must_be_positive(shop):
    with pytest.raises(InputError, match="factor"):
        repurchase.churn_risk(shop, as_of=AS_OF, factor=0)


def test_empty_store_gives_empty_tables_with_the_documented_columns(con):
    assert list(repurchase.product_cycles(con, as_of=AS_OF).columns) == [
        "product",
        *repurchase.CYCLE_COLUMNS,
    ]
    assert list(repurchase.reminders(con, as_of=AS_OF).columns) == repurchase.REMINDER_COLUMNS
    assert list(repurchase.churn_risk(con, as_of=AS_OF).columns) == repurchase.CHURN_COLUMNS


# --------------------------------------------------------------------------- models


def test_p_alive_matrix_needs_enough_customers(shop):
    with pytest.raises(InputError, match="too few customers"):
        repurchase.p_alive_matrix(shop, as_of=AS_OF)


def _cdnow(con):
    from tests.test_clv import CDNOW_AS_OF, load_cdnow

    load_cdnow(con)
    customers.refresh(con)
    return CDNOW_AS_OF


def test_p_alive_matrix_covers_every_customer_once(con):
    as_of = _cdnow(con)
    got = repurchase.p_alive_matrix(con, as_of=as_of)
    assert got["customers"].sum() == len(clv.purchase_summary(con, as_of=as_of))
    assert set(got["frequency_bucket"]) <= set(repurchase.FREQUENCY_LABELS)
    assert set(got["days_since_bucket"]) <= set(repurchase.DAYS_SINCE_LABELS)
    # BG/NBD: a one-time buyer is alive with certainty; repeat buyers fade with recency.
    assert (got.loc[got.frequency_bucket == "0", "p_alive"] == 1.0).all()
    ones = got[got.frequency_bucket == "1"].set_index("days_since_bucket")["p_alive"]
    assert ones.is_monotonic_decreasing


def test_top_clv_names_the_highest_clv_customers(con):
    as_of = _cdnow(con)
    got = repurchase.top_clv(con, as_of=as_of, limit=5)
    expected = clv.clv(con, as_of=as_of).head(5)
    assert list(got["customer_id"]) == list(expected["customer_id"])
    assert list(got["clv"]) == pytest.approx(list(expected["clv"]))
    assert "customer_name" in got.columns


# --------------------------------------------------------------------------- CLI


@pytest.fixture
def db_file(tmp_path) -> str:
    path = tmp_path / "shop.duckdb"
    connection = store.connect(path)
    load_fixture(connection)
    connection.close()
    return str(path)


def _json(capsys, *argv) -> list[dict]:
    assert main(["report", *argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_report_cycles_json_has_the_documented_keys(db_file, capsys):
    rows = _json(capsys, "cycles", "--db", db_file, "--as-of", str(AS_OF))
    assert list(rows[0]) == ["product", *repurchase.CYCLE_COLUMNS]
    assert [r["product"] for r in rows] == [M, S]
    rows = _json(capsys, "cycles", "--db", db_file, "--as-of", str(AS_OF), "--level", "category")
    assert rows[0]["category"] == "洗护"


def test_report_reminders_json_lists_the_due_customers(db_file, capsys):
    rows = _json(capsys, "reminders", "--db", db_file, "--as-of", str(AS_OF), "--within", "7")
    assert list(rows[0]) == repurchase.REMINDER_COLUMNS
    assert [(r["customer_id"], r["remind_date"]) for r in rows] == [
        ("s1", "2025-06-30"),
        ("s2", "2025-07-05"),
    ]


def test_report_churn_risk_json_takes_the_factor(db_file, capsys):
    rows = _json(capsys, "churn-risk", "--db", db_file, "--as-of", str(AS_OF))
    assert list(rows[0]) == repurchase.CHURN_COLUMNS
    assert [r["customer_id"] for r in rows] == ["s5", "o1", "cc1"]
    rows = _json(capsys, "churn-risk", "--db", db_file, "--as-of", str(AS_OF), "--factor", "1.49")
    assert "s4" in {r["customer_id"] for r in rows}


def test_report_churn_risk_refuses_a_zero_factor(db_file, capsys):
    argv = ["report", "churn-risk", "--db", db_file, "--as-of", str(AS_OF), "--factor", "0"]
    assert main(argv) == 2
    assert "factor" in capsys.readouterr().err


# --------------------------------------------------------------------------- page


def _page(db: str, monkeypatch) -> AppTest:
    monkeypatch.setenv("LAOKE_DB", db)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    return at.switch_page("pages/repurchase.py").run()


def test_page_lists_reminders_and_churn_risk(db_file, monkeypatch):
    at = _page(db_file, monkeypatch)
    assert not at.exception, at.exception
    assert [m.value for m in at.title] == ["复购与流失"]
    at.slider(key="repurchase_within").set_value(15).run()
    # As-of is the newest order, 2025-07-01. Reminder days 07-01..07-16: the masks (07-13
    # to 07-15) and s6 (07-15); s2 rebought on 07-01. Overdue one day later than in the
    # README: s4 (46 > 45 days) joins s5, o1 and cc1.
    # Tables keep their data columns; the page labels them (买家) through column_config.
    tables = [df.value for df in at.dataframe if "customer_id" in df.value.columns]
    reminded, overdue = (set(table["customer_id"]) for table in tables[:2])
    assert reminded == {"m1", "m2", "m3", "m4", "m5", "m6", "s6"}
    assert overdue == {"s4", "s5", "o1", "cc1"}


def test_page_shows_model_failures_as_warnings(db_file, monkeypatch):
    at = _page(db_file, monkeypatch)
    assert not at.exception, at.exception
    # 18 customers: too few for BG/NBD (20), so the heat map, holdout and CLV warn.
    warnings = [w.value for w in at.warning]
    assert any("too few customers" in w for w in warnings), warnings
