"""Every table a page shows writes a missing number as "—": Streamlit's grid shows
``None`` for a NaN number unless the table's placeholder says otherwise (ui/tables.py
sets it). Every page of the demo shop, in both languages, with its default controls."""

from __future__ import annotations

import json
import numbers

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.apptest import dashboard
from tests.pages.test_pages import PAGES
from ui import format


def _shown_columns(table) -> list[str]:
    """The columns of ``table`` the grid shows (not hidden by its column config)."""
    frame = table.value
    config = json.loads(table.proto.columns or "{}")
    hidden = {name for name, column in config.items() if (column or {}).get("hidden")}
    order = list(table.proto.column_order) or list(frame.columns)
    return [c for c in order if c in frame.columns and c not in hidden]


def _is_number_column(values: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(values):
        return False
    if pd.api.types.is_numeric_dtype(values):
        return True
    present = values.dropna()
    return len(present) > 0 and all(
        isinstance(v, numbers.Number) and not isinstance(v, bool) for v in present
    )


def missing_numbers(at) -> list[str]:
    """ "table N, column C: K missing" for each shown number column with a missing cell in
    a table that does not write a missing value as "—"."""
    found = []
    for n, table in enumerate(at.dataframe):
        if table.proto.placeholder == format.MISSING:
            continue
        frame = table.value
        for column in _shown_columns(table):
            values = frame[column]
            if _is_number_column(values) and values.isna().any():
                found.append(f"table {n}, column {column}: {int(values.isna().sum())} missing")
    return found


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_no_shown_table_writes_a_missing_number_as_none(page, lang, demo_copy, monkeypatch):
    at = dashboard(demo_copy, monkeypatch, lang=lang).run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    assert missing_numbers(at) == [], page


def _table_app():
    import pandas as pd
    import streamlit as st

    from ui import tables

    df = pd.DataFrame({"item": ["a", "b"], "amount": [12.5, float("nan")]})
    tables.show(df, {"amount": "money"}, {"item": "Item", "amount": "Amount"})
    tables.dataframe(df)
    st.dataframe(df)  # what a page must not do: the sweep catches it


def test_tables_write_a_missing_number_as_a_dash_and_keep_it_a_number():
    at = AppTest.from_function(_table_app).run()
    assert not at.exception, at.exception
    shown, plain, raw = at.dataframe
    assert [t.proto.placeholder for t in (shown, plain)] == [format.MISSING] * 2
    assert shown.value["amount"].dtype == "float64"  # still sorts as a number
    assert missing_numbers(at) == ["table 2, column amount: 1 missing"]
