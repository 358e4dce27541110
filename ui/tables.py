"""Tables as the reader reads them: ``show(df, kinds, labels)`` lays out a DataFrame with
thousands separators, ¥ amounts, one-decimal percents, dates without a time of day,
platform and province names in the page's language and "—" for a missing value, under
column labels in the reader's words. Numbers stay numbers, so a click on a header still
sorts them (a missing one reads "—" through the table's placeholder); downloads should use
the raw frame. ``dataframe(df, ...)`` is ``st.dataframe`` with that placeholder.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from analytics.i18n import language
from ui import format
from ui.memo import Memo, fingerprint

#: Number formats (sprintf-js, as Streamlit's NumberColumn takes them) per column kind.
NUMBER_FORMATS = {
    "count": "%,d",
    "number": "%,.1f",
    "money": "¥%,.0f",
    "money_fen": "¥%,.2f",
    "percent": "%.1f%%",
    "multiplier": "%.2f×",
    "days": "%,d",
}
#: Kinds whose values are replaced by display text (platform ids, province names, …).
TEXT_KINDS = ("platform", "shop", "province", "text", "timestamp", "month")


def prepare(df: pd.DataFrame, kinds: Mapping[str, str], lang: str | None = None) -> pd.DataFrame:
    """The frame to hand to ``st.dataframe``: text kinds formatted, percents × 100, dates
    as dates, and "—" for missing text (numbers keep their type)."""
    lang = lang or language()
    out = df.copy()
    for column, kind in kinds.items():
        if column not in out.columns:
            continue
        if kind in ("platform", "province", "month", "shop"):
            fn = getattr(format, kind)
            out[column] = [fn(v, lang) for v in out[column]]
        elif kind in ("text", "timestamp"):
            out[column] = [format.KINDS[kind](v) for v in out[column]]
        elif kind == "percent":
            out[column] = pd.to_numeric(out[column], errors="coerce") * 100
        elif kind == "day":
            out[column] = pd.to_datetime(out[column], errors="coerce").dt.date
    for column in out.columns:
        if column not in kinds and format.is_text(out[column]):
            missing = out[column].isna()  # None, NaN, NaT, NA (a list cell is not missing)
            if missing.any():
                out[column] = out[column].astype(object).where(~missing, format.MISSING)
    return out


#: Widest a column is made to fit its header or its text, in pixels.
MAX_WIDTH = 360


def text_width(text: str) -> int:
    """Rough pixels of ``text`` in the table font: CJK full width, others ~half."""
    return sum(14 if ch >= "\u2e80" else 8 for ch in str(text))


def column_width(label: str, values=()) -> int:
    """Pixels that show the whole header and the longest of ``values`` (up to MAX_WIDTH)."""
    longest = max((text_width(v) for v in values), default=0)
    return min(max(text_width(label), longest) + 28, MAX_WIDTH)


def config(
    kinds: Mapping[str, str], labels: Mapping[str, str], df: pd.DataFrame | None = None
) -> dict:
    """``column_config`` for ``st.dataframe``: each column labelled, numbers formatted, and
    (given the frame shown) wide enough that no header is cut off."""
    out: dict = {}
    for column in {**dict.fromkeys(labels), **dict.fromkeys(kinds)}:
        label = labels.get(column, column)
        kind = kinds.get(column)
        width = None
        if df is not None and column in df.columns:
            sample = df[column].head(100)
            if kind in NUMBER_FORMATS or kind == "day":
                sample = [format.number(v) if kind != "day" else "2026-01-01" for v in sample]
            width = column_width(label, [str(v) for v in sample])
        if kind in NUMBER_FORMATS:
            out[column] = st.column_config.NumberColumn(
                label, format=NUMBER_FORMATS[kind], width=width
            )
        elif kind == "day":
            out[column] = st.column_config.DateColumn(label, format="YYYY-MM-DD", width=width)
        else:
            out[column] = st.column_config.TextColumn(label, width=width)
    return out


def dataframe(df: pd.DataFrame, **kwargs) -> None:
    """``st.dataframe`` writing a missing value as "—" (the grid writes ``None`` for a NaN
    number otherwise); every table a page shows goes through here or :func:`show`."""
    kwargs.setdefault("placeholder", format.MISSING)
    st.dataframe(df, **kwargs)


def show(
    df: pd.DataFrame,
    kinds: Mapping[str, str],
    labels: Mapping[str, str],
    *,
    columns: list[str] | None = None,
    **kwargs,
) -> None:
    """``st.dataframe`` of ``df`` (only ``columns`` when given) in the reader's format."""
    shown = df if columns is None else df[columns]
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("width", "stretch")
    lang = language()
    prepared, column_config = _PREPARED.get(
        fingerprint(shown, dict(kinds), dict(labels), lang),
        lambda: _prepared(shown, kinds, labels, lang),
    )
    dataframe(prepared, column_config=column_config, **kwargs)


def _prepared(df: pd.DataFrame, kinds: Mapping[str, str], labels: Mapping[str, str], lang: str):
    prepared = prepare(df, kinds, lang)
    return prepared, config(kinds, labels, prepared)


#: Tables made ready to show (``prepare`` and ``config``), by a digest of the frame, its
#: kinds, labels and language, shared by every session: a list of a thousand customers
#: takes tens of milliseconds to format on every view otherwise. ``st.dataframe`` only
#: reads them.
_PREPARED = Memo(limit=256)
