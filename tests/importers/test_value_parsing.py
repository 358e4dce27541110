"""The import's fast paths for times, amounts, provinces and spaces in addresses
(``orders._TIME``, ``_NUM``, ``_PROVINCE_SQL``, ``_ADDRESS_SPACES``) give what the
regular-expression forms they replaced gave, on hand-picked values and on random ones."""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.importers.orders import (
    _ADDRESS_SPACES,
    _LOCAL,
    _NUM,
    _PROVINCE_PARAMS,
    _PROVINCE_SQL,
    _TIME,
    PROVINCE_PATTERN,
    PROVINCES,
    TIME_FORMATS,
)

#: The forms used before (a regular expression on every value): the references.
_REGEX_TIME = f"try_strptime({_LOCAL}, $time_formats)"
_REGEX_NUM = "TRY_CAST(regexp_replace({x}, '[,¥￥\\s元]', '', 'g') AS DECIMAL(18, 2))"
_REGEX_PROVINCE = "nullif(regexp_extract({x}, $province_pattern, 1), '')"
_REGEX_ADDRESS_SPACES = "regexp_matches(address, '\\s\\s|[\\t\\r\\n\u3000]')"


@pytest.fixture(scope="module")
def db():
    connection = duckdb.connect()
    yield connection
    connection.close()


def _time(db, value):
    sql = f"SELECT {_TIME.format(x='$v')}, {_REGEX_TIME.format(x='$v')}"
    return db.execute(sql, {"v": value, "time_formats": TIME_FORMATS}).fetchone()


def _num(db, value):
    sql = f"SELECT {_NUM.format(x='$v')}, {_REGEX_NUM.format(x='$v')}"
    return db.execute(sql, {"v": value}).fetchone()


def _province(db, value):
    sql = f"SELECT {_PROVINCE_SQL.format(x='$v')}, {_REGEX_PROVINCE.format(x='$v')}"
    params = {"v": value, "province_pattern": PROVINCE_PATTERN, **_PROVINCE_PARAMS}
    return db.execute(sql, params).fetchone()


@pytest.mark.parametrize(
    "value",
    [
        "2026-12-01 23:00:41",
        "2026-12-01 23:00:41+08:00",
        "2026-12-01 23:00:41 UTC",
        "2026-12-01T23:00:41Z",
        "2026-12-1 3:0:4",
        "2026/12/01 23:00",
        "2026-02-30 10:00:00",
        "2026年12月01日",
        "20261201",
        "not a time",
        None,
    ],
)
def test_time_parsed_as_before(db, value):
    ours, reference = _time(db, value)
    assert ours == reference


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(alphabet="0123456789-:/ +TZ.", max_size=26),
        st.datetimes().map(lambda d: d.strftime("%Y-%m-%d %H:%M:%S")),
    )
)
def test_time_agrees_with_the_regular_expression(db, value):
    ours, reference = _time(db, value)
    assert ours == reference


@pytest.mark.parametrize(
    ("value", "expected"),
    [("49.90", "49.90"), (" 12.5", "12.50"), ("1,234.5", "1234.50"), ("¥12元", "12.00")],
)
def test_amount_parsed_as_before(db, value, expected):
    ours, reference = _num(db, value)
    assert str(ours) == expected
    assert ours == reference


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789.,-+e ¥元\t_", max_size=12))
def test_amount_agrees_with_the_regular_expression(db, value):
    ours, reference = _num(db, value)
    assert ours == reference


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(st.none(), st.sampled_from(PROVINCES), st.text(alphabet="北京内蒙古黑龙江省市 x")),
    st.text(alphabet="省市区 路号x", max_size=6),
)
def test_province_agrees_with_the_regular_expression(db, start, rest):
    value = None if start is None else start + rest
    ours, reference = _province(db, value)
    assert ours == reference


@pytest.mark.parametrize(
    "address",
    [None, "", "浙江省 杭州市", "浙江省  杭州市", "a\tb", "a\nb", "a\rb", "a\u3000b", "a\fb",
     "a \fb", "a\f b", "a\f\fb", "a\u00a0\u00a0b", " a", "a "],
)  # fmt: skip
def test_address_spaces_found_as_before(db, address):
    sql = f"SELECT {_ADDRESS_SPACES}, {_REGEX_ADDRESS_SPACES} FROM (SELECT $v AS address)"
    ours, reference = db.execute(sql, {"v": address}).fetchone()
    assert ours == reference


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \t\n\r\f\u3000\u00a0\u2003a省", max_size=8))
def test_address_spaces_agree_with_the_regular_expression(db, address):
    sql = f"SELECT {_ADDRESS_SPACES}, {_REGEX_ADDRESS_SPACES} FROM (SELECT $v AS address)"
    ours, reference = db.execute(sql, {"v": address}).fetchone()
    assert ours == reference
