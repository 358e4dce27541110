"""Buyers by province and city (latest address), on hand-made buyers."""

from __future__ import annotations

import itertools

import pytest

from analytics import customers, store
from analytics.regions import cities, provinces

_ids = itertools.count(1)


def add(con, customer, amount, province, city, *, when="2024-01-01 10:00", status="completed"):
    con.execute(
        f"INSERT INTO orders ({', '.join(store.ORDER_COLUMNS)}) VALUES "
        "('taobao', 's', ?, ?, NULL, NULL, ?, NULL, ?, ?, 0, ?, ?, 1, NULL, 0)",
        [f"o{next(_ids)}", customer, when, status, amount, province, city],
    )


@pytest.fixture
def shop(con):
    add(con, "a", 300, "浙江", "杭州市")
    add(con, "b", 100, "浙江", "宁波市")
    add(con, "c", 200, "浙江", "杭州市")
    # d moved: the latest address (广东 深圳市) counts, with all of d's revenue.
    add(con, "d", 50, "浙江", "杭州市", when="2024-01-01 10:00")
    add(con, "d", 250, "广东", "深圳市", when="2024-02-01 10:00")
    add(con, "e", 100, None, None)
    add(con, "f", 999, "上海", "上海市", status="closed")  # not a buyer
    customers.refresh(con)
    return con


def test_cities_rank_buyers_revenue_by_latest_city(shop):
    # 杭州 a + c = 500; 深圳 d = 300; 宁波 b = 100; unknown e = 100. Total 1,000.
    c = cities(shop)
    assert c[["province", "city", "customers", "revenue"]].values.tolist() == [
        ["浙江", "杭州市", 2, 500.0],
        ["广东", "深圳市", 1, 300.0],
        ["未知", "未知", 1, 100.0],
        ["浙江", "宁波市", 1, 100.0],
    ]
    assert c["revenue_share"].tolist() == pytest.approx([0.5, 0.3, 0.1, 0.1])


def test_cities_of_one_province(shop):
    c = cities(shop, province="浙江")
    assert c["city"].tolist() == ["杭州市", "宁波市"]
    assert c["revenue_share"].tolist() == pytest.approx([500 / 600, 100 / 600])


def test_provinces_keep_their_columns(shop):
    p = provinces(shop)
    assert list(p.columns) == ["province", "customers", "orders", "revenue", "revenue_share"]
    assert p["province"].tolist()[:2] == ["浙江", "广东"]
