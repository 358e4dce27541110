"""The demo shop generator (analytics/demo.py) writes real-looking Taobao 订单报表 exports."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics import demo
from analytics.importers import taobao

END = date(2024, 6, 30)
BUYERS = 3000
VALID = ("交易成功", "买家已付款，等待卖家发货", "卖家已发货，等待买家确认")
FULL_REFUND = "付款以后用户退款成功，交易自动关闭"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> demo.DemoFiles:
    out = tmp_path_factory.mktemp("demo")
    return demo.write_demo_shop(out, end=END, buyers=BUYERS, years=3, seed=7)


def read_export(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, encoding="gb18030", dtype=str, keep_default_na=False)
    frame.columns = [c.strip() for c in frame.columns]
    return frame


@pytest.fixture(scope="module")
def exports(files: demo.DemoFiles) -> list[pd.DataFrame]:
    return [read_export(p) for p in files.orders]


@pytest.fixture(scope="module")
def orders(exports: list[pd.DataFrame]) -> pd.DataFrame:
    """All orders once (the exports overlap), with parsed times and amounts."""
    frame = pd.concat(exports).drop_duplicates("订单编号").reset_index(drop=True)
    frame["created"] = pd.to_datetime(frame["订单创建时间"], format="%Y-%m-%d %H:%M:%S")
    frame["paid"] = frame["买家实际支付金额"].astype(float)
    frame["refund"] = frame["退款金额"].astype(float)
    return frame


def test_writes_one_export_per_year_and_a_profile_file(files: demo.DemoFiles) -> None:
    assert [p.name for p in files.orders] == [
        "ExportOrderList_2021.csv",
        "ExportOrderList_2022.csv",
        "ExportOrderList_2023.csv",
        "ExportOrderList_2024.csv",
    ]
    assert files.profiles.name == "profiles.csv"


def test_header_is_the_taobao_header_with_stray_spaces(files: demo.DemoFiles) -> None:
    for path in files.orders:
        first_line = path.read_bytes().split(b"\r\n", 1)[0].decode("gb18030")
        names = first_line.split(",")
        assert tuple(n.strip() for n in names) == taobao.HEADER
        assert any(n != n.strip() for n in names)


def test_exports_are_gb18030_not_utf8(files: demo.DemoFiles) -> None:
    raw = files.orders[-1].read_bytes()
    assert "老客优选旗舰店".encode("gb18030") in raw
    raw.decode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")


def test_order_ids_are_wrapped_as_excel_text(files: demo.DemoFiles, orders: pd.DataFrame) -> None:
    assert orders["订单编号"].str.fullmatch(r'="\d{16,19}"').all()
    assert b'"=""' in files.orders[0].read_bytes()  # CSV-quoted, as the seller center writes


def test_every_status_is_a_known_taobao_status(orders: pd.DataFrame) -> None:
    assert set(orders["订单状态"]) <= set(taobao.STATUS_MAP)
    assert set(orders["订单状态"]) >= {"交易成功", FULL_REFUND, "付款以前，卖家或买家主动关闭交易"}


def test_consecutive_exports_overlap_by_identical_rows(exports: list[pd.DataFrame]) -> None:
    for older, newer in zip(exports, exports[1:], strict=False):
        shared = set(older["订单编号"]) & set(newer["订单编号"])
        assert len(shared) > 20
        a = older[older["订单编号"].isin(shared)].sort_values("订单编号").reset_index(drop=True)
        b = newer[newer["订单编号"].isin(shared)].sort_values("订单编号").reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b)
        days = pd.to_datetime(a["订单创建时间"]).dt.normalize().nunique()
        assert 10 <= days <= 14


def test_orders_span_the_years_up_to_end(orders: pd.DataFrame) -> None:
    assert orders["created"].max().date() <= END
    assert orders["created"].min().date() >= date(2021, 7, 1)


def test_repeat_share_is_realistic(orders: pd.DataFrame) -> None:
    per_buyer = orders[orders["订单状态"].isin(VALID)].groupby("买家会员名").size()
    assert 0.22 <= (per_buyer >= 2).mean() <= 0.38
    assert (per_buyer >= 4).sum() > 0.03 * len(per_buyer)


def test_some_buyers_only_ever_closed_or_left_unpaid(orders: pd.DataFrame) -> None:
    valid_buyers = set(orders.loc[orders["订单状态"].isin(VALID), "买家会员名"])
    potential = (
        set(orders["买家会员名"])
        - valid_buyers
        - set(orders.loc[orders["订单状态"] == FULL_REFUND, "买家会员名"])
    )
    assert 0.005 * BUYERS < len(potential) < 0.06 * BUYERS


def test_full_and_partial_refunds_are_present(orders: pd.DataFrame) -> None:
    full = orders[orders["订单状态"] == FULL_REFUND]
    partial = orders[(orders["订单状态"] == "交易成功") & (orders["refund"] > 0)]
    assert len(full) > 0.01 * len(orders) and len(partial) > 0.005 * len(orders)
    assert (full["refund"] == full["paid"]).all()
    assert ((partial["refund"] > 0) & (partial["refund"] < partial["paid"])).all()


def test_unpaid_and_closed_orders_have_no_payment(orders: pd.DataFrame) -> None:
    not_paid = orders["订单状态"].map(taobao.STATUS_MAP).isin(["unpaid", "closed"])
    assert (orders.loc[not_paid, "订单付款时间"] == "").all()
    assert (orders.loc[not_paid, "paid"] == 0).all()
    assert (orders.loc[~not_paid, "订单付款时间"] != "").all()
    unpaid = orders[orders["订单状态"] == "等待买家付款"]
    assert (unpaid["created"].dt.date >= date(2024, 6, 28)).all()


def test_recent_paid_orders_are_not_yet_completed(orders: pd.DataFrame) -> None:
    waiting = orders["订单状态"].isin(VALID[1:])
    assert waiting.any()
    assert (orders.loc[waiting, "created"].dt.date > date(2024, 6, 15)).all()


def test_fields_look_like_the_seller_center(orders: pd.DataFrame) -> None:
    assert orders["联系手机"].str.fullmatch(r"1\d\d\*{4}\d{4}").all()
    assert orders["订单创建时间"].str.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d").all()
    for column in ("买家应付货款", "总金额", "买家实际支付金额", "退款金额"):
        assert orders[column].str.fullmatch(r"\d+\.\d\d").all(), column
    assert orders["收货地址"].str.fullmatch(r"\S+ \S+ \S+ \S+ \(\d{6}\)").all()
    provinces = orders["收货地址"].str.split(" ").str[0]
    assert {"上海", "北京", "广西壮族自治区"} <= set(provinces)
    assert provinces.value_counts().index[0] == "广东省"
    assert (orders["店铺名称"] == "老客优选旗舰店").all()
    counts = orders[["宝贝种类", "宝贝总数量"]].astype(int)
    assert (counts["宝贝总数量"] >= counts["宝贝种类"]).all()


def test_products_are_rebought_on_their_cycle(orders: pd.DataFrame) -> None:
    valid = orders[orders["订单状态"].isin(VALID)].sort_values("created")
    title = valid["宝贝标题"].str.split("，").str[0]
    gaps = valid.groupby(["买家会员名", title])["created"].diff().dt.days
    median = gaps.groupby(title).median()
    for product in demo.PRODUCTS:
        if product.cycle_days < 100:
            assert 0.7 <= median[product.title] / product.cycle_days <= 1.4, product.key


def test_singles_day_is_the_busiest_day(orders: pd.DataFrame) -> None:
    daily = orders.groupby(orders["created"].dt.date).size()
    assert daily[date(2023, 11, 11)] > 3 * daily.median()
    assert daily.get(date(2024, 2, 12), 0) < daily.median()  # Spring Festival 2024


def test_profiles_are_utf8_with_bom_and_the_listed_columns(files: demo.DemoFiles) -> None:
    assert files.profiles.read_bytes().startswith(b"\xef\xbb\xbfcustomer_id,birthday,age,")
    profiles = pd.read_csv(files.profiles, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(profiles.columns) == [
        "customer_id",
        "birthday",
        "age",
        "gender",
        "tags",
        "bad_review",
    ]
    assert 0.6 * BUYERS <= len(profiles) <= 0.8 * BUYERS
    assert 0.10 <= (profiles["age"] == "").mean() <= 0.22
    assert set(profiles["gender"]) == {"女", "男"}
    assert (profiles["gender"] == "女").mean() > 0.5
    assert set(profiles["bad_review"]) == {"0", "1"}
    assert 0.01 <= (profiles["bad_review"] == "1").mean() <= 0.06


def test_profile_ages_agree_with_birthdays(files: demo.DemoFiles, orders: pd.DataFrame) -> None:
    profiles = pd.read_csv(files.profiles, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert profiles["customer_id"].isin(orders["买家会员名"]).all()
    dated = profiles[profiles["birthday"] != ""]
    assert (dated["age"] != "").all()
    born = pd.to_datetime(dated["birthday"], format="%Y-%m-%d")
    before_birthday = (born.dt.month > END.month) | (
        (born.dt.month == END.month) & (born.dt.day > END.day)
    )
    expected = END.year - born.dt.year - before_birthday.astype(int)
    assert (dated["age"].astype(int) == expected).all()


def test_same_seed_writes_the_same_bytes(files: demo.DemoFiles, tmp_path: Path) -> None:
    again = demo.write_demo_shop(tmp_path / "again", end=END, buyers=BUYERS, years=3, seed=7)
    for first, second in zip(
        (*files.orders, files.profiles), (*again.orders, again.profiles), strict=True
    ):
        assert first.read_bytes() == second.read_bytes()
    other = demo.write_demo_shop(tmp_path / "other", end=END, buyers=BUYERS, years=3, seed=8)
    assert other.profiles.read_bytes() != files.profiles.read_bytes()


def test_streamed_chunks_get_one_bom_and_every_row(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    shop = demo.simulate_shop(start=date(2024, 1, 1), end=END, buyers=200, rng=rng)
    lines = demo.taobao_lines(shop)
    path = tmp_path / "big.csv"
    rows = demo.write_taobao_csv(path, [lines[:50], lines[50:]], encoding="utf-8-sig")
    raw = path.read_bytes()
    assert rows == len(lines) == len(shop.orders)
    assert raw.count(b"\xef\xbb\xbf") == 1 and raw.startswith(b"\xef\xbb\xbf")
    assert len(pd.read_csv(path, encoding="utf-8-sig", dtype=str)) == rows
    assert not list(tmp_path.glob("*.part"))


def test_batches_number_buyers_and_orders_apart() -> None:
    kwargs = {"start": date(2024, 1, 1), "end": END, "buyers": 300}
    first = demo.simulate_shop(rng=np.random.default_rng(1), **kwargs)
    second = demo.simulate_shop(
        rng=np.random.default_rng(2), buyer_offset=300, order_offset=len(first.orders), **kwargs
    )
    assert not set(first.buyers["nick"]) & set(second.buyers["nick"])
    assert not set(first.orders["order_id"]) & set(second.orders["order_id"])
