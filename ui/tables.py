"""Tables as the reader reads them: ``show(df, kinds, labels)`` lays out a DataFrame with
thousands separators, ¥ amounts, one-decimal percents, dates without a time of day,
platform and province names in the page's language and "—" for a missing value, under
column labels in the reader's words. Numbers stay numbers, so a click on a header still
sorts them; downloads should use the raw frame.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from analytics.i18n import language
from ui import format

#: Number formats (sprintf-js, as Streamlit's NumberColumn takes them) per column kind.
NUMBER_FORMATS = {
    "count": "%,d",
    "number": "%,.1f",
    "money": "¥%,.0f",
    "money_fen": "¥%,.2f",
    "percent": "%.1f%%",
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
            out[column] = [format.MISSING if format.is_missing(v) else v for v in out[column]]
    return out


def config(kinds: Mapping[str, str], labels: Mapping[str, str]) -> dict:
    """``column_config`` for ``st.dataframe``: each column labelled, numbers formatted."""
    out: dict = {}
    for column in {**dict.fromkeys(labels), **dict.fromkeys(kinds)}:
        label = labels.get(column, column)
        kind = kinds.get(column)
        if kind in NUMBER_FORMATS:
            out[column] = st.column_config.NumberColumn(label, format=NUMBER_FORMATS[kind])
        elif kind == "day":
            out[column] = st.column_config.DateColumn(label, format="YYYY-MM-DD")
        else:
            out[column] = st.column_config.TextColumn(label)
    return out


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
    st.dataframe(prepare(shown, kinds), column_config=config(kinds, labels), **kwargs)
