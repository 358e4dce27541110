"""20/80 on a hand-made shop whose answer is known, and on the demo shop against pandas."""

from __future__ import annotations

import json

import pytest

from analytics import customers, store
from analytics.cli import main
from analytics.errors import InputError
from analytics.pareto import pareto_curve, top_share

#: Ten buyers' net revenue, total 1,000: one big buyer with 80%.
SPEND = {"big": 800, "b": 40, "c": 20, "d": 20, "e": 20, "f": 20, "g": 20, "h": 20, "i": 20}
SPEND |= {"j": 20}


def add(con, customer, amount, *, order_id=None, status="completed", refund=0):
    con.execute(
        f"INSERT INTO orders ({', '.join(store.ORDER_COLUMNS)}) VALUES "
        "('taobao', 's', ?, ?, NULL, NULL, TIMESTAMP '2024-03-01 10:00', NULL, ?, ?, ?, "
        "NULL, NULL, 1, NULL, 0)",
        [order_id or f"o-{customer}", customer, status, amount, refund],
    )


@pytest.fixture
def ten(con):
    for customer, amount in SPEND.items():
        add(con, customer, amount)
    # Not revenue: a closed order and a fully refunded one.
    add(con, "big", 5000, order_id="closed", status="closed")
    add(con, "zz", 900, order_id="refunded", status="refunded", refund=900)
    customers.refresh(con)
    return con


def test_top_20_percent_share_is_the_two_biggest_buyers(ten):
    # Top 2 of 10 buyers: 800 + 40 = 840 of 1,000.
    assert top_share(ten) == pytest.approx(0.84)
    assert top_share(ten, top=0.1) == pytest.approx(0.80)


def test_a_fractional_buyer_counts_in_proportion(ten):
    # Top 15% = 1.5 buyers: 800 + half of 40 = 820.
    assert top_share(ten, top=0.15) == pytest.approx(0.82)


def test_curve_is_the_cumulative_revenue_share(ten):
    curve = pareto_curve(ten, points=10)
    assert curve["customer_share"].tolist() == pytest.approx([k / 10 for k in range(11)])
    # Cumulative revenue of the top k buyers: 0, 800, 840, 860, ..., 1000.
    expected = [0, 800, 840, 860, 880, 900, 920, 940, 960, 980, 1000]
    assert curve["revenue_share"].tolist() == pytest.approx([x / 1000 for x in expected])


def test_empty_store_gives_zero_shares(con):
    assert top_share(con) == 0.0
    curve = pareto_curve(con, points=4)
    assert len(curve) == 5 and (curve["revenue_share"] == 0).all()


def test_bad_parameters_are_refused(con):
    with pytest.raises(InputError):
        top_share(con, top=1.5)
    with pytest.raises(InputError):
        pareto_curve(con, points=0)


def test_report_pareto_json_is_the_curve(tmp_path, capsys):
    db = tmp_path / "s.duckdb"
    file_con = store.connect(db)
    for customer, amount in SPEND.items():
        add(file_con, customer, amount)
    customers.refresh(file_con)
    file_con.close()
    assert main(["report", "pareto", "--db", str(db), "--points", "5", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert list(records[0]) == ["customer_share", "revenue_share"]
    assert records[1] == {"customer_share": 0.2, "revenue_share": pytest.approx(0.84)}
    assert main(["report", "pareto", "--db", str(db), "--points", "5"]) == 0
    assert "top 20% of buyers: 84.0% of revenue" in capsys.readouterr().out


def test_demo_shop_top_share_matches_pandas(demo_con):
    orders = demo_con.execute("SELECT * FROM orders").df()
    valid = orders[
        orders["status"].isin(["paid", "shipped", "completed"])
        & ((orders["refund_amount"] == 0) | (orders["refund_amount"] < orders["amount"]))
    ]
    revenue = (
        (valid["amount"] - valid["refund_amount"])
        .groupby([valid["platform"], valid["shop"], valid["customer_id"]])
        .sum()
        .sort_values(ascending=False)
        .to_numpy()
    )
    whole, part = divmod(0.2 * len(revenue), 1)
    top = revenue[: int(whole)].sum() + part * revenue[int(whole)]
    assert top_share(demo_con) == pytest.approx(top / revenue.sum(), rel=1e-9)
