"""Query results as pandas DataFrames, the fast way, shared by the report modules.

DuckDB's ``.df()`` is slow on large results with text columns; going through Arrow is
several times faster. Integer columns holding NULLs become pandas' nullable integers
instead of floats. Reports that can read either the customer summary or raw orders ask
``summary_is_current`` which one fits an as-of date.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pyarrow as pa

#: Nullable pandas dtypes for integer columns that hold nulls.
_NULLABLE = {
    pa.int8(): pd.Int8Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
}

_SUMMARY_IS_CURRENT_SQL = """
SELECT $as_of IS NULL
    OR coalesce(max(order_time) < CAST($as_of AS DATE) + INTERVAL 1 DAY, true)
FROM orders
"""


def to_pandas(table: pa.Table) -> pd.DataFrame:
    """Arrow to pandas; an integer column with nulls becomes nullable integers, not floats."""
    df = table.to_pandas()
    for name, column in zip(table.column_names, table.columns, strict=True):
        if pa.types.is_integer(column.type) and column.null_count:
            df[name] = column.to_pandas(types_mapper=_NULLABLE.get)
    return df


def query_df(con, sql: str, params: dict) -> pd.DataFrame:
    """``sql`` with those of ``params`` it names (``$name``), as a DataFrame via Arrow."""
    used = {k: v for k, v in params.items() if f"${k}" in sql}
    return to_pandas(con.sql(sql, params=used).to_arrow_table())


def summary_is_current(con, as_of: date | None) -> bool:
    """True when no order is later than as_of (or as_of is None): the customer summary then
    holds every number a report needs as of that date."""
    return bool(con.execute(_SUMMARY_IS_CURRENT_SQL, {"as_of": as_of}).fetchall()[0][0])
