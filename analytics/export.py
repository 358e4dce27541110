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
