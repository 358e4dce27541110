"""The one safe writer of every file a user downloads, and the target-list export.

``write_table(df, "csv" | "xlsx")`` (and ``write_sheets`` for a workbook of several sheets)
is the only way the dashboard and the CLI turn a table into a file: CSV as UTF-8 with BOM
(Excel opens Chinese text intact), XLSX through xlsxwriter with formulas, URLs and numbers
never inferred from text; every text cell and header made inert (below) and every phone
column (``phone``, ``手机``, ``电话``, ``mobile``…; see ``is_phone_column``) masked unless
``full_phone=True`` (an owner asked for full numbers).

The target-list export holds one row per customer to contact, with the columns customer id, name,
phone, segment, reason and suggested offer, headed in Chinese (``lang="zh"``, default)
or English (``lang="en"``). Given a list's ``members`` (``analytics.campaigns``), only
the treatment group is exported: the control group must not be contacted.

Phones are masked as ``138****5678`` unless ``full_phone=True``; a phone that is already
masked (the platforms' exports often are) is kept as it is.

CSV/formula injection (OWASP): a spreadsheet runs a cell starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return as a formula, so a buyer nicknamed
``=HYPERLINK("http://x","y")`` would become a live link. Every such cell is made inert
with a leading single quote ``'`` in both formats; the XLSX writer also stores every
value as a plain string (no formulas, URLs or numbers inferred from text).
"""

from __future__ import annotations

import io
import json
import re

import pandas as pd

from analytics.i18n import t
from analytics.store import identifier

#: Exported fields, in order (headers: ``campaigns.col.<field>``).
EXPORT_FIELDS = ("customer_id", "customer_name", "phone", "segment", "reason", "suggested_offer")
#: What the message needs, exported after those when the list has them (issue 15).
FIGURE_FIELDS = (
    "orders",
    "spend",
    "last_purchase",
    "aov",
    "tier",
    "stage",
    "expected_next",
    "send_date",
)
#: First characters that make a spreadsheet evaluate a cell (OWASP CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: A column whose name (lower-cased) contains one of these holds phone numbers.
PHONE_WORDS = ("phone", "mobile", "手机", "电话")

_NON_DIGITS = re.compile(r"\D")
_UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\s]+')
_UNSAFE_IN_SHEETS = re.compile(r"[\\/:*?\[\]]")


def mask_phone(value) -> str:
    """``13812345678`` -> ``138****5678``: the first three and last four digits kept.

    Empty or missing -> ``""``; a value already containing ``*`` is returned unchanged;
    a +86 / 0086 country code is dropped first; fewer than 7 digits -> ``****``.
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    text = str(value).strip()
    if not text or "*" in text:
        return text
    digits = _NON_DIGITS.sub("", text)
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
    if len(digits) < 7:
        return "****"
    return f"{digits[:3]}****{digits[-4:]}"


def mask_phones(column: pd.Series) -> pd.Series:
    """``mask_phone`` of every cell of ``column`` (vectorized; missing cells stay missing)."""
    text = column.astype("string").str.strip()
    digits = text.str.replace(r"\D", "", regex=True)
    for prefix in ("0086", "86"):
        country = digits.str.startswith(prefix) & (digits.str.len() == len(prefix) + 11)
        digits = digits.where(~country.fillna(False), digits.str[len(prefix) :])
    masked = (digits.str[:3] + "****" + digits.str[-4:]).where(digits.str.len() >= 7, "****")
    keep = (text == "") | text.str.contains("*", regex=False)
    out = text.where(keep.fillna(True), masked).astype(object)
    return out.where(column.notna(), None)


def neutralize(value) -> str:
    """A cell as text that no spreadsheet evaluates: ``'`` before a formula prefix."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def is_phone_column(name) -> bool:
    """Whether a column (by its name or localized header) holds phone numbers."""
    text = str(name).lower()
    return any(word in text for word in PHONE_WORDS)


def _inert(value):
    """A text cell made inert; numbers, dates and missing values are kept as they are."""
    return neutralize(value) if isinstance(value, str) else value


def _inert_column(column: pd.Series) -> pd.Series:
    """Every text cell of ``column`` inert (vectorized when the column holds only text)."""
    kind = pd.api.types.infer_dtype(column, skipna=True)
    if kind == "empty":
        return column
    if kind != "string":
        return column.astype(object).map(_inert, na_action="ignore")
    text = column.astype("string")
    formula = text.str.startswith(FORMULA_PREFIXES).fillna(False).astype(bool)
    return column.astype(object).where(~formula, "'" + text.astype(object))


def safe_frame(df: pd.DataFrame, *, full_phone: bool = False) -> pd.DataFrame:
    """A copy of ``df`` as it may be written to a file: phone columns masked (unless
    ``full_phone``), every text cell and header inert, the index dropped."""
    out = df.reset_index(drop=True).copy()
    out.columns = [_inert(str(c)) for c in out.columns]
    for i, name in enumerate(df.columns):
        column = out.iloc[:, i]
        if is_phone_column(name) and not full_phone:
            out.isetitem(i, mask_phones(column))
        elif not (
            pd.api.types.is_numeric_dtype(column.dtype)
            or pd.api.types.is_datetime64_any_dtype(column.dtype)
            or pd.api.types.is_bool_dtype(column.dtype)
        ):
            out.isetitem(i, _inert_column(column))
    return out


def write_table(
    df: pd.DataFrame, fmt: str = "csv", *, full_phone: bool = False, sheet: str = "data"
) -> bytes:
    """``df`` as a safe file: ``fmt`` ``"csv"`` (UTF-8 with BOM, CRLF) or ``"xlsx"``."""
    if fmt == "xlsx":
        return write_sheets({sheet: df}, full_phone=full_phone)
    if fmt != "csv":
        raise ValueError(f"unknown file format {fmt!r}; expected csv or xlsx")
    frame = safe_frame(df, full_phone=full_phone)
    return frame.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def write_sheets(sheets: dict[str, pd.DataFrame], *, full_phone: bool = False) -> bytes:
    """A workbook with one sheet per ``sheets`` item (every text cell a plain string,
    header row frozen, columns sized to their text)."""
    buffer = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": options}) as xl:
        for name, df in sheets.items():
            frame = safe_frame(df, full_phone=full_phone)
            title = _UNSAFE_IN_SHEETS.sub("_", str(name))[:31] or "data"
            frame.to_excel(xl, sheet_name=title, index=False)
            worksheet = xl.sheets[title]
            worksheet.freeze_panes(1, 0)
            for i, column in enumerate(frame.columns):
                cells = frame.iloc[:, i].head(1000).map(lambda v: len(str(v))).tolist()
                longest = max([len(str(column)), *cells], default=8)
                worksheet.set_column(i, i, min(60, max(10, longest * 1.6)))
    return buffer.getvalue()


def export_frame(
    members: pd.DataFrame, *, full_phone: bool = False, lang: str = "zh"
) -> pd.DataFrame:
    """The table written to the files: treatment members only (when ``grp`` is present),
    the ``EXPORT_FIELDS`` (then the ``FIGURE_FIELDS`` the list has) under headers in
    ``lang``, phones masked, every cell inert text. Missing EXPORT_FIELDS are exported empty."""
    df = members
    if "grp" in df.columns:
        df = df[df["grp"] == "treatment"]
    out = pd.DataFrame(index=df.index)
    fields = EXPORT_FIELDS + tuple(f for f in FIGURE_FIELDS if f in df.columns)
    for field in fields:
        column = df[field] if field in df.columns else pd.Series("", index=df.index)
        if field == "phone" and not full_phone:
            column = column.map(mask_phone)
        out[t(f"campaigns.col.{field}", lang=lang)] = column.map(neutralize).astype(object)
    return out.reset_index(drop=True)


def to_csv_bytes(df: pd.DataFrame, *, full_phone: bool = False, lang: str = "zh") -> bytes:
    """The list as CSV, UTF-8 with BOM (Excel opens Chinese text intact)."""
    frame = export_frame(df, full_phone=full_phone, lang=lang)
    return write_table(frame, "csv", full_phone=full_phone)


def to_xlsx_bytes(df: pd.DataFrame, *, full_phone: bool = False, lang: str = "zh") -> bytes:
    """The list as an Excel workbook (one sheet, every cell a string, header row frozen)."""
    frame = export_frame(df, full_phone=full_phone, lang=lang)
    sheet = t("campaigns.sheet", lang=lang)
    return write_table(frame, "xlsx", full_phone=full_phone, sheet=sheet)


def to_json_bytes(tables: dict[str, pd.DataFrame]) -> bytes:
    """``tables`` as one JSON object (UTF-8): ``{name: [record, …]}``, dates in ISO form.
    For machines, not spreadsheets: values are written as stored (no masking)."""
    payload = {
        name: json.loads(df.to_json(orient="records", date_format="iso", force_ascii=False))
        for name, df in tables.items()
    }
    return json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")


def with_masked_phones(members: pd.DataFrame, *, full_phone: bool = False) -> pd.DataFrame:
    """A copy of ``members`` with ``phone`` masked (unless ``full_phone``), for previews."""
    df = members.copy()
    if not full_phone and "phone" in df.columns:
        df["phone"] = df["phone"].map(mask_phone)
    return df


def file_stem(*parts) -> str:
    """A download file name stem from ``parts`` (``laoke``, ``age_band:<18``, a date…)
    joined by ``_``, without characters Windows or macOS refuse in file names."""
    text = "_".join(str(p) for p in parts if p is not None and str(p) != "")
    return _UNSAFE_IN_NAMES.sub("_", text).strip("._") or "list"


# --------------------------------------------------------------------------- report streams

#: Columns whose text is a phone number, masked in report streams (unless full_phone).
PHONE_COLUMNS = ("phone",)

# mask_phone in SQL, over the text ``{c}`` (NULL stays NULL).
_MASK_PHONE_SQL = """
CASE
    WHEN {c} IS NULL OR trim({c}) = '' OR contains({c}, '*') THEN trim({c})
    ELSE (
        WITH d AS (SELECT regexp_replace({c}, '\\D', '', 'g') AS digits),
        n AS (
            SELECT CASE
                WHEN starts_with(digits, '0086') AND length(digits) = 15 THEN digits[5:]
                WHEN starts_with(digits, '86') AND length(digits) = 13 THEN digits[3:]
                ELSE digits END AS digits
            FROM d
        )
        SELECT CASE WHEN length(digits) < 7 THEN '****'
                    ELSE digits[1:3] || '****' || digits[-4:] END
        FROM n
    )
END"""
# neutralize in SQL: a leading ' before a formula prefix (NULL stays NULL).
_NEUTRALIZE_SQL = (
    "CASE WHEN left({c}, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN '''' || {c} ELSE {c} END"
)


def _safe_columns(table, *, full_phone: bool, iso_timestamps: bool) -> list[tuple[str, str]]:
    """(quoted name, SQL expression) per column of ``records``: text neutralized, phones
    masked, NaN as NULL and (for JSON) timestamps as ISO text."""
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = []
    for field in table.schema:
        c = identifier(field.name)
        if pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
            expr = c
            if field.name in PHONE_COLUMNS and not full_phone:
                expr = _MASK_PHONE_SQL.format(c=expr)
            expr = _NEUTRALIZE_SQL.format(c=f"({expr})")
        elif pa.types.is_timestamp(field.type) and not iso_timestamps:
            # As pandas writes CSV: a column of midnights as dates.
            column = table.column(field.name)
            midnight = pc.all(pc.equal(pc.floor_temporal(column, unit="day"), column)).as_py()
            expr = f"CAST({c} AS DATE)" if midnight in (True, None) else c
        elif pa.types.is_timestamp(field.type):
            expr = (
                f"CASE WHEN microsecond({c}) % 1000000 = 0 "
                f"THEN strftime({c}, '%Y-%m-%dT%H:%M:%S') "
                f"ELSE strftime({c}, '%Y-%m-%dT%H:%M:%S.%f') END"
            )
        elif pa.types.is_floating(field.type):
            expr = f"CASE WHEN isnan({c}) THEN NULL ELSE {c} END"
        else:
            expr = c
        columns.append((c, expr))
    return columns


def write_records(frame: pd.DataFrame, out, *, fmt: str, full_phone: bool = False) -> int:
    """Write a report's rows to the text stream ``out`` as CSV or JSON; the row count.

    The rows go through Arrow and DuckDB, not Python loops (250k records in well under a
    second). ``fmt="json"``: a JSON array of one object per row (dates and timestamps as
    ISO text, NaN as null). ``fmt="csv"``: a header row, then one line per row. In both,
    text cells that a spreadsheet would run as a formula get a leading ``'`` (see
    :func:`neutralize`) and ``phone`` columns are masked as :func:`mask_phone` does unless
    ``full_phone``.
    """
    import shutil
    import tempfile

    import duckdb
    import pyarrow as pa

    if fmt not in ("csv", "json"):
        raise ValueError(f"fmt must be csv or json; got {fmt!r}")
    try:
        table = pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        # A column mixing types (a funnel's steps 1, 2, 3, "4+"): small by nature.
        return _write_mixed(frame, out, fmt=fmt, full_phone=full_phone)
    columns = _safe_columns(table, full_phone=full_phone, iso_timestamps=fmt == "json")
    select = ", ".join(f"{expr} AS {c}" for c, expr in columns) or "*"
    options = "FORMAT json, ARRAY true" if fmt == "json" else "FORMAT csv, HEADER true"
    con = duckdb.connect()
    try:
        # One thread: the copy is a single pass, and extra threads only wait on a busy machine.
        con.execute("SET threads = 1")
        con.execute("SET preserve_insertion_order = true")
        con.register("records", table)
        with tempfile.TemporaryDirectory(prefix="laoke-report-") as folder:
            path = f"{folder}/records.{fmt}"
            con.execute(f"COPY (SELECT {select} FROM records) TO '{path}' ({options})")
            with open(path, "rb") as written:
                binary = getattr(out, "buffer", None)
                if binary is not None:
                    out.flush()
                    shutil.copyfileobj(written, binary, 1 << 20)
                    binary.flush()
                else:
                    out.write(written.read().decode("utf-8"))
    finally:
        con.close()
    return table.num_rows


def _write_mixed(frame: pd.DataFrame, out, *, fmt: str, full_phone: bool) -> int:
    """:func:`write_records` in Python, for frames Arrow cannot type (mixed columns)."""
    import json
    import math

    def cell(column, value):
        if value is None or value is pd.NaT:
            return None
        if isinstance(value, float) and math.isnan(value):
            return None
        if isinstance(value, str):
            if column in PHONE_COLUMNS and not full_phone:
                value = mask_phone(value)
            return neutralize(value)
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return value.item() if hasattr(value, "item") else value

    records = [{k: cell(k, v) for k, v in row.items()} for row in frame.to_dict(orient="records")]
    if fmt == "json":
        out.write(json.dumps(records, ensure_ascii=False, indent=1) + "\n")
    else:
        pd.DataFrame(records, columns=frame.columns).to_csv(out, index=False)
    return len(records)
