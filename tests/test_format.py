"""ui/format.py: numbers, money, percents, dates, platform and province names as a shop
owner reads them, and "—" for whatever is missing."""

from __future__ import annotations

import math
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from ui import format


def test_counts_have_thousands_separators():
    assert format.count(69659) == "69,659"
    assert format.count(6446.0) == "6,446"


def test_money_is_whole_yuan_with_separators():
    assert format.money(524810.4) == "¥524,810"


def test_money_to_the_fen_keeps_two_decimals():
    assert format.money(118.984, fen=True) == "¥118.98"


def test_negative_money_puts_the_sign_before_the_currency():
    assert format.money(-1200) == "-¥1,200"
    assert format.money(-0.2) == "¥0"


def test_ratios_read_as_percent_with_one_decimal():
    assert format.percent(0.0681) == "6.8%"
    assert format.percent(0.045, signed=True) == "+4.5%"


@pytest.mark.parametrize("missing", [None, float("nan"), math.nan, pd.NaT, pd.NA, np.nan])
def test_missing_values_read_as_a_dash(missing):
    for fn in (format.count, format.money, format.percent, format.day, format.platform):
        assert fn(missing) == "—"


def test_dates_have_no_time_of_day():
    assert format.day(pd.Timestamp("2026-10-31 00:00:00")) == "2026-10-31"
    assert format.day(datetime(2026, 10, 31, 14, 5)) == "2026-10-31"
    assert format.day(date(2026, 1, 2)) == "2026-01-02"
    assert format.day("2026-10-31 00:00:00") == "2026-10-31"


def test_timestamps_at_midnight_show_only_the_date():
    assert format.timestamp(pd.Timestamp("2026-10-31")) == "2026-10-31"
    assert format.timestamp(pd.Timestamp("2026-10-31 14:05:09")) == "2026-10-31 14:05"


def test_months_read_as_the_reader_says_them():
    assert format.month(pd.Timestamp("2024-01-01"), "zh") == "2024年1月"
    assert format.month(pd.Timestamp("2024-01-01"), "en") == "Jan 2024"


@pytest.mark.parametrize(
    ("platform", "zh", "en"),
    [
        ("taobao", "淘宝/天猫", "Taobao/Tmall"),
        ("jd", "京东", "JD"),
        ("pdd", "拼多多", "Pinduoduo"),
        ("douyin", "抖店", "Douyin Shop"),
        ("youzan", "有赞", "Youzan"),
        ("shopify", "Shopify", "Shopify"),
    ],
)
def test_platforms_read_by_the_name_the_shop_owner_knows(platform, zh, en):
    assert format.platform(platform, "zh") == zh
    assert format.platform(platform, "en") == en


def test_a_shop_key_reads_platform_then_shop_name():
    assert format.shop("taobao/老客优选旗舰店", "zh") == "淘宝/天猫 · 老客优选旗舰店"


def test_provinces_are_translated_in_english_only():
    assert format.province("浙江", "zh") == "浙江"
    assert format.province("浙江", "en") == "Zhejiang"
    assert format.province("广西壮族自治区", "en") == "Guangxi"
    assert format.province("上海市", "en") == "Shanghai"
    assert format.province("未知", "en") == "Unknown"


def test_every_demo_province_has_an_english_name(demo_con):
    provinces = [p for (p,) in demo_con.execute("SELECT DISTINCT province FROM orders").fetchall()]
    untranslated = [p for p in provinces if format.province(p, "en") == p]
    assert provinces and not untranslated, untranslated


def test_table_formats_columns_and_labels_them():
    df = pd.DataFrame(
        {
            "platform": ["taobao", None],
            "last_order": [pd.Timestamp("2026-10-31"), pd.NaT],
            "revenue": [1477.0, float("nan")],
            "name": ["张兰", None],
        }
    )
    out = format.table(
        df,
        {"platform": "platform", "last_order": "day", "revenue": "money"},
        {"platform": "平台", "revenue": "销售额"},
    )
    assert list(out.columns) == ["平台", "last_order", "销售额", "name"]
    assert out.iloc[0].tolist() == ["淘宝/天猫", "2026-10-31", "¥1,477", "张兰"]
    assert out.iloc[1].tolist() == ["—", "—", "—", "—"]


def test_weeks_read_by_number_and_monday():
    assert format.week("2026-W18", "zh") == "2026年第18周（4月27日起）"
    assert format.week("2026-W18", "en") == "2026 wk 18 (from Apr 27)"
    # any day of the week names the same week
    assert format.week("2026-05-01", "zh") == format.week("2026-W18", "zh")
    assert format.week(None, "zh") == "—"


def test_file_sizes_read_in_the_unit_that_fits():
    assert format.file_size(449) == "449 B"
    assert format.file_size(12_345) == "12.3 KB"
    assert format.file_size(19_000_000) == "19.0 MB"
    assert format.file_size(2_100_000_000) == "2.1 GB"
