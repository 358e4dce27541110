"""Nothing is dropped without a word: values out of range, swapped columns, repeated
orders, extra fields, NUL bytes and uncached formulas are named problems or refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from analytics import store
from analytics.errors import ImportRefused
from analytics.importers import import_orders
from analytics.importers.orders import MAX_AMOUNT
from tests.taobao_export import order, write_export

HUGE = "9999999999999999.99"


def _good(n: int, start: int = 100) -> list[dict[str, str]]:
    return [order(str(i), f"b{i}") for i in range(start, start + n)]


def test_amount_beyond_the_stored_range_is_a_named_problem_not_a_crash(con, tmp_path):
    rows = [order(str(i), "whale", paid=HUGE) for i in range(4)] + _good(96)
    result = import_orders(con, write_export(tmp_path / "big.csv", rows))
    assert (result.inserted, result.rejected) == (96, 4)
    assert {(p.column, p.value, p.code) for p in result.problems} == {
        ("买家实际支付金额", HUGE, "amount_too_large")
    }
    assert "9,999,999,999.99" in result.problems[0].reason
    assert con.execute("SELECT count(*) FROM orders WHERE customer_id = 'whale'").fetchone() == (0,)


def test_file_of_only_out_of_range_amounts_is_refused_naming_them(con, tmp_path):
    rows = [order(str(i), "whale", paid=HUGE) for i in range(4)]
    with pytest.raises(ImportRefused, match="amount too large") as refused:
        import_orders(con, write_export(tmp_path / "big.csv", rows))
    assert refused.value.problems[0].column == "买家实际支付金额"
    assert con.execute("SELECT count(*) FROM orders").fetchone() == (0,)


def test_refund_beyond_the_range_is_named_in_its_column(con, tmp_path):
    rows = _good(40)
    rows[3]["退款金额"] = "1e20"
    result = import_orders(con, write_export(tmp_path / "r.csv", rows))
    assert [(p.line, p.column, p.code) for p in result.problems] == [
        (5, "退款金额", "amount_too_large")
    ]


def test_largest_accepted_amounts_sum_without_overflow(con, tmp_path):
    top = f"{MAX_AMOUNT - 0.01:.2f}"
    rows = [order(str(i), "whale", paid=top) for i in range(4)]
    result = import_orders(con, write_export(tmp_path / "top.csv", rows))
    assert (result.inserted, result.rejected) == (4, 0)
    assert con.execute("SELECT revenue FROM customers WHERE customer_id = 'whale'").fetchone() == (
        Decimal(top) * 4,
    )


def test_order_dated_2100_is_a_named_problem_and_not_stored(con, tmp_path):
    rows = [order("1", "future", time="2100-01-01 10:00:00"), *_good(39)]
    result = import_orders(con, write_export(tmp_path / "f.csv", rows))
    assert (result.inserted, result.rejected) == (39, 1)
    assert {(p.line, p.column, p.code) for p in result.problems} == {
        (2, "订单创建时间", "time_too_late"),
        (2, "订单付款时间", "time_too_late"),
    }
    assert "tomorrow" in result.problems[0].reason
    # The default as-of date stays at the real orders' newest day.
    assert str(store.latest_order_date(con)) == "2024-01-05"


def test_order_dated_before_2003_is_a_named_problem(con, tmp_path):
    rows = [order("1", "old", time="1999-12-31 23:00:00", paid_time=""), *_good(39)]
    result = import_orders(con, write_export(tmp_path / "o.csv", rows))
    assert [(p.line, p.column, p.code) for p in result.problems] == [
        (2, "订单创建时间", "time_too_early")
    ]
    assert "2003-01-01" in result.problems[0].reason


def test_paid_time_in_the_future_is_a_named_problem(con, tmp_path):
    rows = _good(40)
    rows[0]["订单付款时间"] = "2099-05-01 08:00:00"
    result = import_orders(con, write_export(tmp_path / "p.csv", rows))
    assert [(p.column, p.code) for p in result.problems] == [("订单付款时间", "time_too_late")]
