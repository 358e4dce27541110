"""Target-list downloads: CSV (UTF-8 with BOM, opens in Excel) and XLSX, phones masked.

The export holds one row per customer to contact, with the columns customer id, name,
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

_NON_DIGITS = re.compile(r"\D")
_UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\s]+')


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


def neutralize(value) -> str:
    """A cell as text that no spreadsheet evaluates: ``'`` before a formula prefix."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


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
    return frame.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_xlsx_bytes(df: pd.DataFrame, *, full_phone: bool = False, lang: str = "zh") -> bytes:
    """The list as an Excel workbook (one sheet, every cell a string, header row frozen)."""
    frame = export_frame(df, full_phone=full_phone, lang=lang)
    buffer = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    sheet = t("campaigns.sheet", lang=lang)
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": options}) as xl:
        frame.to_excel(xl, sheet_name=sheet, index=False)
        worksheet = xl.sheets[sheet]
        worksheet.freeze_panes(1, 0)
        for i, column in enumerate(frame.columns):
            longest = max([len(str(column)), *frame[column].map(len).tolist()], default=8)
            worksheet.set_column(i, i, min(60, max(10, longest * 1.6)))
    return buffer.getvalue()


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
