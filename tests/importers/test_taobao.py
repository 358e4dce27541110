"""Taobao/Tmall 订单报表 import: every quirk of the real export, and the hand-checked fixture."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest

from analytics.importers import import_orders
from analytics.importers.reader import transcode
from analytics.importers.taobao import STATUS_MAP
from tests.conftest import FIXTURES
from tests.taobao_export import order, write_export


def _orders(con):
    return con.execute(
        "SELECT order_id, customer_id, status, amount, refund_amount, province, city, phone "
        "FROM orders ORDER BY order_id"
    ).fetchall()


def test_fixture_imports_to_its_expected_rows(con):
    result = import_orders(con, FIXTURES / "taobao_small.csv")
    assert (result.platform, result.inserted, result.rejected) == ("taobao", 8, 0)
    with open(FIXTURES / "taobao_small.expected.csv", encoding="utf-8") as fh:
        expected = [
            (r["order_id"], r["customer_id"], r["status"], Decimal(r["amount"]),
             Decimal(r["refund_amount"]), r["province"], r["city"], r["phone"])
            for r in csv.DictReader(fh)
        ]  # fmt: skip
    assert _orders(con) == sorted(expected)


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-8", "utf-8-sig"])
def test_every_encoding_the_seller_center_writes(con, tmp_path, encoding):
    path = write_export(
        tmp_path / "e.csv", [order("1", "张三"), order("2", "李四")], encoding=encoding
    )
    assert import_orders(con, path).inserted == 2
    assert con.execute("SELECT list(customer_id ORDER BY order_id) FROM orders").fetchone()[0] == [
        "张三",
        "李四",
    ]


def test_padded_headers_and_wrapped_ids_are_cleaned(con, tmp_path):
    path = write_export(tmp_path / "p.csv", [order("3456789012345678", "张三")], pad_headers=True)
    result = import_orders(con, path)
    assert result.platform == "taobao"
    assert con.execute("SELECT order_id FROM orders").fetchone()[0] == "3456789012345678"


def test_masked_phone_is_kept_as_written(con, tmp_path):
    import_orders(con, write_export(tmp_path / "m.csv", [order("1", "张三", phone="138****5678")]))
    assert con.execute("SELECT phone FROM orders").fetchone()[0] == "138****5678"


@pytest.mark.parametrize(("raw", "expected"), sorted(STATUS_MAP.items()))
def test_every_order_status_maps_to_spec_status(con, tmp_path, raw, expected):
    import_orders(con, write_export(tmp_path / "s.csv", [order("1", "张三", status=raw)]))
    assert con.execute("SELECT status FROM orders").fetchone()[0] == expected


def test_full_refund_marks_the_order_refunded_and_not_a_sale(con, tmp_path):
    path = write_export(tmp_path / "r.csv", [order("1", "张三", paid="80.00", refund="80.00")])
    import_orders(con, path)
    assert con.execute("SELECT status FROM orders").fetchone()[0] == "refunded"
    assert con.execute("SELECT count(*) FROM valid_orders").fetchone()[0] == 0


def test_partial_refund_is_netted_from_revenue(con, tmp_path):
    import_orders(
        con, write_export(tmp_path / "r.csv", [order("1", "张三", paid="80", refund="30")])
    )
    assert con.execute("SELECT revenue, valid_orders FROM customers").fetchone() == (
        Decimal("50.00"),
        1,
    )


@pytest.mark.parametrize(
    ("address", "province", "city"),
    [
        ("浙江省 杭州市 西湖区 文三路1号", "浙江", "杭州市"),
        ("上海 上海市 浦东新区 世纪大道", "上海", "上海市"),
        ("广西壮族自治区 南宁市 青秀区", "广西", "南宁市"),
        ("内蒙古自治区 呼和浩特市 新城区", "内蒙古", "呼和浩特市"),
        ("广东省深圳市南山区科技园", "广东", "深圳市"),
        ("", None, None),
    ],
)
def test_province_and_city_come_from_the_address(con, tmp_path, address, province, city):
    import_orders(con, write_export(tmp_path / "a.csv", [order("1", "张三", address=address)]))
    assert con.execute("SELECT province, city FROM orders").fetchone() == (province, city)


def test_xlsx_export_imports_like_csv(con, tmp_path):
    import pandas as pd

    from analytics.importers.taobao import HEADER

    rows = [order("1", "张三"), order("2", "李四", paid="55.5")]
    frame = pd.DataFrame([[r.get(h, "") for h in HEADER] for r in rows], columns=list(HEADER))
    path = tmp_path / "x.xlsx"
    options = {"strings_to_formulas": False}
    frame.to_excel(path, index=False, engine="xlsxwriter", engine_kwargs={"options": options})
    result = import_orders(con, path)
    assert (result.platform, result.inserted) == ("taobao", 2)
    assert con.execute("SELECT sum(amount) FROM orders").fetchone()[0] == Decimal("155.50")


def test_shop_comes_from_the_file_unless_overridden(con, tmp_path):
    path = write_export(tmp_path / "s.csv", [order("1", "张三", shop="甲店")])
    import_orders(con, path)
    import_orders(con, path, shop="乙店")
    assert con.execute("SELECT list(shop ORDER BY shop) FROM orders").fetchone()[0] == [
        "乙店",
        "甲店",
    ]


@pytest.mark.parametrize("kernel_copy", [True, False], ids=["copy_file_range", "read-write"])
@pytest.mark.parametrize("has_iconv", [True, False], ids=["iconv", "python-codec"])
def test_transcoding_in_pieces_gives_the_same_text_as_decoding_whole(
    tmp_path, monkeypatch, has_iconv, kernel_copy
):
    if not has_iconv:
        monkeypatch.setattr("analytics.importers.reader.shutil.which", lambda _name: None)
    if not kernel_copy:  # a system or file system without copy_file_range
        monkeypatch.delattr("analytics.importers.reader.os.copy_file_range", raising=False)
    rows = [
        order(str(i), f"买家{i}", address=f"广东省 深圳市 南山区 科技园{i}号") for i in range(300)
    ]
    raw = write_export(tmp_path / "src.csv", rows).read_bytes()
    raw = raw.replace("买家150".encode("gb18030"), b"\x81\xff" + "买家150".encode("gb18030"))
    source = tmp_path / "big.csv"
    source.write_bytes(raw)
    target = tmp_path / "utf8.csv"

    transcode(source, target, "gb18030", chunk=4096)  # about 20 pieces, one with a bad byte

    expected = raw.decode("gb18030", "surrogateescape").encode("utf-8", "surrogateescape")
    assert target.read_bytes() == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.csv", "src.csv", "utf8.csv"]
