"""Importing one order export: read, check, normalize, upsert, refresh customers, record.

The whole file is one transaction. Rows stream from the file into a staging table (an
export of one row per order: straight into the parse, see ``staged``); a line-grain
export (one row per order line) is folded into one row per order (order fields from the
order's first line, ``sum_fields`` summed). Values are cleaned in SQL (ids
unwrapped, dates and amounts parsed, statuses mapped, provinces read off the address), and
rows with a bad value are set aside as ``RowProblem``s. If more than ``MAX_BAD_SHARE`` of
the rows are bad the file is refused and nothing changes; otherwise the good orders are
upserted by (platform, shop, order_id): new orders inserted, changed ones updated (their
previous version kept for undo), identical ones untouched. Order lines go to
``order_items`` the same way: an order's lines are replaced when they changed, the old
lines kept in ``order_items_replaced``. An item-level report (``kind="items"``, e.g. the
Taobao 宝贝报表) only writes order lines.

Big files: the import connection runs with a bounded DuckDB memory limit, few threads
and a temp directory, so a multi-gigabyte export spills to disk instead of exhausting RAM
(``import_settings``).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

from analytics import customers
from analytics.errors import ImportRefused, RowProblem
from analytics.i18n import t
from analytics.importers import identity, mappings, replay
from analytics.importers.detect import Detection, detect
from analytics.importers.formats import ALL_FIELDS, ITEM_FIELDS, Format
from analytics.importers.reader import (
    EXTRA_FIELDS,
    WHOLE_ROW,
    TableSource,
    open_table,
    run_with_progress,
)
from analytics.store import ORDER_COLUMNS, bump_data_version, identifier, transaction

MAX_BAD_SHARE = 0.05
#: An order's amount (and refund, and a line's price) must stay below this: far above any
#: real order, and low enough that sums stay in DECIMAL(18, 2) (a customer's revenue would
#: need a million orders at the limit to overflow; DuckDB sums decimals into DECIMAL(38)).
MAX_AMOUNT = 10**10
#: Orders dated before this are a problem row (Taobao, the oldest platform, opened in 2003).
EARLIEST_ORDER_DATE = date(2003, 1, 1)
MAX_PROBLEMS_KEPT = 200
DEFAULT_SHOP = "默认店铺"
#: DuckDB memory limit while importing ($LAOKE_IMPORT_MEMORY overrides, e.g. "2GB"). A
#: 1M-order export's import peaks at 0.9 GB of RSS under it (a pandas script reading the
#: same file: 1.4 GB) and spills nothing; 800MB made its customer summary spill.
IMPORT_MEMORY = "1200MB"
#: At most this many DuckDB threads while importing (memory grows with threads).
IMPORT_THREADS = 2

TIME_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y%m%d",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日",
]

PROVINCES = [
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江",
    "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州",
    "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港",
    "澳门",
]  # fmt: skip
#: A province name at the start of an address (or of a province column).
PROVINCE_PATTERN = "^(" + "|".join(PROVINCES) + ")"
#: The same, looked up by the address's first two or three characters (no province name is
#: the start of another): several times cheaper than the pattern on a million addresses.
#: A MAP lookup, not ``IN (…)`` or ``list_contains``: DuckDB makes those a join, which
#: costs more and loses the scan's row order (the parse keeps it, see ``_PARSE_SQL``).
_PROVINCE_SQL = (
    "coalesce(MAP($provinces_2, $provinces_2)[left({x}, 2)], "
    "MAP($provinces_3, $provinces_3)[left({x}, 3)])"
)
_PROVINCE_PARAMS = {
    "provinces_2": [p for p in PROVINCES if len(p) == 2],
    "provinces_3": [p for p in PROVINCES if len(p) == 3],
}

#: An amount as text -> DECIMAL (NULL when it is not one); ``{x}`` is the column.
#: A plain number is cast as it is; only the others lose separators and currency signs.
_NUM = (
    "coalesce(TRY_CAST({x} AS DECIMAL(18, 2)), "
    "TRY_CAST(regexp_replace({x}, '[,¥￥\\s元]', '', 'g') AS DECIMAL(18, 2)))"
)
#: Whether an amount's text is a number too large for an order (``{x}``: the column).
_TOO_LARGE = (
    "coalesce(abs(TRY_CAST(regexp_replace({x}, '[,¥￥\\s元]', '', 'g') AS DOUBLE)) "
    ">= $max_amount, false)"
)
#: An order id with Excel's ="…" wrapper, quotes and padding removed.
_ID = (
    "CASE WHEN contains(' \t\n\f\r=''\"', {x}[1]) OR contains(' \t\n\f\r\"', {x}[-1]) "
    "THEN nullif(regexp_replace({x}, '^[\\s=''\"]+|[\\s\"]+$', '', 'g'), '') "
    "ELSE nullif({x}, '') END"
)
#: A time as written, without a trailing UTC offset (the shop's local time is kept).
_LOCAL = (
    "regexp_replace({x}, '(\\d{{2}}:\\d{{2}}(?::\\d{{2}}(?:\\.\\d+)?)?)\\s*"
    "(?:[+-]\\d{{2}}:?\\d{{2}}|Z|UTC)$', '\\1')"
)
#: A time as a TIMESTAMP (NULL when it is none): the usual "2026-12-01 23:00:41" by its one
#: format, any other written time by ``$time_formats`` after its UTC offset is dropped.
_TIME = f"coalesce(try_strptime({{x}}, '{TIME_FORMATS[0]}'), try_strptime({_LOCAL}, $time_formats))"
#: Unicode's space separators (what DuckDB's ``trim`` removes): the ideographic space
#: U+3000, the no-break space U+00A0 and the typographic ones.
_ZS = " \u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000"
#: The padding around a cell as exported: what RE2's \s matches and the space separators.
_SPACE = "\t\n\f\r" + _ZS


#: The padding characters as a regular-expression class (control characters escaped).
_PAD_CLASS = (
    "["
    + "".join({"\t": "\\t", "\n": "\\n", "\r": "\\r", "\f": "\\f"}.get(c, c) for c in _SPACE)
    + "]"
)
#: A cell's value without padding or Excel's ="…" wrapper (group 1 or 2): the general case.
_UNWRAP_PATTERN = f'^{_PAD_CLASS}*(?:="{_PAD_CLASS}*(.*?){_PAD_CLASS}*"|(.*?)){_PAD_CLASS}*$'


def cleaned_cell_sql(x: str) -> str:
    """SQL of cell ``x`` as exported, cleaned: surrounding whitespace (tabs, ideographic
    spaces: 抖店 and 拼多多 write ids as "\t6917…" so Excel keeps them as text) and Excel's
    ="…" text wrapper removed, and the placeholders "-" and "--" (no value) and "" made
    NULL. The cleaned values need no further ``trim``: they neither start nor end with a
    space.

    One expression, its cheap cases first: 2.6 CPU s on a 1M-order Taobao export where
    three layers (trim, unwrap, placeholders), each over every cell, took 4.4. (Written as
    nested ``nullif``s over every cell, DuckDB's ``nullif``, a macro repeating its argument,
    ran the unwrapping eight times per cell: 17 s.) A cell's ends are read by index
    (``x[1]``, ``x[-1]``): with ``left``/``right`` and the slice's own ends the cleaning took
    half as long again (0.6 s of the 1.8 s parse of a 1M-order Taobao export, now 0.4 s).

    1. Most cells need nothing: neither end is padding, "=" or "-" (``plain``).
    2. Excel's wrapper around such a value (="1600…", every Taobao order id), and a value
       behind one tab (抖店 and 拼多多 ids): the inside, by slicing; its ends are the cell's
       third and second-last characters. ``clear`` also refuses a form feed at either end,
       which the general case trims. An empty inside is never clear: "" is in every set.
    3. The placeholders "-" and "--".
    4. Anything else (rare): one regular expression trims and unwraps; "", "-" and "--"
       become NULL.
    """
    plain = f"NOT (contains('\t=-\r\n{_ZS}', {x}[1]) OR contains('\t\"\r\n{_ZS}', {x}[-1]))"

    def clear(first: int, last: int) -> str:  # whether the inside x[first:last] has clear ends
        return f"NOT (contains('=-{_SPACE}', {x}[{first}]) OR contains('\"{_SPACE}', {x}[{last}]))"

    general = f"regexp_replace({x}, '{_UNWRAP_PATTERN}', '\\1\\2', 's')"
    return (
        f"CASE WHEN {plain} THEN {x} "
        f"WHEN starts_with({x}, '=\"') AND ends_with({x}, '\"') "
        f"AND {clear(3, -2)} THEN {x}[3:-2] "
        f"WHEN starts_with({x}, '\t') AND {clear(2, -1)} THEN {x}[2:] "
        f"WHEN {x} IN ('-', '--') THEN NULL "
        f"ELSE nullif(nullif(nullif({general}, '-'), '--'), '') END"
    )


#: Rows that hold any data (blank lines at the end of an export are not rows). Staged
#: values are never "" (``cleaned_cell_sql`` makes it NULL).
_HAS_DATA = (
    "(order_id IS NOT NULL OR customer_id IS NOT NULL OR order_time IS NOT NULL "
    "OR amount IS NOT NULL)"
)

#: An address holding two whitespace characters in a row (RE2's \s: [\t\n\f\r ]), a tab, a
#: line break or an ideographic space, which the parse trims and makes single spaces: what
#: ``regexp_matches(address, '\s\s|[\t\r\n\u3000]')`` finds, by plain searches (the
#: regular expression took a third of the parse).
_ADDRESS_SPACES = " OR ".join(
    f"contains(address, {s})"
    for s in ("'  '", "chr(9)", "chr(10)", "chr(13)", "'\u3000'")
    + ("' ' || chr(12)", "chr(12) || ' '", "chr(12) || chr(12)")
)

# Parse every staged row (``has_data``: whether it is one, see view ``parsed``); *_raw
# keeps the text for problem reports. Only projections, no join (the value maps are MAP
# lookups): the rows keep the scan's order, so a parse reading the file itself numbers its
# rows by row id (``_parse``).
_PARSE_SQL = f"""
CREATE OR REPLACE TEMP TABLE parsed_rows AS
-- Staged values are trimmed already (``cleaned_cell_sql``).
WITH s AS (
    SELECT row_no, {_HAS_DATA} AS has_data,
        {_ID.format(x="order_id")} AS order_id,
        nullif(customer_id, '') AS customer_id,
        nullif(customer_name, '') AS customer_name,
        {_ID.format(x="phone")} AS phone,
        nullif(order_time, '') AS order_time_raw,
        nullif(paid_time, '') AS paid_time_raw,
        nullif(status, '') AS status_raw,
        nullif(after_sale, '') AS after_sale_raw,
        nullif(amount, '') AS amount_raw,
        nullif(refund_amount, '') AS refund_raw,
        CASE WHEN {_ADDRESS_SPACES}
             THEN regexp_replace(trim(address), '\\s+', ' ', 'g')
             ELSE coalesce(address, '') END AS address,
        nullif(province, '') AS province_in,
        nullif(city, '') AS city_in,
        nullif(item_count, '') AS item_count_raw,
        nullif(product, '') AS product,
        nullif(shop, '') AS shop
    FROM stage
), t AS (
    SELECT s.* EXCLUDE (province_in, city_in),
        coalesce(MAP($province_raws, $province_values)[s.province_in], s.province_in)
            AS province_raw,
        coalesce(MAP($city_raws, $city_values)[s.city_in], s.city_in) AS city_raw,
        {_TIME.format(x="order_time_raw")} AS order_time,
        {_TIME.format(x="paid_time_raw")} AS paid_time,
        {_NUM.format(x="amount_raw")} AS amount,
        MAP($status_raws, $statuses)[s.status_raw] AS known_status,
        MAP($after_sale_raws, $after_sale_outcomes)[s.after_sale_raw] = 'refunded'
            AS after_sale_refunded
    FROM s
), u AS (
SELECT t.* EXCLUDE (known_status, after_sale_refunded),
    CASE WHEN status_raw IS NULL THEN $default_status
         ELSE coalesce(known_status, CASE WHEN NOT $strict_status THEN $default_status END)
    END AS mapped_status,
    -- No refund column: a refunded status or after-sale state means all of it went back.
    CASE WHEN refund_raw IS NOT NULL THEN {_NUM.format(x="refund_raw")}
         WHEN known_status = 'refunded' OR after_sale_refunded THEN coalesce(amount, 0)
         ELSE 0 END AS refund_amount,
    -- Sub-orders' quantities joined in one cell ("1;2") add up to the order's item count.
    CASE WHEN contains(item_count_raw, ';') OR contains(item_count_raw, '；')
        THEN TRY_CAST(list_sum(list_transform(
            regexp_split_to_array(item_count_raw, '\\s*[;；]\\s*'),
            lambda q: TRY_CAST(q AS DOUBLE))) AS INTEGER)
         ELSE TRY_CAST(TRY_CAST(item_count_raw AS DOUBLE) AS INTEGER) END AS item_count,
    {_PROVINCE_SQL.format(x="coalesce(province_raw, address)")} AS province
FROM t
)
-- The city read, the address (a row's longest text) goes no further.
SELECT u.* EXCLUDE (
        address, province_raw, city_raw, shop, refund_amount, after_sale_raw, item_count_raw,
        order_time_raw, paid_time_raw, status_raw, amount_raw, refund_raw
    ),
    -- An order as stored (see ``_GOOD_ORDERS_SQL``): the shop, the status and the refund.
    $platform AS platform,
    coalesce($shop_override, u.shop, $default_shop) AS shop,
    CASE WHEN refund_amount > 0 AND refund_amount >= amount THEN 'refunded'
         ELSE mapped_status END AS status,
    least(refund_amount, amount) AS refund_amount,
    $import_id AS import_id,
    -- For the problem report (``_PROBLEMS_SQL``): the refund as written, and each value's
    -- text where it is a problem (most are not, and the texts cost as much to keep).
    refund_amount AS refund_parsed,
    CASE WHEN order_time IS NULL OR order_time < $earliest OR order_time >= $too_late
        THEN order_time_raw END AS order_time_raw,
    CASE WHEN paid_time IS NULL OR paid_time < $earliest OR paid_time >= $too_late
        THEN paid_time_raw END AS paid_time_raw,
    CASE WHEN amount IS NULL OR amount < 0 OR amount >= $max_amount
        THEN amount_raw END AS amount_raw,
    CASE WHEN refund_amount IS NULL OR refund_amount < 0 OR refund_amount >= $max_amount
        THEN refund_raw END AS refund_raw,
    CASE WHEN mapped_status IS NULL THEN status_raw END AS status_raw,
    -- CASE, not coalesce: the regular expression only runs where nothing simpler worked.
    CASE WHEN city_raw IS NOT NULL THEN city_raw
         WHEN province IN ('北京', '天津', '上海', '重庆') THEN province || '市'
         -- LIKE province || '% %' (a pattern built per row costs more; names hold no space)
         WHEN starts_with(address, province) AND contains(address, ' ')
            THEN nullif(split_part(address, ' ', 2), '')
         ELSE nullif(regexp_extract(
            address[length(province) + 1:],
            '^(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)?\\s*([^\\s]+?(?:市|自治州|地区|盟))',
            1), '')
    END AS city
FROM u
"""

#: The parse of the file itself (``staged_file``): its rows are numbered by row id, so the
#: staged row number (NULL there) is not kept; a column costs the parse 3%.
_PARSE_FILE_SQL = _PARSE_SQL.replace("\n    SELECT row_no, ", "\n    SELECT ", 1)
assert _PARSE_FILE_SQL != _PARSE_SQL

# One row per bad value: (row_no, order_row, field, value, code); order_row is the row of
# the order the bad value belongs to (a line of a line-grain export: its order's first row).
_PROBLEMS_SQL = f"""
CREATE OR REPLACE TEMP TABLE problems AS
SELECT row_no, row_no AS order_row, field, value, code FROM (
    SELECT row_no, 'order_id' AS field, '' AS value, 'missing_order_id' AS code
        FROM parsed WHERE order_id IS NULL
    -- Several orders joined in one cell (合并订单): their amount cannot be split between them.
    UNION ALL SELECT row_no, 'order_id', order_id, 'joined_order_ids'
        FROM parsed WHERE regexp_matches(order_id, '[;；]')
    UNION ALL SELECT row_no, 'customer_id', '', 'missing_buyer'
        FROM parsed WHERE customer_id IS NULL
    UNION ALL SELECT row_no, 'order_time', coalesce(order_time_raw, ''),
            CASE WHEN order_time_raw IS NULL THEN 'missing_time' ELSE 'bad_time' END
        FROM parsed WHERE order_time IS NULL
    UNION ALL SELECT row_no, 'order_time', order_time_raw,
            CASE WHEN order_time < $earliest THEN 'time_too_early' ELSE 'time_too_late' END
        FROM parsed WHERE order_time < $earliest OR order_time >= $too_late
    UNION ALL SELECT row_no, 'paid_time', paid_time_raw, 'bad_time'
        FROM parsed WHERE paid_time_raw IS NOT NULL AND paid_time IS NULL
    UNION ALL SELECT row_no, 'paid_time', paid_time_raw,
            CASE WHEN paid_time < $earliest THEN 'time_too_early' ELSE 'time_too_late' END
        FROM parsed WHERE paid_time < $earliest OR paid_time >= $too_late
    UNION ALL SELECT row_no, 'amount', coalesce(amount_raw, ''),
            CASE WHEN amount_raw IS NULL THEN 'missing_amount'
                 WHEN amount IS NULL AND regexp_matches(amount_raw, '[;；]') THEN 'joined_amounts'
                 WHEN {_TOO_LARGE.format(x="amount_raw")} THEN 'amount_too_large'
                 WHEN amount IS NULL THEN 'bad_amount'
                 ELSE 'negative_amount' END
        FROM parsed WHERE amount IS NULL OR amount < 0 OR amount >= $max_amount
    UNION ALL SELECT row_no, 'refund_amount', refund_raw,
            CASE WHEN {_TOO_LARGE.format(x="refund_raw")} THEN 'amount_too_large'
                 WHEN refund_parsed IS NULL AND regexp_matches(refund_raw, '[;；]')
                    THEN 'joined_amounts'
                 WHEN refund_parsed IS NULL THEN 'bad_amount'
                 ELSE 'negative_refund' END
        FROM parsed
        WHERE refund_parsed IS NULL OR refund_parsed < 0 OR refund_parsed >= $max_amount
    UNION ALL SELECT row_no, 'status', status_raw, 'unknown_status'
        FROM parsed WHERE mapped_status IS NULL
)
"""

# Order lines of the file with their values parsed (quantity, unit price).
_ITEM_LINES_SQL = f"""
CREATE OR REPLACE TEMP TABLE item_lines AS
SELECT row_no, order_row, {_ID.format(x="order_id")} AS order_id,
    nullif(trim(coalesce(shop, '')), '') AS shop,
    {_ID.format(x="product_id")} AS product_id,
    {_ID.format(x="sku")} AS sku,
    nullif(trim(coalesce(title, '')), '') AS title,
    nullif(trim(coalesce(quantity, '')), '') AS quantity_raw,
    nullif(trim(coalesce(price, '')), '') AS price_raw,
    TRY_CAST(TRY_CAST(quantity_raw AS DOUBLE) AS INTEGER) AS quantity,
    {_NUM.format(x="price_raw")} AS price
FROM lines
WHERE coalesce(product_id, '') || coalesce(sku, '') || coalesce(title, '') <> ''
"""

_ITEM_PROBLEMS_SQL = f"""
INSERT INTO problems
SELECT row_no, order_row, 'quantity', quantity_raw, 'bad_quantity'
    FROM item_lines WHERE quantity_raw IS NOT NULL AND (quantity IS NULL OR quantity < 0)
UNION ALL SELECT row_no, order_row, 'price', price_raw,
        CASE WHEN {_TOO_LARGE.format(x="price_raw")} THEN 'amount_too_large' ELSE 'bad_price' END
    FROM item_lines
    WHERE price_raw IS NOT NULL AND (price IS NULL OR price < 0 OR price >= $max_amount)
"""

_ITEMS_ONLY_PROBLEMS_SQL = """
INSERT INTO problems
SELECT row_no, order_row, 'order_id', '', 'missing_order_id' FROM item_lines
WHERE order_id IS NULL
"""

#: What the parsed rows hold for the problem report only (``_PROBLEMS_SQL``).
_PROBLEM_COLUMNS = (
    "has_data",
    "refund_parsed",
    "mapped_status",
    "order_time_raw",
    "paid_time_raw",
    "amount_raw",
    "refund_raw",
    "status_raw",
)

# The good orders (an order repeated in the file: every row of it): the parsed rows
# without the blank ones and those of an order with a problem, deleted in place (most files
# have few or none) rather than copied. ``{row_no}``: as in view ``parsed``.
_GOOD_ORDERS_SQL = """
DELETE FROM parsed_rows WHERE NOT has_data OR {row_no} IN (SELECT order_row FROM problems)
"""

# Each row's order id and buyer, from the staged or the parsed rows (``check_not_swapped``).
_ID_BUYER_ROWS = {
    "stage": f"""
WITH s AS (
    SELECT {_ID.format(x="order_id")} AS order_id,
        nullif(trim(coalesce(customer_id, '')), '') AS customer_id
    FROM stage WHERE {_HAS_DATA}
)""",
    "parsed": "WITH s AS (SELECT order_id, customer_id FROM parsed)",
}
# Rows and (at most) distinct order ids: when few ids repeat, too few rows can mix buyers to
# matter. The ids' 64-bit hashes are counted, a third cheaper than the strings: two ids can
# share a hash and count once, which only makes the file look like it may repeat ids and
# sends it to the exact checks (``_ID_BUYER_SQL``, ``_DROP_REPEATS_SQL``), never past them.
_ID_COUNT_SQL = (
    "{rows} SELECT count(*), "
    "count(DISTINCT CASE WHEN order_id IS NOT NULL THEN hash(order_id) END) FROM s"
)
# How the file's order ids and buyers relate: rows, distinct order ids, distinct buyers, and
# rows whose order id also carries another buyer (an order has one buyer, on every line).
_ID_BUYER_SQL = """{rows}, g AS (
    SELECT order_id, count(*) AS n, count(DISTINCT customer_id) AS buyers
    FROM s WHERE order_id IS NOT NULL GROUP BY order_id
)
SELECT (SELECT count(*) FROM s), (SELECT count(*) FROM g),
    (SELECT count(DISTINCT customer_id) FROM s), coalesce(sum(n) FILTER (buyers > 1), 0)
FROM g
"""
#: Above this share of rows whose order id carries several buyers, the file is refused.
MAX_MIXED_BUYER_SHARE = 0.5

# One row per order: the last one in the file wins (an order export's parsed rows keep the
# file's order: row ids). A grouped count finds the repeats, not a window over every row:
# most exports have none.
_DROP_REPEATS_SQL = """
DELETE FROM incoming WHERE rowid IN (
    SELECT n.rowid FROM incoming n
    JOIN (
        SELECT shop, order_id, max(rowid) AS last_row FROM incoming
        GROUP BY ALL HAVING count(*) > 1
    ) d USING (shop, order_id)
    WHERE n.rowid < d.last_row
)
"""

_CHANGED = " OR ".join(
    f"n.{c} IS DISTINCT FROM o.{c}"
    for c in ORDER_COLUMNS
    if c not in ("platform", "shop", "order_id", "import_id")
)

_DIFF_SQL = f"""
CREATE OR REPLACE TEMP TABLE diff AS
SELECT n.platform, n.shop, n.order_id,
    o.order_id IS NULL AS is_new,
    o.order_id IS NOT NULL AND ({_CHANGED}) AS is_changed,
    o.customer_id AS old_customer_id
FROM incoming n
LEFT JOIN orders o USING (platform, shop, order_id)
"""

_KEEP_REPLACED_SQL = """
INSERT INTO orders_replaced
SELECT $import_id, o.* FROM orders o
JOIN diff d USING (platform, shop, order_id) WHERE d.is_changed
"""

_UPDATE_SQL = (
    "UPDATE orders o SET "
    + ", ".join(f"{c} = n.{c}" for c in ORDER_COLUMNS if c not in ("platform", "shop", "order_id"))
    + """
FROM incoming n JOIN diff d USING (platform, shop, order_id)
WHERE d.is_changed AND o.platform = n.platform AND o.shop = n.shop AND o.order_id = n.order_id
"""
)

_INSERT_SQL = f"""
INSERT INTO orders ({", ".join(ORDER_COLUMNS)})
SELECT {", ".join("n." + c for c in ORDER_COLUMNS)}
FROM incoming n JOIN diff d USING (platform, shop, order_id) WHERE d.is_new
"""

# When every incoming order is new (a first import) there is nothing to join against.
_INSERT_ALL_SQL = f"""
INSERT INTO orders ({", ".join(ORDER_COLUMNS)})
SELECT {", ".join(ORDER_COLUMNS)} FROM incoming
"""

_TOUCHED_SQL = """
CREATE OR REPLACE TEMP TABLE touched AS
SELECT DISTINCT n.platform, n.shop, n.customer_id
FROM incoming n JOIN diff d USING (platform, shop, order_id)
WHERE d.is_new OR d.is_changed
UNION
SELECT platform, shop, old_customer_id FROM diff WHERE is_changed
"""

_ITEM_COLUMNS = (
    "platform",
    "shop",
    "order_id",
    "line_no",
    "product_id",
    "sku",
    "title",
    "category",
    "quantity",
    "price",
    "import_id",
)
_ITEM_VALUES = ", ".join(c for c in _ITEM_COLUMNS if c != "import_id")

# The lines of this file's good orders, numbered within each order in file order.
_ORDER_ITEMS_SQL = """
CREATE OR REPLACE TEMP TABLE incoming_items AS
SELECT n.platform, n.shop, n.order_id,
    CAST(row_number() OVER (PARTITION BY n.platform, n.shop, n.order_id ORDER BY l.row_no)
        AS INTEGER) AS line_no,
    l.product_id, l.sku, l.title, CAST(NULL AS VARCHAR) AS category, l.quantity, l.price,
    n.import_id
FROM item_lines l JOIN incoming n ON n.row_no = l.order_row
"""

# An item report's lines: the shop is the --shop given, else the file's, else the shop of
# the order already stored under that id, else the default shop.
_REPORT_ITEMS_SQL = """
CREATE OR REPLACE TEMP TABLE incoming_items AS
SELECT $platform AS platform, shop, order_id,
    CAST(row_number() OVER (PARTITION BY shop, order_id ORDER BY row_no) AS INTEGER) AS line_no,
    product_id, sku, title, CAST(NULL AS VARCHAR) AS category, quantity, price,
    $import_id AS import_id
FROM (
    SELECT l.row_no, l.order_id, l.product_id, l.sku, l.title, l.quantity, l.price,
        coalesce($shop_override, l.shop, o.shop, $default_shop) AS shop
    FROM item_lines l
    LEFT JOIN (
        SELECT order_id, min(shop) AS shop FROM orders WHERE platform = $platform
        GROUP BY order_id
    ) o ON o.order_id = l.order_id
    WHERE l.order_row NOT IN (SELECT order_row FROM problems)
)
"""

_ITEM_DIFF_SQL = f"""
CREATE OR REPLACE TEMP TABLE item_keys AS
SELECT DISTINCT platform, shop, order_id FROM incoming_items;
CREATE OR REPLACE TEMP TABLE old_items AS
SELECT i.* FROM order_items i SEMI JOIN item_keys k USING (platform, shop, order_id);
CREATE OR REPLACE TEMP TABLE item_diff AS
SELECT k.*, o.order_id IS NULL AS is_new, c.order_id IS NOT NULL AS is_changed
FROM item_keys k
LEFT JOIN (SELECT DISTINCT platform, shop, order_id FROM old_items) o
    USING (platform, shop, order_id)
LEFT JOIN (
    SELECT DISTINCT platform, shop, order_id FROM (
        (SELECT {_ITEM_VALUES} FROM incoming_items EXCEPT SELECT {_ITEM_VALUES} FROM old_items)
        UNION ALL
        (SELECT {_ITEM_VALUES} FROM old_items EXCEPT SELECT {_ITEM_VALUES} FROM incoming_items)
    )
) c USING (platform, shop, order_id)
"""

_ITEM_WRITE_SQL = """
INSERT INTO order_items_replaced
SELECT $import_id, o.* FROM old_items o
SEMI JOIN item_diff d ON d.platform = o.platform AND d.shop = o.shop AND d.order_id = o.order_id
    AND d.is_changed;
DELETE FROM order_items i USING item_diff d
WHERE d.is_changed AND i.platform = d.platform AND i.shop = d.shop AND i.order_id = d.order_id;
INSERT INTO order_items
SELECT n.* FROM incoming_items n
SEMI JOIN item_diff d ON d.platform = n.platform AND d.shop = n.shop AND d.order_id = n.order_id
    AND d.is_changed
"""

# Lines an item report stored under another shop (it was imported before its order report
# and had no shop) move to the shop of this file's order; the old rows are kept for undo.
# Only when it is unambiguous: lines that could go to two of the file's shops, or two shops'
# lines that could go to the same order, stay where they are.
_ADOPT_SQL = """
CREATE OR REPLACE TEMP TABLE adopt AS
SELECT i.*, n.shop AS new_shop
FROM order_items i
JOIN incoming n ON n.platform = i.platform AND n.order_id = i.order_id AND n.shop <> i.shop
WHERE i.platform = $platform
    AND NOT EXISTS (SELECT 1 FROM orders o
        WHERE o.platform = i.platform AND o.shop = i.shop AND o.order_id = i.order_id)
    AND NOT EXISTS (SELECT 1 FROM order_items j
        WHERE j.platform = n.platform AND j.shop = n.shop AND j.order_id = n.order_id)
QUALIFY count(*) OVER (PARTITION BY i.platform, i.shop, i.order_id, i.line_no) = 1
    AND min(i.shop) OVER (PARTITION BY n.platform, n.shop, n.order_id)
        = max(i.shop) OVER (PARTITION BY n.platform, n.shop, n.order_id);
INSERT INTO order_items_replaced SELECT $import_id, * EXCLUDE (new_shop) FROM adopt;
DELETE FROM order_items i USING adopt a
WHERE i.platform = a.platform AND i.shop = a.shop AND i.order_id = a.order_id
    AND i.line_no = a.line_no;
INSERT INTO order_items
SELECT platform, new_shop, order_id, line_no, product_id, sku, title, category, quantity,
    price, import_id
FROM adopt
"""

_RECORD_SQL = """
INSERT INTO imports (import_id, kind, file_name, sha256, platform, shop, rows_read,
    rows_inserted, rows_updated, rows_unchanged, rows_rejected, started_at, finished_at,
    outcome, message, problems)
VALUES ($import_id, 'orders', $file_name, $sha256, $platform, $shop, $rows_read, $inserted,
    $updated, $unchanged, $rejected, $started_at, $finished_at, $outcome, $message,
    $problems)
"""

_SHOPS_OF_IMPORT_SQL = """
UPDATE imports SET shop = (
    SELECT string_agg(DISTINCT shop, ', ' ORDER BY shop) FROM import_keys
    WHERE import_keys.import_id = imports.import_id
)
WHERE import_id = ?
"""

_TEMP_TABLES = (
    "stage_raw",
    "unreadable",
    "stage_folded",
    "lines",
    "parsed_rows",
    "problems",
    "incoming",
    "diff",
    "touched",
    "nul_values",
    "item_lines",
    "incoming_items",
    "item_keys",
    "old_items",
    "item_diff",
    "adopt",
)


@dataclass(frozen=True)
class ImportResult:
    """What one file's import did (``outcome``: imported | refused).

    ``rows_read`` and ``rejected`` count the file's rows (lines, for a line-grain export);
    ``inserted``, ``updated`` and ``unchanged`` count orders (for an item report: orders
    whose lines are new, changed or the same); ``lines_written`` counts order lines stored.
    """

    import_id: int
    file_name: str
    outcome: str
    platform: str = ""
    reason: str = ""
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    problems: tuple[RowProblem, ...] = field(default_factory=tuple)
    message: str = ""
    lines_written: int = 0
    #: how far the file's buyer keys tell buyers apart (order exports)
    identity: identity.IdentityReport | None = None
    #: an order->buyer mapping file: its order ids that match no stored order
    not_found: int = 0
    #: rows of an order-per-row file repeating an order id of an earlier row, merged into
    #: one order (the last row wins); a line export's lines are not counted here
    merged: int = 0

    def notices(self, lang: str | None = None) -> list[str]:
        """Warnings the user must see with the result (buyers unknown or weakly keyed,
        mapping rows that matched no order)."""
        out = self.identity.notices(lang) if self.identity else []
        if self.not_found:
            out.append(t("identity.not_found", lang, n=f"{self.not_found:,}"))
        return out

    @property
    def imported(self) -> bool:
        return self.outcome == "imported"


def file_sha256(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def preview(path: str | Path, *, name: str | None = None, platform: str = "auto"):
    """(TableSource, Detection) of a file, for the UI to show before importing."""
    source = open_table(path, name)
    return source, detect(source.header, platform=platform, file_name=source.name)


def import_orders(
    con,
    path: str | Path,
    *,
    name: str | None = None,
    platform: str = "auto",
    shop: str | None = None,
    mapping: dict[str, str] | None = None,
    progress: Callable[[float], None] | None = None,
) -> ImportResult:
    """Import one order export into the store; refused files change nothing but the log.

    ``name`` is the file name shown to the user (uploads arrive under a temporary path),
    ``mapping`` (canonical field -> column) overrides or completes the detected one, and
    ``shop`` names the shop when the file has no shop column (or overrides it).

    Without ``mapping``, the mapping saved for this header (``mappings``) is used; a
    ``mapping`` that differs from the detected one is saved for the next file with the same
    header, in the import's transaction.
    """
    path = Path(path)
    name = name or path.name
    started = datetime.now()
    import_id = con.execute("SELECT nextval('import_ids')").fetchone()[0]
    base = {"import_id": import_id, "file_name": name, "started_at": started, "shop": shop}
    hashing = None
    try:
        # Hash in a thread while the file is converted and read (hashlib releases the GIL).
        hashing = _HASHER.submit(file_sha256, path)
        source, detected = preview(path, name=name, platform=platform)
        saved = mappings.saved_mapping(con, source.header)
        use = mapping or (saved.mapping if saved else None)
        detection = _with_mapping(detected, use, source, name)
        if saved and not mapping:
            detection = replace(detection, saved_on=f"{saved.saved_at:%Y-%m-%d}")
        remember = bool(mapping) and detection.mapping != detected.mapping
        remember = remember and (saved is None or saved.mapping != detection.mapping)
        with import_settings(con), transaction(con):
            result = _import_leniently(con, source, detection, import_id, shop, progress)
            if remember:
                mappings.save_mapping(con, source.header, detection.mapping)
            if result.inserted or result.updated or result.lines_written:
                bump_data_version(con)
            record(con, base, _sha(hashing), result, detection.platform)  # last: finished_at
            if shop is None:  # the history names the shops the file's orders are in
                con.execute(_SHOPS_OF_IMPORT_SQL, [import_id])
            if detection.format.kind == "buyers":
                con.execute(
                    "UPDATE imports SET kind = 'buyers', platform = NULL WHERE import_id = ?",
                    [import_id],
                )
        return result
    except ImportRefused as refused:
        result = ImportResult(import_id, name, "refused", message=refused.reason)
        with transaction(con):
            record(con, base, _sha(hashing), result, platform if platform != "auto" else None)
        raise


def _import_leniently(con, source, detection, import_id, shop, progress) -> ImportResult:
    """``_import``, read again without DuckDB's CSV strict mode when strict mode failed on
    the file as a whole: DuckDB 2.0.1's strict state machine rejects some well-formed files
    ("reached an invalid state"). The failed read aborted the transaction, so it is rolled
    back and begun again (nothing else has been written in it yet)."""
    try:
        return _import(con, source, detection, import_id, shop, progress)
    except ImportRefused as refused:
        detail = str(refused.params.get("detail", ""))
        if not (source.kind == "csv" and source.strict and "invalid state" in detail):
            raise
    con.execute("ROLLBACK")
    con.execute("BEGIN TRANSACTION")
    _drop_temps(con)
    source.strict = False
    return _import(con, source, detection, import_id, shop, progress)


_HASHER = ThreadPoolExecutor(max_workers=2, thread_name_prefix="laoke-sha256")


def _sha(hashing) -> str:
    """The file's sha256 from the hashing thread ("" when the file could not be read)."""
    try:
        return hashing.result() if hashing else ""
    except OSError:
        return ""


@contextmanager
def import_settings(con) -> Iterator[None]:
    """Bounded memory for the duration of an import: a DuckDB memory limit, at most
    ``IMPORT_THREADS`` threads, a temp directory to spill to. The connection's previous
    settings are put back afterwards."""
    names = ("memory_limit", "threads")
    before = {n: con.execute(f"SELECT current_setting('{n}')").fetchall()[0][0] for n in names}
    limit = os.environ.get("LAOKE_IMPORT_MEMORY", IMPORT_MEMORY)
    con.execute(f"SET memory_limit = '{_quoted(limit)}'")
    con.execute(f"SET threads = {min(int(before['threads']), IMPORT_THREADS)}")
    temp = con.execute("SELECT current_setting('temp_directory')").fetchall()[0][0]
    if not temp:
        spill = Path(tempfile.gettempdir()) / "laoke_duckdb_spill"
        with suppress(duckdb.Error):  # a directory already in use stays
            con.execute(f"SET temp_directory = '{_quoted(str(spill))}'")
    try:
        yield
    finally:
        con.execute(f"SET memory_limit = '{_quoted(str(before['memory_limit']))}'")
        con.execute(f"SET threads = {int(before['threads'])}")


def _quoted(text: str) -> str:
    return text.replace("'", "''")


def _with_mapping(detection: Detection, mapping, source: TableSource, name: str) -> Detection:
    merged = dict(detection.mapping)
    for fld, column in (mapping or {}).items():
        if fld not in ALL_FIELDS:
            raise ImportRefused(name, "unknown_field", field=repr(fld))
        if column not in source.header:
            raise ImportRefused(name, "no_such_column", field=fld, column=repr(column))
        merged[fld] = column
    fmt = detection.format
    missing = tuple(f for f in fmt.required if f not in merged and f not in detection.derived)
    if missing:
        raise ImportRefused(
            name,
            "missing_required",
            fields=", ".join(missing),
            columns=", ".join(source.header),
        )
    return replace(detection, mapping=merged, missing=())


def _source_sql(source: tuple[str, ...], cell) -> str:
    """One source's value: a column, or several joined with "/" (NULL when all blank);
    ``cell(column)`` is the SQL of one column's cleaned value."""
    parts = [cell(c) for c in source]
    if len(parts) == 1:
        return parts[0]
    return f"nullif(concat_ws('/', {', '.join(parts)}), '')"


def stage(
    con,
    source: TableSource,
    mapping: dict[str, str],
    fields,
    progress=None,
    *,
    derived: dict[str, tuple[tuple[str, ...], ...]] | None = None,
) -> None:
    """Read the file's rows into TEMP view ``stage`` (row_no + one VARCHAR per field).

    Only fields with a source are stored (table ``stage_raw``, in file order); the view adds
    the others as NULL. A field's value is its mapped column, else (row by row) its
    ``derived`` sources. Rows the reader could not read go to TEMP table ``unreadable``.

    The rows are copied, each cell cleaned once as it is read (``cleaned_cell_sql``), in
    file order (DuckDB keeps the order of a single scan through SELECT and subqueries); the
    view numbers them by row id. Numbering them while reading takes ``row_number() OVER
    ()``, which runs on one thread and costs more than the copy.
    """
    select, exprs = _stage_cells(mapping, fields, derived or {})
    reading = progress and (lambda f: progress(0.5 + 0.25 * f))
    with source.relation(con, _transcoding(progress)) as rows, _readable(source):
        sql = f"CREATE OR REPLACE TEMP TABLE stage_raw AS SELECT {select} FROM {rows}"
        run_with_progress(con, sql, reading)
    source.collect_unreadable(con)
    # Row ids are in file order; inside a transaction they start at a large offset.
    first = _first_rowid(con, "stage_raw")
    _stage_view(con, "stage_raw", exprs, fields, row_no=f"rowid - {first}")
    _find_nul_values(con, list(exprs) if source.may_hold_nul() else [])


@contextmanager
def staged_file(
    con,
    source: TableSource,
    mapping: dict[str, str],
    fields,
    progress=None,
    *,
    derived: dict[str, tuple[tuple[str, ...], ...]] | None = None,
) -> Iterator[None]:
    """``stage``'s TEMP view ``stage`` without the copy: a view of the file itself, valid
    inside the block only (``row_no`` NULL), read by the one statement that needs the rows
    (at 10M orders the copy took 13 of the read's 20 s, spilling to disk). That statement
    numbers the rows itself (``_parse``); the records the reader skipped go to
    ``unreadable`` when the block ends."""
    select, exprs = _stage_cells(mapping, fields, derived or {})
    with source.relation(con, _transcoding(progress)) as rows, _readable(source):
        con.execute(f"CREATE OR REPLACE TEMP VIEW stage_rows AS SELECT {select} FROM {rows}")
        _stage_view(con, "stage_rows", exprs, fields, row_no="CAST(NULL AS BIGINT)")
        yield
        con.execute("DROP VIEW stage")
        con.execute("DROP VIEW stage_rows")
    source.collect_unreadable(con)


def _stage_cells(mapping: dict[str, str], fields, derived) -> tuple[str, dict[str, str]]:
    """The staged cells: the SELECT list of each source column's cleaned cell (s0, s1, …)
    and each field's expression over them (its mapped column, else its derived sources)."""
    sources: dict[str, str] = {}  # source column -> its name among the staged cells

    def cell(column: str) -> str:
        return sources.setdefault(column, f"s{len(sources)}")

    exprs = {}
    for fld in fields:
        chain = ([(mapping[fld],)] if mapping.get(fld) else []) + list(derived.get(fld, ()))
        if len(chain) == 1 and len(chain[0]) == 1:
            exprs[fld] = cell(chain[0][0])
        elif chain:
            exprs[fld] = f"coalesce({', '.join(_source_sql(s, cell) for s in chain)})"
    select = ", ".join(
        [*(f"{cleaned_cell_sql(identifier(c))} AS {n}" for c, n in sources.items()), "0 AS _pad"]
    )
    return select, exprs


def _transcoding(progress):
    """The progress of converting the file to UTF-8: the first half of reading it."""
    return progress and (lambda f: progress(0.5 * f))


@contextmanager
def _readable(source: TableSource) -> Iterator[None]:
    """A read of ``source`` DuckDB fails on refuses the file (``unreadable_table``)."""
    try:
        yield
    except duckdb.Error as exc:
        raise ImportRefused(source.name, "unreadable_table", detail=str(exc)) from None


def _first_rowid(con, table: str) -> int:
    """The first row id of a TEMP table (inside a transaction they start at a large offset)."""
    return con.execute(f"SELECT min(rowid) FROM {table}").fetchall()[0][0] or 0


def _find_nul_values(con, stored: list[str]) -> None:
    """TEMP table ``nul_values`` (row_no, field, value): staged values holding a NUL byte
    (a file damaged in transfer, or a binary field); one row per row, its first such field."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE nul_values (row_no BIGINT, field VARCHAR, value VARCHAR)"
    )
    if not stored:
        return
    has_nul = " OR ".join(f"contains({f}, chr(0))" for f in stored)
    which = " ".join(f"WHEN contains({f}, chr(0)) THEN '{f}'" for f in stored)
    shown = " ".join(f"WHEN contains({f}, chr(0)) THEN replace({f}, chr(0), '\\0')" for f in stored)
    con.execute(
        f"INSERT INTO nul_values SELECT row_no, CASE {which} END, CASE {shown} END "
        f"FROM stage WHERE {has_nul}"
    )


def _stage_view(con, table: str, stored, fields, row_no: str = "row_no") -> None:
    """TEMP view ``stage`` over ``table``: row_no and every field, NULL where not ``stored``
    (``stored``: field names, or a dict field -> the expression computing it)."""
    exprs = stored if isinstance(stored, dict) else {f: f for f in stored}
    columns = ", ".join(
        f"{exprs[f]} AS {f}" if f in exprs else f"CAST(NULL AS VARCHAR) AS {f}" for f in fields
    )
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW stage AS SELECT {row_no} AS row_no, {columns} FROM {table}"
    )


# The kept problems with their file lines. A staged row's line is its row number plus the
# records before it that could not be read (table ``unreadable``): ``u.before`` is how many
# rows were read before each unreadable record.
_KEPT_PROBLEMS_SQL = """
WITH u AS (
    SELECT line - $first_line - row_number() OVER (ORDER BY line) + 1 AS before
    FROM unreadable
), staged AS (
    SELECT row_no, field, value, code FROM problems ORDER BY row_no, field LIMIT $limit
), shifted AS (
    SELECT row_no + $first_line + (SELECT count(*) FROM u WHERE u.before <= s.row_no) AS line,
        field, value, code, NULL AS detail
    FROM staged s
    UNION ALL
    (SELECT line, field, value, code, detail FROM unreadable ORDER BY line LIMIT $limit)
)
SELECT line, field, value, code, detail FROM shifted ORDER BY line, field LIMIT $limit
"""


def checked_problems(
    con,
    source: TableSource,
    mapping: dict[str, str],
    *,
    rows_read: int | None = None,
    bad_rows: int | None = None,
):
    """(rows read, problems, bad row count) from TEMP tables ``problems`` (bad values of
    staged rows) and ``unreadable`` (records that could not be read); refuses past
    MAX_BAD_SHARE. ``rows_read`` / ``bad_rows`` count staged rows and default to the rows of
    ``parsed`` and the distinct rows with a problem; unreadable records add to both."""
    if rows_read is None:
        rows_read = con.execute("SELECT count(*) FROM parsed").fetchall()[0][0]
    if bad_rows is None:
        bad_rows = con.execute("SELECT count(DISTINCT row_no) FROM problems").fetchall()[0][0]
    unreadable = con.execute("SELECT count(*) FROM unreadable").fetchall()[0][0]
    rows_read += unreadable
    bad_rows += unreadable
    if rows_read == 0:
        raise ImportRefused(source.name, "no_data")
    rows = con.execute(
        _KEPT_PROBLEMS_SQL, {"first_line": source.first_line, "limit": MAX_PROBLEMS_KEPT}
    ).fetchall()
    columns = {
        **mapping,
        EXTRA_FIELDS: f"(no header, after {source.header[-1]})",
        WHOLE_ROW: "(whole row)",
    }
    problems = [
        RowProblem(
            line, columns.get(fld, fld), value or "", code, _problem_params(code, detail, source)
        )
        for line, fld, value, code, detail in rows
    ]
    if bad_rows > MAX_BAD_SHARE * rows_read:
        first = "; ".join(str(p) for p in problems[:5])
        raise ImportRefused(
            source.name,
            "too_many_bad",
            problems=tuple(problems),
            bad=bad_rows,
            rows=rows_read,
            share=f"{bad_rows / rows_read:.0%}",
            allowed=f"{MAX_BAD_SHARE:.0%}",
            first=first,
        )
    return rows_read, problems, bad_rows


def latest_order_date() -> date:
    """The newest order date an import accepts: tomorrow (an export's clock may run ahead
    of this computer's by a time zone, not by more)."""
    return date.today() + timedelta(days=1)


def _range_params() -> dict:
    """The bounds ``_PROBLEMS_SQL`` checks values against."""
    return {
        "max_amount": MAX_AMOUNT,
        "earliest": datetime.combine(EARLIEST_ORDER_DATE, datetime.min.time()),
        "too_late": datetime.combine(latest_order_date() + timedelta(days=1), datetime.min.time()),
    }


def _problem_params(code: str, detail: str | None, source: TableSource) -> dict[str, str]:
    if code in ("too_few_columns", "extra_fields"):
        return {"found": detail or "?", "columns": str(len(source.header))}
    if code == "amount_too_large":
        return {"max": f"{MAX_AMOUNT - 0.01:,.2f}"}
    if code == "time_too_early":
        return {"earliest": EARLIEST_ORDER_DATE.isoformat()}
    if code == "time_too_late":
        return {"latest": latest_order_date().isoformat()}
    return {"detail": detail} if detail else {}


def _fold_sql(fmt: Format, fields) -> str:
    """SQL folding TEMP table ``lines`` into one row per order (TEMP ``stage_folded``)."""
    parts = []
    for f in fields:
        filled = f"nullif(trim(coalesce({f}, '')), '') IS NOT NULL"
        if f in fmt.sum_fields:
            bad = f"{filled} AND {_NUM.format(x=f)} IS NULL"
            parts.append(
                f"CASE WHEN count(*) FILTER ({bad}) > 0 THEN arg_min({f}, row_no) FILTER ({bad})"
                f" ELSE CAST(sum({_NUM.format(x=f)}) AS VARCHAR) END AS {f}"
            )
        else:
            parts.append(f"arg_min({f}, row_no) FILTER ({filled}) AS {f}")
    return (
        "CREATE OR REPLACE TEMP TABLE stage_folded AS SELECT order_row AS row_no, "
        + ", ".join(parts)
        + " FROM lines GROUP BY order_row"
    )


def _problem_columns(detection: Detection) -> dict[str, str]:
    """field -> the column name shown in a problem report."""
    columns = dict(detection.mapping)
    for fld, sources in detection.derived.items():
        shown = " / ".join("+".join(s) for s in sources)
        columns[fld] = f"{columns[fld]} / {shown}" if fld in columns else shown
    return columns


def _add_nul_problems(con, *, has_lines: bool) -> None:
    """Every staged value with a NUL byte is a problem of its row (and of its order, in a
    line export: ``lines`` maps a line to its order's first row)."""
    order_row = "coalesce(l.order_row, n.row_no)" if has_lines else "n.row_no"
    join = "LEFT JOIN lines l ON l.row_no = n.row_no" if has_lines else ""
    con.execute(
        f"INSERT INTO problems SELECT n.row_no, {order_row}, n.field, n.value, 'nul_byte' "
        f"FROM nul_values n {join}"
    )


def check_not_swapped(
    con, source: TableSource, detection: Detection, *, table: str = "stage"
) -> bool:
    """Refuse a file whose order-id column looks like its buyer column and vice versa.

    An order has one buyer: in an order export (one row per order) its id is on one row,
    in a line export (one row per order line) its id repeats on each line with the same
    buyer. So rows whose order id also appears with a *different* buyer say the columns
    are mixed up; past ``MAX_MIXED_BUYER_SHARE`` of the rows (a buyer column that is
    near-unique while the order ids repeat) the file is refused rather than folded into a
    few "orders". A legitimate line export, whose lines repeat id and buyer together, is
    never refused by this.

    Returns whether an order id may repeat (or is missing) among the file's rows; False
    means none does. ``table``: the staged rows (``"stage"``) or the parsed ones
    (``"parsed"``: the same order ids and buyers, for an export of one row per order).
    """
    with_rows = _ID_BUYER_ROWS[table]
    rows, orders = con.execute(_ID_COUNT_SQL.format(rows=with_rows)).fetchall()[0]
    # A row mixing buyers shares its id with another row: at most 2 per repeated row.
    if 2 * (rows - orders) <= MAX_MIXED_BUYER_SHARE * rows:
        return orders < rows
    rows, orders, buyers, mixed = con.execute(_ID_BUYER_SQL.format(rows=with_rows)).fetchall()[0]
    if rows and mixed > MAX_MIXED_BUYER_SHARE * rows:
        columns = _problem_columns(detection)
        raise ImportRefused(
            source.name,
            "columns_swapped",
            order_column=columns.get("order_id", "order_id"),
            buyer_column=columns.get("customer_id", "customer_id"),
            rows=rows,
            orders=orders,
            buyers=buyers,
            mixed=mixed,
        )
    return orders < rows


def check_formulas_calculated(source: TableSource, detection: Detection) -> None:
    """Refuse a workbook whose columns in use hold formulas nobody calculated (they would
    read as empty or 0.00): saving it in Excel or WPS stores their values."""
    if not source.uncached_formulas:
        return
    used = set(detection.mapping.values())
    used.update(c for sources in detection.derived.values() for s in sources for c in s)
    stale = {c: n for c, n in source.uncached_formulas.items() if c in used}
    if stale:
        raise ImportRefused(
            source.name,
            "formulas_not_calculated",
            columns=", ".join(f"{c} ({n})" for c, n in stale.items()),
        )


def _import(con, source, detection: Detection, import_id, shop, progress) -> ImportResult:
    fmt = detection.format
    fields = fmt.fields
    check_formulas_calculated(source, detection)
    has_items = any(f in detection.mapping for f in ITEM_FIELDS)
    # The bounds values are checked against (one "tomorrow" for the parse and the problem
    # report), and what an order is stored with.
    bounds = _range_params()
    stored = {
        "platform": fmt.platform,
        "shop_override": shop,
        "default_shop": DEFAULT_SHOP,
        "import_id": import_id,
        **bounds,
    }
    reads_once = fmt.kind == "orders" and fmt.grain == "order" and not has_items
    if reads_once and not source.may_hold_nul():
        # One order per row and nothing else read from the rows: the parse reads the file.
        parsing = progress and (lambda f: progress(0.5 + 0.5 * f))
        mapping, derived = detection.mapping, detection.derived
        with staged_file(con, source, mapping, fields, progress, derived=derived):
            _parse(con, fmt, parsing, stored, numbered=False)
        _find_nul_values(con, [])
        return _import_parsed(con, source, detection, import_id, bounds, copied=False)
    stage(con, source, detection.mapping, fields, progress, derived=detection.derived)
    if fmt.kind == "items":
        return _import_items(con, source, detection, import_id, shop)
    if fmt.kind == "buyers":
        from analytics.importers.buyermap import import_buyer_map

        checked, counts, not_found = import_buyer_map(
            con, source, detection, import_id, shop, _run_script
        )
        _drop_temps(con)
        return replace(
            _imported(import_id, source, detection, checked, counts, 0), not_found=not_found
        )
    if fmt.grain == "line":  # an order's lines, before they are folded into one row
        check_not_swapped(con, source, detection)
    order_fields = [f for f in fields if f not in ITEM_FIELDS]
    if fmt.grain == "line":
        con.execute(
            "CREATE OR REPLACE TEMP TABLE lines AS SELECT *, min(row_no) OVER (PARTITION BY "
            f"coalesce({_ID.format(x='order_id')}, '#' || row_no)) AS order_row "
            f"FROM stage WHERE {_HAS_DATA}"
        )
        con.execute(_fold_sql(fmt, order_fields))
        _stage_view(con, "stage_folded", order_fields, order_fields)
    elif has_items:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE lines AS SELECT *, row_no AS order_row FROM stage "
            f"WHERE {_HAS_DATA}"
        )
    _parse(con, fmt, progress and (lambda f: progress(0.75 + 0.25 * f)), stored)
    con.execute("DROP VIEW stage")
    con.execute("DROP TABLE IF EXISTS stage_raw")
    return _import_parsed(con, source, detection, import_id, bounds, copied=True)


def _parse(con, fmt: Format, progress, stored: dict, *, numbered: bool = True) -> None:
    """TEMP table ``parsed_rows`` from view ``stage`` (``_PARSE_SQL``); ``stored``: the
    platform, shop and import an order is stored with, and the bounds of its values.
    ``numbered``: the staged rows are numbered (``row_no`` is kept), else the parse reads
    the file itself (``_PARSE_FILE_SQL``)."""
    maps = {  # the format's value maps: the parse's MAP parameters (keys, values)
        ("status_raws", "statuses"): fmt.status_map,
        ("after_sale_raws", "after_sale_outcomes"): fmt.after_sale_map,
        ("province_raws", "province_values"): fmt.value_maps.get("province"),
        ("city_raws", "city_values"): fmt.value_maps.get("city"),
    }
    lookups = {}
    for (keys, values), mapped in maps.items():
        lookups[keys], lookups[values] = list(mapped or {}), list((mapped or {}).values())
    run_with_progress(
        con,
        _PARSE_SQL if numbered else _PARSE_FILE_SQL,
        progress,
        {
            "time_formats": TIME_FORMATS,
            "default_status": fmt.default_status,
            "strict_status": fmt.strict_status,
            **_PROVINCE_PARAMS,
            **lookups,
            **stored,
        },
    )


def _import_parsed(
    con, source, detection: Detection, import_id, bounds: dict, *, copied: bool
) -> ImportResult:
    """``_import`` from the parsed rows (TEMP table ``parsed_rows``) on: check (against
    ``bounds``, ``_range_params``), store, summarize. View ``parsed`` holds its rows with
    data, numbered like the staged rows (``copied``) or, when the parse read the file
    itself, by row id (the parse keeps the reader's order), taken after the commit that
    frees the staged rows: inside a transaction, row ids start at an offset that the commit
    takes away. The good orders stay in the table, which becomes TEMP table ``incoming``."""
    _free_dropped_tables(con)
    row_no = "row_no" if copied else f"rowid - {_first_rowid(con, 'parsed_rows')}"
    hidden = "row_no, has_data" if copied else "has_data"
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW parsed AS SELECT {row_no} AS row_no, "
        f"* EXCLUDE ({hidden}) FROM parsed_rows WHERE has_data"
    )
    fmt = detection.format
    has_items = any(f in detection.mapping for f in ITEM_FIELDS)
    repeats = fmt.grain == "order" and check_not_swapped(con, source, detection, table="parsed")
    con.execute(_PROBLEMS_SQL, bounds)
    _add_nul_problems(con, has_lines=fmt.grain == "line" or has_items)
    if has_items:
        con.execute(_ITEM_LINES_SQL)
        con.execute(_ITEM_PROBLEMS_SQL, {"max_amount": MAX_AMOUNT})
    counts = {}
    if fmt.grain == "line":
        counts["rows_read"] = con.execute("SELECT count(*) FROM lines").fetchall()[0][0]
        counts["bad_rows"] = con.execute(
            "SELECT count(*) FROM lines SEMI JOIN problems q ON q.order_row = lines.order_row"
        ).fetchall()[0][0]
    checked = checked_problems(con, source, _problem_columns(detection), **counts)
    con.execute("DROP VIEW parsed")
    con.execute(_GOOD_ORDERS_SQL.format(row_no=row_no))
    con.execute("DROP TABLE IF EXISTS incoming")  # a failed import's, on this connection
    con.execute("ALTER TABLE parsed_rows RENAME TO incoming")
    for column in _PROBLEM_COLUMNS:  # their memory goes at the next commit (no copy)
        con.execute(f"ALTER TABLE incoming DROP COLUMN {column}")
    # No order id repeats in the file (most exports): no repeats to merge, no need to look.
    merged = 0
    if repeats:
        merged = con.execute(_DROP_REPEATS_SQL).fetchall()[0][0]
    judged = identity.assess(con, name_only_possible="customer_id" in detection.derived)
    _free_dropped_tables(con)
    first_orders = not con.execute(
        "SELECT count(*) FROM (SELECT 1 FROM orders LIMIT 1)"
    ).fetchall()[0][0]
    if not first_orders:
        con.execute(_DIFF_SQL)
        inserted, updated, unchanged = con.execute(
            "SELECT count(*) FILTER (is_new), count(*) FILTER (is_changed), "
            "count(*) FILTER (NOT is_new AND NOT is_changed) FROM diff"
        ).fetchall()[0]
    else:  # an empty store (a first import): every order is new, nothing to compare
        inserted, updated, unchanged = con.execute(
            "SELECT count(*), 0, 0 FROM incoming"
        ).fetchall()[0]
        # Its summary is its own rows': read before they are stored, its aggregation gets
        # the memory the stored rows will hold until the commit.
        customers.refresh(con, rows="incoming")
    if updated:
        con.execute(_KEEP_REPLACED_SQL, {"import_id": import_id})
        con.execute(_UPDATE_SQL)
    if inserted and not (updated or unchanged):
        con.execute(_INSERT_ALL_SQL)
    elif inserted:
        con.execute(_INSERT_SQL)
    replay.record_orders(con, import_id)
    lines_written = 0
    if has_items:
        con.execute(_ORDER_ITEMS_SQL)
        lines_written, _, _, _ = _write_items(con, import_id)
    has_platform_items = con.execute(
        "SELECT count(*) FROM (SELECT 1 FROM order_items WHERE platform = ? LIMIT 1)",
        [fmt.platform],
    ).fetchall()[0][0]
    if has_platform_items:
        _run_script(con, _ADOPT_SQL, {"import_id": import_id, "platform": fmt.platform})
    if not first_orders:  # a first import's summary is built above, from its own rows
        if con.execute("SELECT count(*) FROM customers").fetchall()[0][0]:
            con.execute(_TOUCHED_SQL)
            customers.refresh(con, touched="touched")
        else:
            customers.refresh(con)
    _drop_temps(con)
    result = _imported(
        import_id,
        source,
        detection,
        checked,
        (inserted, updated, unchanged),
        lines_written,
        merged=merged,
    )
    return replace(result, identity=judged)


def _import_items(con, source, detection: Detection, import_id, shop) -> ImportResult:
    """An item report: lines to ``order_items`` by order id; no order rows change."""
    fmt = detection.format
    con.execute(
        "CREATE OR REPLACE TEMP TABLE lines AS SELECT *, row_no AS order_row FROM stage "
        "WHERE coalesce(order_id, '') || coalesce(title, '') || coalesce(product_id, '') "
        "|| coalesce(sku, '') <> ''"
    )
    con.execute(_ITEM_LINES_SQL)
    con.execute("DROP VIEW stage")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE problems (row_no BIGINT, order_row BIGINT, "
        "field VARCHAR, value VARCHAR, code VARCHAR)"
    )
    con.execute(_ITEMS_ONLY_PROBLEMS_SQL)
    con.execute(_ITEM_PROBLEMS_SQL, {"max_amount": MAX_AMOUNT})
    rows_read = con.execute("SELECT count(*) FROM lines").fetchall()[0][0]
    checked = checked_problems(con, source, _problem_columns(detection), rows_read=rows_read)
    con.execute(
        _REPORT_ITEMS_SQL,
        {
            "platform": fmt.platform,
            "shop_override": shop,
            "default_shop": DEFAULT_SHOP,
            "import_id": import_id,
        },
    )
    given = "true" if shop else replay.REPORT_SHOP_GIVEN
    lines_written, inserted, updated, unchanged = _write_items(con, import_id, shop_given=given)
    _drop_temps(con)
    return _imported(
        import_id, source, detection, checked, (inserted, updated, unchanged), lines_written
    )


def _imported(
    import_id: int,
    source,
    detection: Detection,
    checked,
    counts,
    lines_written: int,
    *,
    merged: int = 0,
) -> ImportResult:
    """The result of an import that went through: ``checked`` is what ``checked_problems``
    returned, ``counts`` the orders (inserted, updated, unchanged)."""
    rows_read, problems, bad_rows = checked
    inserted, updated, unchanged = counts
    return ImportResult(
        import_id,
        source.name,
        "imported",
        platform=detection.platform,
        reason=detection.reason,
        rows_read=rows_read,
        inserted=inserted,
        updated=updated,
        unchanged=unchanged,
        rejected=bad_rows,
        problems=tuple(problems),
        lines_written=lines_written,
        merged=merged,
    )


def _write_items(con, import_id: int, *, shop_given: str = "true") -> tuple[int, int, int, int]:
    """Replace the stored lines of every order in ``incoming_items`` whose lines changed,
    and record which line sets the import holds (``replay.record_lines``).

    Returns (lines written, orders with new lines, orders with changed lines, unchanged).
    """
    replay.record_lines(con, import_id, shop_given=shop_given)
    _run_script(con, _ITEM_DIFF_SQL)
    fresh, changed, same = con.execute(
        "SELECT count(*) FILTER (is_new), count(*) FILTER (is_changed AND NOT is_new), "
        "count(*) FILTER (NOT is_changed) FROM item_diff"
    ).fetchall()[0]
    written = con.execute(
        "SELECT count(*) FROM incoming_items n SEMI JOIN item_diff d ON d.platform = n.platform "
        "AND d.shop = n.shop AND d.order_id = n.order_id AND d.is_changed"
    ).fetchall()[0][0]
    if written or changed:
        _run_script(con, _ITEM_WRITE_SQL, {"import_id": import_id})
    return written, fresh, changed, same


def _free_dropped_tables(con) -> None:
    """Commit the import's transaction so far and begin it again, when it has written only
    TEMP tables: a table dropped in a transaction keeps its memory until the commit (a
    rollback would bring it back), and the staged copies of the file's rows (a gigabyte at
    1M orders) made the customer summary spill to disk. Nothing stored has changed yet, so
    a failure after this still leaves the store as it was."""
    con.execute("COMMIT")
    con.execute("BEGIN TRANSACTION")


def _run_script(con, script: str, params: dict | None = None) -> None:
    for statement in script.split(";\n"):
        if statement.strip():
            used = {k: v for k, v in (params or {}).items() if f"${k}" in statement}
            con.execute(statement, used or None)


def _drop_temps(con) -> None:
    for view in ("stage", "stage_rows", "parsed"):
        con.execute(f"DROP VIEW IF EXISTS {view}")
    for temp in _TEMP_TABLES:
        con.execute(f"DROP TABLE IF EXISTS {temp}")


def _history_message(result: ImportResult) -> str:
    """What the import history says of an import (English, like every logged message)."""
    message = result.message or result.reason
    if result.merged:
        message = f"{t('importers.merged', 'en', n=result.merged)}; {message}"
    return message


def record(con, base: dict, sha: str, result: ImportResult, platform) -> None:
    con.execute(
        _RECORD_SQL,
        {
            **base,
            "sha256": sha or None,
            "finished_at": datetime.now(),  # the caller's commit follows
            "platform": platform,
            "rows_read": result.rows_read,
            "inserted": result.inserted,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "rejected": result.rejected,
            "outcome": result.outcome,
            "message": _history_message(result),
            "problems": json.dumps(
                [{**asdict(p), "reason": p.reason} for p in result.problems], ensure_ascii=False
            ),
        },
    )
