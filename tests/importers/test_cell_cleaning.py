"""The as-exported cell cleaning (``orders.cleaned_cell_sql``) and order-id unwrapping
(``orders._ID``) give what the regular expressions they replaced gave, on hand-picked cells
and on random ones."""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.importers.orders import _ID, cleaned_cell_sql

#: The order id unwrapping as it was written before (a regular expression on every value).
_REGEX_ID = "nullif(regexp_replace(coalesce({x}, ''), '^[\\s=''\"]+|[\\s\"]+$', '', 'g'), '')"
#: The cleaning as it was written before (a regular expression with lazy groups): the
#: reference the faster expression must agree with.
_REGEX_CELL = (
    "CASE WHEN NOT (left({x}, 1) IN (' ', '\t', '=', '-', '\u3000', '\r', '\n') "
    "OR right({x}, 1) IN (' ', '\t', '\"', '\u3000', '\r', '\n')) THEN nullif({x}, '') "
    "ELSE nullif(nullif(nullif(regexp_replace({x}, "
    "'(?s)^[\\s\u3000]*(?:=\"[\\s\u3000]*(.*?)[\\s\u3000]*\"|(.*?))[\\s\u3000]*$', "
    "'\\1\\2'), '-'), '--'), '') END"
)


@pytest.fixture(scope="module")
def db():
    connection = duckdb.connect()
    yield connection
    connection.close()


def _both(db, value: str | None) -> tuple[str | None, str | None]:
    """(cleaned by ``cleaned_cell_sql``, cleaned by the old regular expression)."""
    db.execute(
        "CREATE OR REPLACE TEMP TABLE cells AS SELECT CAST($v AS VARCHAR) AS v", {"v": value}
    )
    sql = f"SELECT {cleaned_cell_sql('v')}, {_REGEX_CELL.format(x='v')} FROM cells"
    return db.execute(sql).fetchone()


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('="1600004486590360744"', "1600004486590360744"),
        ('\t="  42 "\u3000', "42"),
        ("\t6917000001", "6917000001"),
        ("-", None),
        (" -- ", None),
        ('=""', None),
        ('="', '="'),
        ('= "1"', '= "1"'),
        ('="a" "', 'a"'),
        ("\u3000张三\u3000", "张三"),
        ("plain", "plain"),
        # the fast cases (wrapper, one tab) hand a form feed at either end to the general one
        ('="\fa"', "a"),
        ('="1"\f', "1"),
        ("\t\f1", "1"),
        ("\t-", None),
        ('\t="7"', "7"),
        ('="-"', None),
        ("", None),
        (None, None),
    ],
)
def test_cell_cleaned_as_exported(db, cell, expected):
    ours, reference = _both(db, cell)
    assert ours == expected
    assert reference == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=[" ", "\t", "\n", "\r", "\f", "\u3000", "=", '"', "-", "a", "号"]))
def test_cell_cleaning_agrees_with_the_regular_expression(db, cell):
    ours, reference = _both(db, cell)
    assert ours == reference


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.none(), st.text(alphabet=[" ", "\t", "\n", "\f", "=", "'", '"', "1", "号"])))
def test_order_id_unwrapping_agrees_with_the_regular_expression(db, value):
    sql = f"SELECT {_ID.format(x='$v')}, {_REGEX_ID.format(x='$v')}"
    ours, reference = db.execute(sql, {"v": value}).fetchone()
    assert ours == reference


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("\u00a012.50\u00a0", "12.50"),
        ("\u2003-", None),
        ('\u00a0="1600004486590360744"\u2009', "1600004486590360744"),
        ("交易\u00a0成功", "交易\u00a0成功"),
    ],
)
def test_no_break_and_typographic_spaces_are_padding_too(db, cell, expected):
    ours, _ = _both(db, cell)
    assert ours == expected
