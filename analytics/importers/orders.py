"""Importing one order export: read, check, normalize, upsert, refresh customers, record.

The whole file is one transaction. Rows stream from the file into a staging table, are
cleaned in SQL (ids unwrapped, dates and amounts parsed, statuses mapped, provinces
read off the address), and rows with a bad value are set aside as ``RowProblem``s. If more
than ``MAX_BAD_SHARE`` of the rows are bad the file is refused and nothing changes;
otherwise the good rows are upserted by (platform, shop, order_id): new orders inserted,
changed ones updated (their previous version kept for undo), identical ones untouched.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pyarrow as pa

from analytics import customers
from analytics.errors import ImportRefused, RowProblem
from analytics.importers.detect import Detection, detect
from analytics.importers.formats import FIELDS, REQUIRED_FIELDS
from analytics.importers.reader import TableSource, open_table
from analytics.store import ORDER_COLUMNS, bump_data_version, transaction

MAX_BAD_SHARE = 0.05
MAX_PROBLEMS_KEPT = 200
DEFAULT_SHOP = "默认店铺"

TIME_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S %z",
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%d %H:%M:%S.%f",
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

# Parse every staged value; *_raw keeps the text for problem reports.
_PARSE_SQL = """
CREATE OR REPLACE TEMP TABLE parsed AS
WITH s AS (
    SELECT row_no,
        nullif(regexp_replace(coalesce(order_id, ''), '^[\\s=''"]+|[\\s"]+$', '', 'g'), '')
            AS order_id,
        nullif(trim(coalesce(customer_id, '')), '') AS customer_id,
        nullif(trim(coalesce(customer_name, '')), '') AS customer_name,
        nullif(regexp_replace(coalesce(phone, ''), '^[\\s=''"]+|[\\s"]+$', '', 'g'), '')
            AS phone,
        nullif(trim(coalesce(order_time, '')), '') AS order_time_raw,
        nullif(trim(coalesce(paid_time, '')), '') AS paid_time_raw,
        nullif(trim(coalesce(status, '')), '') AS status_raw,
        nullif(trim(coalesce(amount, '')), '') AS amount_raw,
        nullif(trim(coalesce(refund_amount, '')), '') AS refund_raw,
        regexp_replace(trim(coalesce(address, '')), '\\s+', ' ', 'g') AS address,
        nullif(trim(coalesce(province, '')), '') AS province_raw,
        nullif(trim(coalesce(city, '')), '') AS city_raw,
        nullif(trim(coalesce(item_count, '')), '') AS item_count_raw,
        nullif(trim(coalesce(product, '')), '') AS product,
        nullif(trim(coalesce(shop, '')), '') AS shop
    FROM stage
    WHERE coalesce(order_id, '') || coalesce(customer_id, '') || coalesce(order_time, '')
        || coalesce(amount, '') <> ''
)
SELECT s.*,
    try_strptime(order_time_raw, $time_formats)::TIMESTAMP AS order_time,
    try_strptime(paid_time_raw, $time_formats)::TIMESTAMP AS paid_time,
    TRY_CAST(regexp_replace(amount_raw, '[,¥￥\\s元]', '', 'g') AS DECIMAL(18, 2)) AS amount,
    coalesce(
        TRY_CAST(regexp_replace(refund_raw, '[,¥￥\\s元]', '', 'g') AS DECIMAL(18, 2)),
        CASE WHEN refund_raw IS NULL THEN 0 END
    ) AS refund_amount,
    CASE WHEN status_raw IS NULL THEN $default_status
         ELSE coalesce(m.status, CASE WHEN NOT $strict_status THEN $default_status END)
    END AS mapped_status,
    TRY_CAST(TRY_CAST(item_count_raw AS DOUBLE) AS INTEGER) AS item_count,
    list_filter($provinces, lambda p: starts_with(coalesce(province_raw, address), p))[1]
        AS province
FROM s LEFT JOIN status_map m ON m.raw = s.status_raw
"""

# One row per bad value: (row_no, field, value, reason).
_PROBLEMS_SQL = """
CREATE OR REPLACE TEMP TABLE problems AS
SELECT * FROM (
    SELECT row_no, 'order_id' AS field, '' AS value, 'missing order id' AS reason
        FROM parsed WHERE order_id IS NULL
    UNION ALL SELECT row_no, 'customer_id', '', 'missing buyer id'
        FROM parsed WHERE customer_id IS NULL
    UNION ALL SELECT row_no, 'order_time', coalesce(order_time_raw, ''),
            CASE WHEN order_time_raw IS NULL THEN 'missing order time'
                 ELSE 'not a date/time (expected e.g. 2024-03-05 14:22:10)' END
        FROM parsed WHERE order_time IS NULL
    UNION ALL SELECT row_no, 'paid_time', paid_time_raw,
            'not a date/time (expected e.g. 2024-03-05 14:22:10)'
        FROM parsed WHERE paid_time_raw IS NOT NULL AND paid_time IS NULL
    UNION ALL SELECT row_no, 'amount', coalesce(amount_raw, ''),
            CASE WHEN amount_raw IS NULL THEN 'missing amount'
                 WHEN amount IS NULL THEN 'not an amount (expected e.g. 128.50)'
                 ELSE 'negative amount' END
        FROM parsed WHERE amount IS NULL OR amount < 0
    UNION ALL SELECT row_no, 'refund_amount', refund_raw,
            CASE WHEN refund_amount IS NULL THEN 'not an amount (expected e.g. 128.50)'
                 ELSE 'negative refund' END
        FROM parsed WHERE refund_amount IS NULL OR refund_amount < 0
    UNION ALL SELECT row_no, 'status', status_raw, 'unknown order status'
        FROM parsed WHERE mapped_status IS NULL
)
"""

# Good rows, one per order (the last one in the file wins), in canonical form.
_CLEAN_SQL = """
CREATE OR REPLACE TEMP TABLE incoming AS
SELECT * FROM (
SELECT
    row_no,
    $platform AS platform,
    coalesce($shop_override, p.shop, $default_shop) AS shop,
    order_id, customer_id, customer_name, phone, order_time, paid_time,
    CASE WHEN refund_amount > 0 AND refund_amount >= amount THEN 'refunded'
         ELSE mapped_status END AS status,
    amount,
    least(refund_amount, amount) AS refund_amount,
    province,
    coalesce(
        city_raw,
        CASE WHEN province IN ('北京', '天津', '上海', '重庆') THEN province || '市' END,
        nullif(CASE WHEN address LIKE province || '% %'
                    THEN string_split(address, ' ')[2] END, ''),
        nullif(regexp_extract(
            address[length(province) + 1:],
            '^(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)?\\s*([^\\s]+?(?:市|自治州|地区|盟))',
            1), '')
    ) AS city,
    item_count, product,
    $import_id AS import_id
FROM parsed p ANTI JOIN problems USING (row_no)
)
QUALIFY row_number() OVER (PARTITION BY shop, order_id ORDER BY row_no DESC) = 1
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

_TOUCHED_SQL = """
CREATE OR REPLACE TEMP TABLE touched AS
SELECT DISTINCT n.platform, n.shop, n.customer_id
FROM incoming n JOIN diff d USING (platform, shop, order_id)
WHERE d.is_new OR d.is_changed
UNION
SELECT platform, shop, old_customer_id FROM diff WHERE is_changed
"""

_RECORD_SQL = """
INSERT INTO imports (import_id, kind, file_name, sha256, platform, shop, rows_read,
    rows_inserted, rows_updated, rows_unchanged, rows_rejected, started_at, finished_at,
    outcome, message, problems)
VALUES ($import_id, 'orders', $file_name, $sha256, $platform, $shop, $rows_read, $inserted,
    $updated, $unchanged, $rejected, $started_at, now()::TIMESTAMP, $outcome, $message,
    $problems)
"""


@dataclass(frozen=True)
class ImportResult:
    """What one file's import did (``outcome``: imported | refused)."""

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
    """
    path = Path(path)
    name = name or path.name
    started = datetime.now()
    import_id = con.execute("SELECT nextval('import_ids')").fetchone()[0]
    base = {"import_id": import_id, "file_name": name, "started_at": started, "shop": shop}
    sha = ""
    try:
        sha = file_sha256(path)
        source, detection = preview(path, name=name, platform=platform)
        detection = _with_mapping(detection, mapping, source, name)
        with transaction(con):
            result = _import(con, source, detection, import_id, shop, progress)
            record(con, base, sha, result, detection.platform)
            if result.inserted or result.updated:
                bump_data_version(con)
        return result
    except ImportRefused as refused:
        result = ImportResult(import_id, name, "refused", message=refused.reason)
        with transaction(con):
            record(con, base, sha, result, platform if platform != "auto" else None)
        raise


def _with_mapping(detection: Detection, mapping, source: TableSource, name: str) -> Detection:
    merged = dict(detection.mapping)
    for fld, column in (mapping or {}).items():
        if fld not in FIELDS:
            raise ImportRefused(name, f"unknown field {fld!r} in the mapping")
        if column not in source.header:
            raise ImportRefused(name, f"mapping {fld}={column!r}: the file has no such column")
        merged[fld] = column
    missing = tuple(f for f in REQUIRED_FIELDS if f not in merged)
    if missing:
        raise ImportRefused(
            name,
            f"required column missing for {', '.join(missing)}; the file's columns are: "
            f"{', '.join(source.header)} (choose them in the mapping, or --map FIELD=COLUMN)",
        )
    return Detection(detection.format, detection.reason, merged, ())


def stage(con, source: TableSource, mapping: dict[str, str], fields, progress=None) -> int:
    """Stream the file's rows into TEMP table ``stage`` (row_no + one VARCHAR per field)."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE stage (row_no BIGINT, "
        + ", ".join(f"{f} VARCHAR" for f in fields)
        + ")"
    )
    offset = 0
    for table in source.batches(progress):
        n = table.num_rows
        columns = {"row_no": pa.array(range(offset, offset + n), type=pa.int64())}
        for fld in fields:
            column = mapping.get(fld)
            columns[fld] = table.column(column) if column else pa.nulls(n, type=pa.string())
        con.register("stage_batch", pa.table(columns))
        con.execute("INSERT INTO stage SELECT * FROM stage_batch")
        con.unregister("stage_batch")
        offset += n
    return offset


def checked_problems(con, source: TableSource, mapping: dict[str, str]):
    """(problems, bad row count) from TEMP table ``problems``; refuses past MAX_BAD_SHARE."""
    rows_read = con.execute("SELECT count(*) FROM parsed").fetchone()[0]
    if rows_read == 0:
        raise ImportRefused(source.name, "none of the file's rows holds any data")
    rows = con.execute(
        "SELECT row_no, field, value, reason FROM problems ORDER BY row_no, field LIMIT ?",
        [MAX_PROBLEMS_KEPT],
    ).fetchall()
    problems = [
        RowProblem(row_no + source.first_line, mapping.get(fld, fld), value or "", reason)
        for row_no, fld, value, reason in rows
    ]
    bad_rows = con.execute("SELECT count(DISTINCT row_no) FROM problems").fetchone()[0]
    if bad_rows > MAX_BAD_SHARE * rows_read:
        first = "; ".join(str(p) for p in problems[:5])
        raise ImportRefused(
            source.name,
            f"{bad_rows} of {rows_read} rows ({bad_rows / rows_read:.0%}) have bad values, more "
            f"than the {MAX_BAD_SHARE:.0%} allowed; nothing was imported. First: {first}",
        )
    return rows_read, problems, bad_rows


def _import(con, source, detection: Detection, import_id, shop, progress) -> ImportResult:
    fmt = detection.format
    stage(con, source, detection.mapping, FIELDS, progress)
    con.execute("CREATE OR REPLACE TEMP TABLE status_map (raw VARCHAR, status VARCHAR)")
    if fmt.status_map:
        con.executemany("INSERT INTO status_map VALUES (?, ?)", list(fmt.status_map.items()))
    con.execute(
        _PARSE_SQL,
        {
            "time_formats": TIME_FORMATS,
            "default_status": fmt.default_status,
            "strict_status": fmt.strict_status,
            "provinces": PROVINCES,
        },
    )
    con.execute(_PROBLEMS_SQL)
    rows_read, problems, bad_rows = checked_problems(con, source, detection.mapping)
    con.execute(
        _CLEAN_SQL,
        {
            "platform": fmt.platform,
            "shop_override": shop,
            "default_shop": DEFAULT_SHOP,
            "import_id": import_id,
        },
    )
    con.execute(_DIFF_SQL)
    inserted, updated, unchanged = con.execute(
        "SELECT count(*) FILTER (is_new), count(*) FILTER (is_changed), "
        "count(*) FILTER (NOT is_new AND NOT is_changed) FROM diff"
    ).fetchone()
    if updated:
        con.execute(_KEEP_REPLACED_SQL, {"import_id": import_id})
        con.execute(_UPDATE_SQL)
    if inserted:
        con.execute(_INSERT_SQL)
    con.execute(_TOUCHED_SQL)
    customers.refresh(con, touched="touched")
    for temp in ("stage", "parsed", "problems", "incoming", "diff", "touched", "status_map"):
        con.execute(f"DROP TABLE IF EXISTS {temp}")
    return ImportResult(
        import_id,
        source.name,
        "imported",
        platform=fmt.platform,
        reason=detection.reason,
        rows_read=rows_read,
        inserted=inserted,
        updated=updated,
        unchanged=unchanged,
        rejected=bad_rows,
        problems=tuple(problems),
    )


def record(con, base: dict, sha: str, result: ImportResult, platform) -> None:
    con.execute(
        _RECORD_SQL,
        {
            **base,
            "sha256": sha or None,
            "platform": platform,
            "rows_read": result.rows_read,
            "inserted": result.inserted,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "rejected": result.rejected,
            "outcome": result.outcome,
            "message": result.message or result.reason,
            "problems": json.dumps([p.__dict__ for p in result.problems], ensure_ascii=False),
        },
    )
