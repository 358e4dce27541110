"""How numbers, money, dates and names read on a page, in the reader's language.

One place for the mechanics every page shares: thousands separators (``12,345``), money
to the yuan (``¥524,810``) or to the fen (``¥118.98``), ratios as a percent with one
decimal (``6.8%``), dates without ``00:00:00``, "—" for a missing value, platforms by the
name a shop owner knows (淘宝, 京东 …), provinces in English when the page is, and a
DataFrame made ready to show (values formatted, columns labelled). No Streamlit here, so
it is tested like any function.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import date, datetime

import pandas as pd

from analytics.i18n import language

#: What a missing value reads as, in both languages.
MISSING = "—"

#: Platform ids (``orders.platform``) and how the shop owner calls them.
PLATFORMS = {
    "taobao": ("淘宝/天猫", "Taobao/Tmall"),
    "tmall": ("天猫", "Tmall"),
    "jd": ("京东", "JD"),
    "pdd": ("拼多多", "Pinduoduo"),
    "douyin": ("抖店", "Douyin Shop"),
    "youzan": ("有赞", "Youzan"),
    "shopify": ("Shopify", "Shopify"),
    "generic": ("其他表格", "Other table"),
}

#: Chinese province-level names (short form, as the importers store them) in English.
PROVINCES_EN = {
    "北京": "Beijing",
    "天津": "Tianjin",
    "上海": "Shanghai",
    "重庆": "Chongqing",
    "河北": "Hebei",
    "山西": "Shanxi",
    "辽宁": "Liaoning",
    "吉林": "Jilin",
    "黑龙江": "Heilongjiang",
    "江苏": "Jiangsu",
    "浙江": "Zhejiang",
    "安徽": "Anhui",
    "福建": "Fujian",
    "江西": "Jiangxi",
    "山东": "Shandong",
    "河南": "Henan",
    "湖北": "Hubei",
    "湖南": "Hunan",
    "广东": "Guangdong",
    "海南": "Hainan",
    "四川": "Sichuan",
    "贵州": "Guizhou",
    "云南": "Yunnan",
    "陕西": "Shaanxi",
    "甘肃": "Gansu",
    "青海": "Qinghai",
    "台湾": "Taiwan",
    "内蒙古": "Inner Mongolia",
    "广西": "Guangxi",
    "西藏": "Tibet",
    "宁夏": "Ningxia",
    "新疆": "Xinjiang",
    "香港": "Hong Kong",
    "澳门": "Macao",
    "未知": "Unknown",
}
_PROVINCE_SUFFIXES = (
    "省",
    "市",
    "壮族自治区",
    "回族自治区",
    "维吾尔自治区",
    "自治区",
    "特别行政区",
)


def is_missing(value) -> bool:
    """True for None, NaN, NaT and pandas' NA."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists, arrays: not a single missing value
        return False


def number(value, decimals: int = 0) -> str:
    """``12345.6`` → ``12,346``; ``decimals`` places after the point; "—" when missing."""
    if is_missing(value):
        return MISSING
    return f"{float(value):,.{decimals}f}"


def count(value) -> str:
    """A whole count with thousands separators: ``69659`` → ``69,659``."""
    return number(value, 0)


def money(value, *, fen: bool = False) -> str:
    """Yuan with thousands separators: ``¥524,810``; ``fen=True`` keeps two decimals
    (``¥118.98``) for per-order and per-customer amounts. A negative amount reads
    ``-¥1,200``."""
    if is_missing(value):
        return MISSING
    amount = float(value)
    text = f"¥{abs(amount):,.{2 if fen else 0}f}"
    return f"-{text}" if amount < 0 and text.strip("¥0.,") else text


def percent(value, decimals: int = 1, *, signed: bool = False) -> str:
    """A ratio as a percent: ``0.0681`` → ``6.8%``; ``signed`` adds ``+`` to gains."""
    if is_missing(value):
        return MISSING
    return f"{float(value):{'+' if signed else ''}.{decimals}%}"


def day(value) -> str:
    """A date without a time of day: ``2026-10-31 00:00:00`` → ``2026-10-31``."""
    if is_missing(value):
        return MISSING
    if isinstance(value, str):
        value = pd.Timestamp(value)
    if isinstance(value, datetime | pd.Timestamp):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def timestamp(value) -> str:
    """A moment to the minute (``2026-10-31 14:05``), or just the date at midnight."""
    if is_missing(value):
        return MISSING
    stamp = pd.Timestamp(value)
    if (stamp.hour, stamp.minute, stamp.second) == (0, 0, 0):
        return stamp.date().isoformat()
    return stamp.strftime("%Y-%m-%d %H:%M")


def month(value, lang: str | None = None) -> str:
    """A month as the reader says it: ``2024年1月`` / ``Jan 2024``."""
    if is_missing(value):
        return MISSING
    stamp = pd.Timestamp(value)
    if (lang or language()) == "zh":
        return f"{stamp.year}年{stamp.month}月"
    return stamp.strftime("%b %Y")


def week(value, lang: str | None = None) -> str:
    """A week by its number and its Monday: ISO week ``2026-W18`` (or any day of it) reads
    ``2026年第18周（4月27日起）`` / ``2026 wk 18 (from Apr 27)``."""
    if is_missing(value):
        return MISSING
    text = str(value)
    if len(text) == 8 and text[4:6] == "-W":
        monday = date.fromisocalendar(int(text[:4]), int(text[6:]), 1)
    else:
        stamp = pd.Timestamp(value)
        monday = (stamp - pd.Timedelta(days=stamp.weekday())).date()
    year, number_, _ = monday.isocalendar()
    if (lang or language()) == "zh":
        return f"{year}年第{number_}周（{monday.month}月{monday.day}日起）"
    return f"{year} wk {number_} (from {monday.strftime('%b')} {monday.day})"


def file_size(size_bytes) -> str:
    """A file's size as people read it: ``449 B``, ``12.3 KB``, ``19.0 MB``, ``2.1 GB``."""
    if is_missing(size_bytes):
        return MISSING
    size = float(size_bytes)
    for unit in ("B", "KB", "MB"):
        if size < 1000:
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1000
    return f"{size:,.1f} GB"


def platform(value, lang: str | None = None) -> str:
    """``taobao`` → 淘宝/天猫 (Taobao/Tmall in English); unknown ids are shown as given."""
    if is_missing(value):
        return MISSING
    names = PLATFORMS.get(str(value).lower())
    if names is None:
        return str(value)
    return names[0] if (lang or language()) == "zh" else names[1]


def shop(key, lang: str | None = None) -> str:
    """A shop key ``platform/shop`` as ``淘宝/天猫 · 老客优选旗舰店``."""
    if is_missing(key):
        return MISSING
    platform_id, _, name = str(key).partition("/")
    if not name:
        return platform(platform_id, lang)
    return f"{platform(platform_id, lang)} · {name}"


def province(value, lang: str | None = None) -> str:
    """A province in the page's language: 浙江 stays 浙江 in Chinese, reads Zhejiang in
    English (浙江省, 广西壮族自治区 … are recognised too); an unknown name is kept."""
    if is_missing(value):
        return MISSING if (lang or language()) == "en" else "未知"
    text = str(value).strip()
    if (lang or language()) == "zh":
        return text
    if text in PROVINCES_EN:
        return PROVINCES_EN[text]
    for suffix in _PROVINCE_SUFFIXES:
        if text.endswith(suffix) and text[: -len(suffix)] in PROVINCES_EN:
            return PROVINCES_EN[text[: -len(suffix)]]
    return text


#: Column kinds understood by ``table``.
KINDS: dict[str, Callable] = {
    "count": count,
    "number": number,
    "money": money,
    "money_fen": lambda v: money(v, fen=True),
    "percent": percent,
    "day": day,
    "timestamp": timestamp,
    "month": month,
    "week": week,
    "platform": platform,
    "shop": shop,
    "province": province,
    "text": lambda v: MISSING if is_missing(v) else str(v),
}


def table(
    df: pd.DataFrame,
    kinds: Mapping[str, str],
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """``df`` ready to show: each column in ``kinds`` formatted as that kind (see
    ``KINDS``), every other column's missing values as "—" (numbers keep their type),
    and columns renamed by ``labels`` (raw column names → the reader's words)."""
    out = df.copy()
    for column, kind in kinds.items():
        if column in out.columns:
            out[column] = [KINDS[kind](v) for v in out[column]]
    for column in out.columns:
        if column not in kinds and is_text(out[column]):
            out[column] = [MISSING if is_missing(v) else v for v in out[column]]
    return out.rename(columns=dict(labels or {}))


def is_text(column: pd.Series) -> bool:
    """True for object and string columns (where a missing value would read None/nan)."""
    return pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)


def finite(value) -> float | None:
    """``value`` as a float, or None when it is missing or infinite."""
    if is_missing(value):
        return None
    number_ = float(value)
    return number_ if math.isfinite(number_) else None
