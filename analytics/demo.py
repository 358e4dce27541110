"""The demo shop: a synthetic but realistic Taobao shop, written as the files its operator
would download from the seller center.

``write_demo_shop`` writes year-by-year 订单报表 exports (GB18030 CSV with the header of
``analytics.importers.taobao.HEADER``, consecutive files overlapping by two weeks) and a
``profiles.csv`` of buyer profiles (UTF-8 with BOM). It is built from three public pieces
that the benchmark (``bench/make_big_export.py``) reuses to stream exports of any size:

- ``simulate_shop``: buyers and their orders as numeric arrays (no text formatting);
- ``taobao_lines``: those orders as 订单报表 CSV lines;
- ``write_taobao_csv``: header plus chunks of lines, encoded, written atomically.

The shop sells a few products with different repurchase cycles. Customer acquisition
grows over time and follows the Chinese retail calendar (双11, 双12, 618, 38 女王节, the
年货节 peak before Spring Festival and the dip during it). Most buyers buy once; repeat
buyers come back roughly on their product's cycle with a falling chance each time, so
as of ``end`` there are active, silent, sleeping, at-risk and lost customers. All of it
is vectorized numpy and deterministic under ``seed``.
"""

from __future__ import annotations

import codecs
import itertools
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.importers.taobao import HEADER, STATUS_MAP

SHOP_NAME = "老客优选旗舰店"
SHOP_ID = "71923045"

#: Header names the seller center pads with a trailing space.
PADDED_HEADER = frozenset({"订单编号", "订单状态"})


@dataclass(frozen=True)
class Product:
    """One product of the demo shop."""

    key: str
    title: str
    price_cents: int
    cycle_days: int
    #: Multiplies a buyer's chance of coming back after buying this product.
    repeat: float
    #: Share of first purchases.
    weight: float
    #: Share of this product's buyers who are women.
    female: float


PRODUCTS = (
    Product("shampoo", "老客优选 氨基酸控油洗发水 500ml", 5900, 30, 1.0, 0.21, 0.7),
    Product("face_mask", "玻尿酸补水保湿面膜 10片装", 4990, 21, 1.1, 0.20, 0.92),
    Product("cat_food", "全价成猫粮 鸡肉三文鱼味 2kg", 8900, 28, 1.35, 0.15, 0.62),
    Product("tea", "明前西湖龙井 绿茶 250g 礼罐装", 16800, 45, 0.95, 0.12, 0.38),
    Product("laundry", "薰衣草香氛洗衣液 3kg 家庭装", 3990, 40, 1.0, 0.16, 0.72),
    Product("thermos", "316不锈钢保温杯 500ml 商务款", 12900, 365, 0.12, 0.16, 0.5),
)

COMPLETED = "交易成功"
WAITING_SHIPMENT = "买家已付款，等待卖家发货"
SHIPPED = "卖家已发货，等待买家确认"
UNPAID = "等待买家付款"
CLOSED = "付款以前，卖家或买家主动关闭交易"
REFUNDED = "付款以后用户退款成功，交易自动关闭"
#: The 订单状态 values the demo writes; ``orders.status`` indexes this tuple.
STATUSES = (COMPLETED, WAITING_SHIPMENT, SHIPPED, UNPAID, CLOSED, REFUNDED)
assert all(s in STATUS_MAP for s in STATUSES)
_COMPLETED, _WAITING, _SHIPPED, _UNPAID, _CLOSED, _REFUNDED = range(len(STATUSES))

#: 春节 (first day of the lunar year). Other years fall back to 5 February.
SPRING_FESTIVAL = {
    2015: date(2015, 2, 19),
    2016: date(2016, 2, 8),
    2017: date(2017, 1, 28),
    2018: date(2018, 2, 16),
    2019: date(2019, 2, 5),
    2020: date(2020, 1, 25),
    2021: date(2021, 2, 12),
    2022: date(2022, 2, 1),
    2023: date(2023, 1, 22),
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
    2029: date(2029, 2, 13),
    2030: date(2030, 2, 3),
    2031: date(2031, 1, 23),
    2032: date(2032, 2, 11),
    2033: date(2033, 1, 31),
    2034: date(2034, 2, 19),
    2035: date(2035, 2, 8),
}

# Province (as the 收货地址 writes it), weight, ((city, postcode, districts), ...).
_REGIONS: tuple[tuple[str, float, tuple[tuple[str, str, tuple[str, ...]], ...]], ...] = (
    (
        "广东省",
        13.0,
        (
            ("广州市", "510000", ("天河区", "越秀区", "海珠区", "番禺区", "白云区")),
            ("深圳市", "518000", ("南山区", "福田区", "宝安区", "龙岗区", "龙华区")),
            ("东莞市", "523000", ("南城街道", "东城街道", "长安镇")),
            ("佛山市", "528000", ("禅城区", "南海区", "顺德区")),
        ),
    ),
    (
        "浙江省",
        10.0,
        (
            ("杭州市", "310000", ("西湖区", "拱墅区", "滨江区", "余杭区", "萧山区")),
            ("宁波市", "315000", ("海曙区", "鄞州区", "江北区")),
            ("温州市", "325000", ("鹿城区", "瓯海区")),
            ("金华市", "321000", ("婺城区", "义乌市")),
        ),
    ),
    (
        "江苏省",
        9.5,
        (
            ("南京市", "210000", ("鼓楼区", "玄武区", "江宁区", "建邺区")),
            ("苏州市", "215000", ("姑苏区", "工业园区", "吴中区", "昆山市")),
            ("无锡市", "214000", ("梁溪区", "滨湖区")),
            ("常州市", "213000", ("天宁区", "武进区")),
        ),
    ),
    ("上海", 6.0, (("上海市", "200000", ("浦东新区", "徐汇区", "闵行区", "静安区", "杨浦区")),)),
    ("北京", 5.5, (("北京市", "100000", ("朝阳区", "海淀区", "丰台区", "东城区", "昌平区")),)),
    (
        "山东省",
        6.0,
        (
            ("济南市", "250000", ("历下区", "市中区")),
            ("青岛市", "266000", ("市南区", "崂山区", "黄岛区")),
            ("烟台市", "264000", ("芝罘区", "莱山区")),
        ),
    ),
    (
        "福建省",
        4.0,
        (
            ("福州市", "350000", ("鼓楼区", "仓山区")),
            ("厦门市", "361000", ("思明区", "湖里区")),
            ("泉州市", "362000", ("丰泽区", "晋江市")),
        ),
    ),
    (
        "四川省",
        4.5,
        (
            ("成都市", "610000", ("武侯区", "锦江区", "成华区", "双流区")),
            ("绵阳市", "621000", ("涪城区",)),
        ),
    ),
    (
        "河南省",
        4.5,
        (("郑州市", "450000", ("金水区", "二七区", "中原区")), ("洛阳市", "471000", ("洛龙区",))),
    ),
    (
        "湖北省",
        4.0,
        (("武汉市", "430000", ("武昌区", "洪山区", "江汉区")), ("宜昌市", "443000", ("西陵区",))),
    ),
    (
        "湖南省",
        3.5,
        (("长沙市", "410000", ("岳麓区", "芙蓉区", "雨花区")), ("株洲市", "412000", ("天元区",))),
    ),
    (
        "安徽省",
        3.5,
        (("合肥市", "230000", ("蜀山区", "包河区", "庐阳区")), ("芜湖市", "241000", ("镜湖区",))),
    ),
    (
        "河北省",
        3.5,
        (
            ("石家庄市", "050000", ("长安区", "裕华区")),
            ("保定市", "071000", ("竞秀区", "莲池区")),
            ("廊坊市", "065000", ("广阳区",)),
        ),
    ),
    (
        "辽宁省",
        2.5,
        (("沈阳市", "110000", ("和平区", "浑南区")), ("大连市", "116000", ("中山区", "甘井子区"))),
    ),
    ("陕西省", 2.2, (("西安市", "710000", ("雁塔区", "未央区", "碑林区")),)),
    ("重庆", 2.2, (("重庆市", "400000", ("渝北区", "江北区", "九龙坡区", "南岸区")),)),
    ("天津", 1.8, (("天津市", "300000", ("南开区", "河西区", "滨海新区")),)),
    (
        "广西壮族自治区",
        2.0,
        (("南宁市", "530000", ("青秀区", "西乡塘区")), ("桂林市", "541000", ("七星区",))),
    ),
    (
        "江西省",
        2.0,
        (("南昌市", "330000", ("红谷滩区", "东湖区")), ("赣州市", "341000", ("章贡区",))),
    ),
    ("云南省", 1.8, (("昆明市", "650000", ("五华区", "盘龙区", "官渡区")),)),
    ("山西省", 1.5, (("太原市", "030000", ("小店区", "迎泽区")),)),
    ("黑龙江省", 1.3, (("哈尔滨市", "150000", ("南岗区", "道里区")),)),
    ("吉林省", 1.0, (("长春市", "130000", ("朝阳区", "南关区")),)),
    ("贵州省", 1.2, (("贵阳市", "550000", ("观山湖区", "南明区")),)),
    (
        "海南省",
        0.6,
        (("海口市", "570000", ("龙华区", "美兰区")), ("三亚市", "572000", ("吉阳区",))),
    ),
    ("内蒙古自治区", 0.8, (("呼和浩特市", "010000", ("赛罕区", "新城区")),)),
    ("甘肃省", 0.7, (("兰州市", "730000", ("城关区", "七里河区")),)),
    ("宁夏回族自治区", 0.3, (("银川市", "750000", ("金凤区", "兴庆区")),)),
    ("新疆维吾尔自治区", 0.6, (("乌鲁木齐市", "830000", ("天山区", "沙依巴克区")),)),
    ("青海省", 0.2, (("西宁市", "810000", ("城西区",)),)),
    ("西藏自治区", 0.1, (("拉萨市", "850000", ("城关区",)),)),
)
#: Provinces the shop charges postage to (everywhere else ships free, 包邮).
_REMOTE = frozenset({"新疆维吾尔自治区", "西藏自治区", "青海省", "内蒙古自治区", "宁夏回族自治区"})
_POSTAGE_CENTS = 1000


def _pool(words: str) -> np.ndarray:
    """A text table from space-separated words."""
    return np.array(words.split(), dtype=object)


_STREETS = _pool(
    "人民路 解放路 中山路 建设路 文三路 学院路 长江路 和平路 新华路 滨江大道 科技路 "
    "东风路 胜利路 青年路 朝阳路 幸福路 南京路 光明街 工业大道 创业路 世纪大道 花园路"
)
_NICK_WORDS = _pool(
    "tb 小猫爱吃鱼 快乐的小草 lucky 阳光男孩 糖糖 jack 小鱼儿 晴天娃娃 橙子 木木 sunny "
    "豆豆妈 喵星人 花花世界 cici 静静 阿杰 momo 夏天的风 大白 吃货小胖 lily 爱喝茶的老王 "
    "猫奴 星星 七七 anna 一只柠檬 tb_"
)
_SURNAMES = _pool(" ".join("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"))
_GIVEN = _pool(" ".join("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红婷雪琳晨"))
_MOBILE_PREFIXES = _pool(
    "130 131 132 133 135 136 137 138 139 150 151 152 153 155 156 157 158 159 "
    "177 180 181 182 183 185 186 187 188 189 199"
)
_MAIL_DOMAINS = np.array(["qq.com", "163.com", "126.com", "sina.com", "hotmail.com"], dtype=object)
_CARRIERS = np.array(["中通快递", "圆通速递", "韵达快递", "申通快递", "顺丰速运", "极兔速递"])
_CARRIER_WEIGHTS = np.array([0.3, 0.22, 0.18, 0.1, 0.12, 0.08])
_TRACKING_PREFIXES = np.array(["7", "YT", "43", "77", "SF", "JT"], dtype=object)
# Buyer messages (买家留言); the first, empty one is what most orders carry.
_MESSAGES = np.array(
    [
        "",
        *_pool("请尽快发货 送人的，不要放发票 老客户了，多送点小样 周末不在家，请发丰巢 别发韵达"),
    ],
    dtype=object,
)
_NOTES = np.array(["", "老客，送小样", "已联系买家改地址", "催过发货", "赠品已备注"], dtype=object)
_CLOSE_REASONS = np.array(
    ["", "买家不想买了", "信息填写错误，重新拍", "卖家缺货", "未及时付款", "其他原因"], dtype=object
)
_HOUR_WEIGHTS = np.array(
    [3, 1.5, 0.8, 0.4, 0.3, 0.3, 0.6, 1.5, 2.5, 3.5, 4, 4.3, 4.5, 4, 3.8, 3.8, 4, 4, 4.2, 5, 6]
    + [6.5, 6, 4.5]
)
_ID_BASE = 1_600_000_000_000_000_000


@dataclass(frozen=True)
class DemoFiles:
    """What ``write_demo_shop`` wrote: the 订单报表 exports (oldest first) and the profiles."""

    orders: tuple[Path, ...]
    profiles: Path


@dataclass(frozen=True)
class SimulatedShop:
    """Buyers and orders of a simulated shop, before any text formatting.

    ``buyers``: one row per buyer, index = the ``buyer`` numbers used by ``orders``; columns
    nick, name, alipay, phone, province, address, remote, product (first product bought),
    potential (only ever placed a closed or unpaid order).

    ``orders``: one row per order, sorted by creation time; columns order_id, buyer, day
    (days since ``start``), second (of the day), product, product2 (-1: none), qty, qty2,
    status (index into ``STATUSES``), goods, postage, total, paid, refund (all in cents),
    paid_at (seconds since ``start``; -1: not paid), carrier (-1: not shipped), tracking,
    message, note, close_reason (indexes into small text tables; 0 is empty), mobile.
    """

    start: date
    end: date
    buyers: pd.DataFrame
    orders: pd.DataFrame


def spring_festival(year: int) -> date:
    """春节 of ``year`` (from ``SPRING_FESTIVAL``; 5 February outside 2015-2035)."""
    return SPRING_FESTIVAL.get(year, date(year, 2, 5))


def period_start(end: date, years: int) -> date:
    """The first day of the ``years`` years that end on ``end`` (inclusive)."""
    try:
        back = end.replace(year=end.year - years)
    except ValueError:  # 29 February
        back = end.replace(year=end.year - years, day=28)
    return back + timedelta(days=1)


def _epoch_days(d: date) -> int:
    return int(np.datetime64(d, "D").astype(np.int64))


@dataclass(frozen=True)
class _Calendar:
    """Per-day arrays of the simulated period (index 0 = ``start``)."""

    acquisition: np.ndarray  # probability of a first purchase on each day
    sale: np.ndarray  # bool: a promotion day (prices cut, more coupons)
    singles_day: np.ndarray  # bool: 11 November
    pull: np.ndarray  # the sale day a repeat purchase may wait for (-1: none)
    push: np.ndarray  # days a repeat purchase slips past the Spring Festival break


def _calendar(start: date, n_days: int) -> _Calendar:
    days = np.datetime64(start, "D") + np.arange(n_days)
    epoch = days.astype(np.int64)
    year = days.astype("datetime64[Y]").astype(np.int64) + 1970
    month = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    dom = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    weekday = (epoch + 3) % 7  # Monday = 0

    festivals = {y: _epoch_days(spring_festival(y)) for y in range(year.min(), year.max() + 2)}
    this = np.array([festivals[y] for y in year])
    following = np.array([festivals[y + 1] for y in year])
    off = np.where(
        np.abs(epoch - following) < np.abs(epoch - this), epoch - following, epoch - this
    )

    def on(m: int, lo: int, hi: int | None = None) -> np.ndarray:
        return (month == m) & (dom >= lo) & (dom <= (lo if hi is None else hi))

    weight = 2.5 ** (np.arange(n_days) / max(n_days - 1, 1))  # acquisition grows 2.5x
    factors = (
        (on(10, 20, 31), 1.2),  # 双11 pre-sale deposits
        (on(11, 1, 10), 1.7),
        (on(11, 11), 7.0),
        (on(11, 12, 13), 1.4),
        (on(12, 10, 11), 1.4),
        (on(12, 12), 3.0),
        (on(6, 1, 17), 1.5),
        (on(6, 18), 4.5),
        (on(3, 8), 1.8),  # 女王节
        ((off >= -30) & (off <= -12), 1.45),  # 年货节 before Spring Festival
        ((off >= -11) & (off <= -1), 0.6),  # couriers stop taking parcels
        ((off >= 0) & (off <= 6), 0.3),
        ((off >= 7) & (off <= 14), 0.7),
        (weekday == 6, 1.1),
        (weekday == 5, 1.05),
    )
    for mask, factor in factors:
        weight = np.where(mask, weight * factor, weight)

    sale = on(11, 1, 11) | on(6, 1, 18) | on(12, 10, 12) | ((off >= -30) & (off <= -12))
    index = np.arange(n_days)
    pull = np.full(n_days, -1)
    for y in range(int(year.min()), int(year.max()) + 1):
        for m, d in ((11, 11), (6, 18)):
            target = _epoch_days(date(y, m, d)) - int(epoch[0])
            near = (index >= target - 10) & (index < target)
            pull = np.where(near & (target < n_days), target, pull)
    push = np.where((off >= 0) & (off <= 6), 7 - off, 0)
    return _Calendar(weight / weight.sum(), sale, on(11, 11), pull, push)


#: Buyers one simulation can number uniquely (a prime; see ``_scramble``).
MAX_BUYERS = 100_000_007


def _scramble(j: np.ndarray) -> np.ndarray:
    """A bijection of 0 … MAX_BUYERS - 1 onto itself that looks random (for unique nicks)."""
    return (j * 7_919_993 + 1_234_567) % MAX_BUYERS


def _str(values: np.ndarray) -> np.ndarray:
    """Integers as text, as an object array of str (fast for one-off values)."""
    return np.array([str(v) for v in values.tolist()], dtype=object)


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    """Integers as zero-padded text of ``width`` digits."""
    return np.array([f"{v:0{width}d}" for v in values.tolist()], dtype=object)


def _money(cents: np.ndarray) -> np.ndarray:
    """Amounts in cents as yuan with two decimals; orders share few amounts, so format those."""
    amounts, inverse = np.unique(cents, return_inverse=True)
    text = np.array([f"{c // 100}.{c % 100:02d}" for c in amounts.tolist()], dtype=object)
    return text[inverse]


def _text(values: np.ndarray) -> pd.Series:
    """A text column kept as Python strings (no round trip through pandas' str dtype)."""
    return pd.Series(values, dtype=object)


def _regions() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Flat district table: province, address prefix, postcode, weight."""
    province, prefix, postcode, weight = [], [], [], []
    for prov, prov_weight, cities in _REGIONS:
        city_weights = np.array([1 / (rank + 1) ** 0.8 for rank in range(len(cities))])
        city_weights /= city_weights.sum()
        for (city, code, districts), city_weight in zip(cities, city_weights, strict=True):
            for district in districts:
                province.append(prov)
                prefix.append(f"{prov} {city} {district} ")
                postcode.append(f" ({code})")
                weight.append(prov_weight * city_weight / len(districts))
    w = np.array(weight)
    return (
        np.array(province, dtype=object),
        np.array(prefix, dtype=object),
        np.array(postcode, dtype=object),
        w / w.sum(),
    )


def _simulate_buyers(rng: np.random.Generator, n: int, offset: int) -> pd.DataFrame:
    code = _scramble(offset + np.arange(n, dtype=np.int64))
    nick = _NICK_WORDS[code % len(_NICK_WORDS)] + _str(1000 + code // len(_NICK_WORDS))
    given = _GIVEN[rng.integers(0, len(_GIVEN), n)]
    two = rng.random(n) < 0.7
    name = _SURNAMES[rng.integers(0, len(_SURNAMES), n)] + np.where(
        two, given + _GIVEN[rng.integers(0, len(_GIVEN), n)], given
    )
    phone = (
        _MOBILE_PREFIXES[rng.integers(0, len(_MOBILE_PREFIXES), n)]
        + "****"
        + _digits(rng.integers(0, 10_000, n), 4)
    )
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"), dtype=object)
    mail = (
        letters[rng.integers(0, 26, n)]
        + letters[rng.integers(0, 26, n)]
        + "***@"
        + _MAIL_DOMAINS[rng.integers(0, len(_MAIL_DOMAINS), n)]
    )
    alipay = np.where(rng.random(n) < 0.55, phone, mail)

    province, prefix, postcode, weight = _regions()
    district = rng.choice(len(weight), size=n, p=weight)
    kind = rng.integers(0, 7, n)
    b, u, r = (_str(rng.integers(lo, hi, n)) for lo, hi in ((1, 30), (1, 6), (101, 2999)))
    units = np.select(  # building, unit, room; or a landmark; or nothing (kinds 0 and 1)
        [kind == 2, kind == 3, kind == 4, kind == 5, kind == 6],
        [b + "栋" + u + "单元" + r + "室", b + "幢" + r + "室", b + "号楼" + r]
        + [("阳光小区" + b) + "栋" + r, np.full(n, "公司前台", dtype=object)],
        default="",
    )
    address = (
        prefix[district]
        + _STREETS[rng.integers(0, len(_STREETS), n)]
        + _str(rng.integers(1, 999, n))
        + "号"
        + units
        + postcode[district]
    )
    weights = np.array([p.weight for p in PRODUCTS])
    return pd.DataFrame(
        {
            "nick": _text(nick),
            "name": _text(name),
            "alipay": _text(alipay),
            "phone": _text(phone),
            "province": _text(province[district]),
            "address": _text(address),
            "remote": np.isin(province[district], list(_REMOTE)),
            "product": rng.choice(len(PRODUCTS), size=n, p=weights / weights.sum()),
            "potential": rng.random(n) < 0.005,
        }
    )


def _purchase_days(
    rng: np.random.Generator, buyers: pd.DataFrame, cal: _Calendar, n_days: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Buyer, day and product of every purchase: a first one, then repeats on a cycle."""
    n = len(buyers)
    cycle = np.array([p.cycle_days for p in PRODUCTS], dtype=float)
    repeat = np.array([p.repeat for p in PRODUCTS])
    switch = np.where(cycle > 180, 0.8, 0.12)  # who rebuys after a thermos buys something else
    weights = np.array([p.weight for p in PRODUCTS])
    weights = weights / weights.sum()

    loyalty = rng.beta(0.8, 1.4, n)  # chance of a second purchase (before product effect)
    tempo = rng.lognormal(0.0, 0.25, n)  # some buyers run through a bottle faster
    first = rng.choice(n_days, size=n, p=cal.acquisition)

    who = np.arange(n)
    day = first
    product = buyers["product"].to_numpy()
    parts = [(who, day, product)]
    alive = ~buyers["potential"].to_numpy()
    who, day, product = who[alive], day[alive], product[alive]
    k = 1
    while who.size and k < 120:
        m = who.size
        q = loyalty[who]
        chance = q * 0.95 if k == 1 else np.minimum(0.9, 0.38 + 0.4 * q) * 0.975**k
        back = rng.random(m) < chance * repeat[product]
        gap = cycle[product] * tempo[who] * rng.gamma(5.0, 0.2, m)
        late = rng.random(m) < 0.2  # forgot, bought elsewhere, came back later
        gap = np.where(late, gap * rng.uniform(1.5, 4.0, m), gap)
        nxt = day + np.maximum(1, np.rint(gap).astype(np.int64))
        back &= nxt < n_days
        who, nxt, product = who[back], nxt[back], product[back]
        m = who.size
        pull = cal.pull[nxt]
        nxt = np.where((pull >= 0) & (rng.random(m) < 0.35), pull, nxt)
        push = cal.push[nxt] + rng.integers(0, 7, m)  # spread over the week after
        nxt = nxt + np.where((cal.push[nxt] > 0) & (rng.random(m) < 0.7), push, 0)
        keep = nxt < n_days
        who, nxt, product = who[keep], nxt[keep], product[keep]
        m = who.size
        swap = rng.random(m) < switch[product]
        other = rng.choice(len(PRODUCTS), size=m, p=weights)
        product = np.where(swap, other, product)
        parts.append((who, nxt, product))
        day = nxt
        k += 1
    buyer = np.concatenate([p[0] for p in parts])
    days = np.concatenate([p[1] for p in parts])
    products = np.concatenate([p[2] for p in parts])
    return buyer, days, products


def simulate_shop(
    *,
    start: date,
    end: date,
    buyers: int,
    rng: np.random.Generator,
    buyer_offset: int = 0,
    order_offset: int = 0,
) -> SimulatedShop:
    """Simulate ``buyers`` buyers and all their orders from ``start`` to ``end`` inclusive.

    ``buyer_offset`` and ``order_offset`` number the buyers (nicks) and orders (order ids)
    of this batch after earlier ones, so batches of one big export never collide.
    """
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    if buyers < 1:
        raise ValueError(f"buyers must be at least 1, not {buyers}")
    if buyer_offset + buyers > MAX_BUYERS:
        raise ValueError(f"at most {MAX_BUYERS:,} buyers can be numbered uniquely")
    n_days = (end - start).days + 1
    cal = _calendar(start, n_days)
    people = _simulate_buyers(rng, buyers, buyer_offset)
    buyer, day, product = _purchase_days(rng, people, cal, n_days)
    m = buyer.size
    potential = people["potential"].to_numpy()[buyer]

    hour = rng.choice(24, size=m, p=_HOUR_WEIGHTS / _HOUR_WEIGHTS.sum())
    hour = np.where(cal.singles_day[day] & (rng.random(m) < 0.3), 0, hour)  # midnight rush
    second = hour * 3600 + rng.integers(0, 3600, m)
    order = np.lexsort((buyer, second, day))
    buyer, day, product, second, potential = (
        a[order] for a in (buyer, day, product, second, potential)
    )
    order_id = (
        _ID_BASE
        + (order_offset + np.arange(m, dtype=np.int64)) * 104_729_000
        + rng.integers(0, 1000, m)
    )

    extra = rng.random(m) < 0.12  # a second product in the cart
    product2 = np.where(extra, (product + rng.integers(1, len(PRODUCTS), m)) % len(PRODUCTS), -1)
    qty = rng.choice(np.arange(1, 7), size=m, p=[0.76, 0.16, 0.05, 0.015, 0.01, 0.005])
    qty2 = extra.astype(np.int64)

    price = np.array([p.price_cents for p in PRODUCTS])
    factor = np.where(cal.sale[day], 0.85, 1.0)
    unit = np.rint(price[product] * factor / 10).astype(np.int64) * 10
    unit2 = np.rint(price[np.maximum(product2, 0)] * factor / 10).astype(np.int64) * 10
    goods = unit * qty + unit2 * qty2
    postage = np.where(people["remote"].to_numpy()[buyer], _POSTAGE_CENTS, 0)
    total = goods + postage
    coupon = rng.random(m) < np.where(cal.sale[day], 0.7, 0.25)  # 满99减10, 满199减30
    discount = np.where(goods >= 19900, 3000, np.where(goods >= 9900, 1000, 0)) * coupon

    age = (n_days - 1) - day
    u = rng.random(m)
    closed = potential | (u < 0.022)
    unpaid = (age <= 1) & ((potential & (age == 0)) | (~potential & (u > 0.85) & (u < 0.88)))
    closed &= ~unpaid
    paid_ok = ~(closed | unpaid)
    waiting_share = np.select([age == 0, age == 1, age == 2, age == 3], [0.85, 0.45, 0.15, 0.05], 0)
    shipped_share = np.clip(1 - (age - 1) / 10, 0, 1) * 0.9
    v = rng.random(m)
    status = np.select(
        [
            unpaid,
            closed,
            v < waiting_share,
            v < waiting_share + (1 - waiting_share) * shipped_share,
        ],
        [_UNPAID, _CLOSED, _WAITING, _SHIPPED],
        _COMPLETED,
    )
    paid = np.where(paid_ok, total - discount, 0)

    refund_draw = rng.random(m)
    refunded = paid_ok & (age >= 3) & (refund_draw < 0.04)
    full = refunded & ((refund_draw < 0.022) | (status != _COMPLETED))
    partial = refunded & ~full
    status = np.where(full, _REFUNDED, status)
    share = rng.uniform(0.1, 0.5, m)
    part = np.where(qty + qty2 >= 2, unit, np.rint(paid * share / 100).astype(np.int64) * 100)
    part = np.clip(part, 100, np.maximum(paid - 100, 100))
    refund = np.where(full, paid, np.where(partial & (part < paid), part, 0))

    delay = np.where(
        rng.random(m) < 0.06,
        rng.integers(600, 8 * 3600, m),
        3 + rng.exponential(60, m).astype(np.int64),
    )
    paid_at = np.where(paid_ok, day.astype(np.int64) * 86400 + second + delay, -1)

    sent = np.isin(status, [_SHIPPED, _COMPLETED]) | (full & (rng.random(m) < 0.6))
    carrier = np.where(sent, rng.choice(len(_CARRIERS), size=m, p=_CARRIER_WEIGHTS), -1)
    tracking = rng.integers(10**11, 10**12, m)
    message = np.where(rng.random(m) < 0.05, rng.integers(1, len(_MESSAGES), m), 0)
    note = np.where(rng.random(m) < 0.02, rng.integers(1, len(_NOTES), m), 0)
    close_reason = np.where(closed, rng.integers(1, len(_CLOSE_REASONS), m), 0)
    orders = pd.DataFrame(
        {
            "order_id": order_id,
            "buyer": buyer,
            "day": day,
            "second": second,
            "product": product,
            "product2": product2,
            "qty": qty,
            "qty2": qty2,
            "status": status,
            "goods": goods,
            "postage": postage,
            "total": total,
            "paid": paid,
            "refund": refund,
            "paid_at": paid_at,
            "carrier": carrier,
            "tracking": tracking,
            "message": message,
            "note": note,
            "close_reason": close_reason,
            "mobile": rng.random(m) < 0.88,
        }
    )
    return SimulatedShop(start=start, end=end, buyers=people, orders=orders)


@lru_cache(maxsize=1)
def _clock() -> np.ndarray:
    """Every second of a day as HH:MM:SS."""
    return np.array(
        [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86400)], dtype=object
    )


def _timestamps(start: date, day: np.ndarray, second: np.ndarray) -> np.ndarray:
    dates = np.datetime_as_string(np.datetime64(start, "D") + np.arange(int(day.max()) + 1))
    return dates.astype(object)[day] + " " + _clock()[second]


def header_line() -> str:
    """The 订单报表 header as the seller center writes it (some names space-padded)."""
    return ",".join(f"{name} " if name in PADDED_HEADER else name for name in HEADER)


def taobao_lines(shop: SimulatedShop) -> np.ndarray:
    """The orders of ``shop`` as 订单报表 CSV lines (no line ends), in ``shop.orders`` order.

    No field holds a comma, a quote or a line break except 订单编号, whose cell is written
    the way the seller center protects long numbers from Excel, ``="1600…"``, and so is
    CSV-quoted (its quotes doubled).
    """
    o = shop.orders
    m = len(o)
    if m == 0:
        return np.array([], dtype=object)
    buyer = o["buyer"].to_numpy()
    people = {c: shop.buyers[c].to_numpy(dtype=object)[buyer] for c in ("nick", "name")}
    titles = np.array([p.title for p in PRODUCTS], dtype=object)
    product2 = o["product2"].to_numpy()
    title = titles[o["product"].to_numpy()] + np.where(
        product2 >= 0, "，" + titles[np.maximum(product2, 0)], ""
    )
    paid_at = o["paid_at"].to_numpy()
    paid_ok = paid_at >= 0
    safe = np.where(paid_ok, paid_at, 0)
    paid_time = np.where(paid_ok, _timestamps(shop.start, safe // 86400, safe % 86400), "")
    carrier = o["carrier"].to_numpy()
    sent = carrier >= 0
    tracking = np.where(
        sent,
        "No:" + _TRACKING_PREFIXES[np.maximum(carrier, 0)] + _str(o["tracking"].to_numpy()),
        "",
    )
    columns = {
        "订单编号": '"=""' + _str(o["order_id"].to_numpy()) + '"""',
        "买家会员名": people["nick"],
        "买家支付宝账号": shop.buyers["alipay"].to_numpy(dtype=object)[buyer],
        "买家应付货款": _money(o["goods"].to_numpy()),
        "买家应付邮费": _money(o["postage"].to_numpy()),
        "买家支付积分": "0",
        "总金额": _money(o["total"].to_numpy()),
        "返点积分": "0",
        "买家实际支付金额": _money(o["paid"].to_numpy()),
        "买家实际支付积分": "0",
        "订单状态": np.array(STATUSES, dtype=object)[o["status"].to_numpy()],
        "买家留言": _MESSAGES[o["message"].to_numpy()],
        "收货人姓名": people["name"],
        "收货地址": shop.buyers["address"].to_numpy(dtype=object)[buyer],
        "运送方式": "快递",
        "联系电话": "",
        "联系手机": shop.buyers["phone"].to_numpy(dtype=object)[buyer],
        "订单创建时间": _timestamps(shop.start, o["day"].to_numpy(), o["second"].to_numpy()),
        "订单付款时间": paid_time,
        "宝贝标题": title,
        "宝贝种类": np.where(product2 >= 0, "2", "1"),
        "物流单号": tracking,
        "物流公司": np.where(sent, _CARRIERS[np.maximum(carrier, 0)], ""),
        "订单备注": _NOTES[o["note"].to_numpy()],
        "宝贝总数量": _str(o["qty"].to_numpy() + o["qty2"].to_numpy()),
        "店铺Id": SHOP_ID,
        "店铺名称": SHOP_NAME,
        "订单关闭原因": np.where(
            o["status"].to_numpy() == _REFUNDED,
            "退款",
            _CLOSE_REASONS[o["close_reason"].to_numpy()],
        ),
        "卖家服务费": "0.00",
        "买家服务费": "0.00",
        "发票抬头": "",
        "是否手机订单": np.where(o["mobile"].to_numpy(), "手机订单", ""),
        "退款金额": _money(o["refund"].to_numpy()),
    }
    fields = [
        itertools.repeat(columns[name], m) if isinstance(columns[name], str) else columns[name]
        for name in HEADER
    ]
    return np.array([",".join(row) for row in zip(*fields, strict=False)], dtype=object)


def write_taobao_csv(
    path: Path, chunks: Iterable[Sequence[str]], *, encoding: str = "gb18030"
) -> int:
    """Write the 订单报表 header and every line of ``chunks`` to ``path``; return the rows.

    Lines end in CRLF, as the seller center (a Windows download) writes them. The file is
    written beside ``path`` and renamed at the end, so a failure leaves no half file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    encoder = codecs.getincrementalencoder(encoding)()  # utf-8-sig: one BOM, at the top
    rows = 0
    try:
        with part.open("wb") as f:
            f.write(encoder.encode(header_line() + "\r\n"))
            for lines in chunks:
                if len(lines):
                    f.write(encoder.encode("\r\n".join(lines)))
                    f.write(encoder.encode("\r\n"))
                    rows += len(lines)
                del lines  # let the caller's generator build the next chunk in its place
            f.write(encoder.encode("", final=True))
        part.replace(path)
    finally:
        part.unlink(missing_ok=True)
    return rows


def _year_files(start: date, end: date) -> list[tuple[int, date, date]]:
    """(year, first day, last day) of each yearly export; each starts two weeks early."""
    years = list(range(start.year, end.year + 1))
    if len(years) > 1 and (date(start.year, 12, 31) - start).days < 60:
        years = years[1:]  # a stub of a first year goes into the next file
    spans = []
    for i, year in enumerate(years):
        lo = start if i == 0 else date(year, 1, 1) - timedelta(days=14)
        spans.append((year, lo, min(end, date(year, 12, 31))))
    return spans


def _profiles(rng: np.random.Generator, shop: SimulatedShop) -> pd.DataFrame:
    """Buyer profiles for ~70% of buyers, as a CRM tool would export them."""
    people = shop.buyers
    n = len(people)
    chosen = np.flatnonzero(rng.random(n) < 0.7)
    k = chosen.size
    product = people["product"].to_numpy()[chosen]
    female_share = np.array([p.female for p in PRODUCTS])[product]
    female = rng.random(k) < female_share

    age = np.clip(np.rint(rng.normal(29, 7, k) + np.where(product == 3, 8, 0)), 16, 65)
    end = np.datetime64(shop.end, "D")
    birthday = end - (age * 365.25 + rng.uniform(0, 365, k)).astype("timedelta64[D]")
    b = pd.to_datetime(birthday)
    e = pd.Timestamp(shop.end)
    exact = e.year - b.year - ((b.month > e.month) | ((b.month == e.month) & (b.day > e.day)))
    has_age = rng.random(k) >= 0.16
    has_birthday = has_age & (rng.random(k) < 0.9)
    age_out = pd.array(np.where(has_age, exact, 0), dtype="Int64")
    age_out[~has_age] = pd.NA

    real_age = exact.to_numpy()
    tag_rules = (
        ("学生", (real_age <= 22) & (rng.random(k) < 0.7)),
        ("宝妈", female & (real_age >= 26) & (real_age <= 40) & (rng.random(k) < 0.35)),
        ("宝爸", ~female & (real_age >= 28) & (real_age <= 42) & (rng.random(k) < 0.15)),
        ("白领", (real_age >= 23) & (real_age <= 45) & (rng.random(k) < 0.3)),
        ("养猫", (product == 2) & (rng.random(k) < 0.7)),
        ("茶友", (product == 3) & (rng.random(k) < 0.5)),
        ("敏感肌", female & (product == 1) & (rng.random(k) < 0.2)),
        ("价格敏感", rng.random(k) < 0.1),
    )
    tags = np.full(k, "", dtype=object)
    for tag, mask in tag_rules:
        tags = np.where(mask, np.where(tags == "", tag, tags + ";" + tag), tags)

    refunders = np.bincount(
        shop.orders["buyer"].to_numpy(), weights=shop.orders["refund"].to_numpy() > 0, minlength=n
    )
    bad = rng.random(k) < np.where(refunders[chosen] > 0, 0.22, 0.018)
    return pd.DataFrame(
        {
            "customer_id": people["nick"].to_numpy()[chosen],
            "birthday": np.where(has_birthday, b.strftime("%Y-%m-%d").to_numpy(), ""),
            "age": age_out,
            "gender": np.where(female, "女", "男"),
            "tags": tags,
            "bad_review": bad.astype(int),
        }
    )


def write_demo_shop(
    out_dir: Path, *, end: date, buyers: int = 20_000, years: int = 3, seed: int = 7
) -> DemoFiles:
    """Write the demo shop to ``out_dir`` and return the paths written.

    Files: ``ExportOrderList_<year>.csv``, one Taobao 订单报表 per calendar year of the
    ``years`` years ending on ``end`` (GB18030; newest orders first; each file repeats the
    last two weeks of the previous one, as year-by-year downloads do) and ``profiles.csv``
    (UTF-8 with BOM: customer_id, birthday, age, gender, tags, bad_review; ages as of
    ``end``). The same arguments always write the same bytes.
    """
    if years < 1:
        raise ValueError(f"years must be at least 1, not {years}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    start = period_start(end, years)
    shop = simulate_shop(start=start, end=end, buyers=buyers, rng=rng)
    lines = taobao_lines(shop)
    day = shop.orders["day"].to_numpy()

    orders = []
    for year, lo, hi in _year_files(start, end):
        picked = np.flatnonzero((day >= (lo - start).days) & (day <= (hi - start).days))
        path = out_dir / f"ExportOrderList_{year}.csv"
        write_taobao_csv(path, [lines[picked[::-1]]])
        orders.append(path)

    profiles = out_dir / "profiles.csv"
    _profiles(rng, shop).to_csv(profiles, index=False, encoding="utf-8-sig", lineterminator="\n")
    return DemoFiles(orders=tuple(orders), profiles=profiles)


def load_demo_shop(
    con,
    *,
    end: date,
    buyers: int = 20_000,
    seed: int = 7,
    progress: Callable[[float], None] | None = None,
) -> list:
    """Write the demo shop's exports to a temporary folder and import them like a user would.

    Returns the ImportResults (order files, then profiles). ``progress`` gets 0..1.
    """
    from analytics.importers import import_orders
    from analytics.importers.profiles import import_profiles

    with tempfile.TemporaryDirectory(prefix="laoke-demo-") as tmp:
        files = write_demo_shop(Path(tmp), end=end, buyers=buyers, seed=seed)
        steps = len(files.orders) + 1
        results = []
        for i, path in enumerate(files.orders):
            results.append(import_orders(con, path))
            if progress:
                progress((i + 1) / steps)
        results.append(import_profiles(con, files.profiles))
        if progress:
            progress(1.0)
    return results
