"""Work done once within a block of related calls (the stored-views rebuild).

:func:`analytics.views.rebuild` computes a dozen views from the same intermediate
results: the 30-day agenda's plan serves both languages, and one set of repurchase
purchase rows serves the cycles, the reminders, the churn warning and the cycle tables.
Inside ``with once.block(con):``

- a function decorated with :func:`shared` is computed on its first call and returns that
  same result for every later call with the same keyword arguments (callers must not
  change what it returns);
- :func:`temp_table` materializes a query once as a TEMP table and names it (dropped
  when the block ends);
- :func:`frame` runs a query once and returns a copy of its rows on every call.

Outside a block (and for another connection) both do the work on every call, so nothing
is ever served from an earlier data version.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

import duckdb
import pandas as pd


@dataclass
class _Block:
    con: object
    values: dict = field(default_factory=dict)
    tables: dict = field(default_factory=dict)
    frames: dict = field(default_factory=dict)


_current: ContextVar[_Block | None] = ContextVar("laoke_once_block", default=None)


@contextmanager
def block(con) -> Iterator[None]:
    """Share results between the calls made on ``con`` inside the ``with`` block."""
    current = _Block(con)
    token = _current.set(current)
    try:
        yield
    finally:
        _current.reset(token)
        for name in current.tables.values():
            try:
                con.execute(f"DROP TABLE IF EXISTS temp.{name}")
            except duckdb.Error:  # an aborted transaction drops its TEMP tables itself
                break


def _open(con) -> _Block | None:
    current = _current.get()
    return current if current is not None and current.con is con else None


def _key(kwargs: dict) -> str:
    return repr(sorted(kwargs.items()))


def shared(fn: Callable) -> Callable:
    """``fn(con, **kwargs)`` computed once per block for the same arguments."""

    @functools.wraps(fn)
    def wrapper(con, **kwargs):
        current = _open(con)
        if current is None:
            return fn(con, **kwargs)
        key = (fn.__module__, fn.__qualname__, _key(kwargs))
        if key not in current.values:
            current.values[key] = fn(con, **kwargs)
        return current.values[key]

    return wrapper


def bind(sql: str, params: dict) -> dict:
    """The parameters ``sql`` uses (DuckDB refuses a named parameter a query lacks)."""
    used = set(re.findall(r"\$(\w+)", sql))
    return {name: value for name, value in params.items() if name in used}


def temp_table(con, sql: str, params: dict) -> str | None:
    """The name of a TEMP table holding ``sql``'s rows, created on the first call in the
    block; None outside a block (the caller runs the query itself)."""
    current = _open(con)
    if current is None:
        return None
    params = bind(sql, params)
    key = (sql, _key(params))
    if key not in current.tables:
        name = f"laoke_once_{id(current):x}_{len(current.tables) + 1}"
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}", params)
        current.tables[key] = name
    return current.tables[key]


def frame(con, sql: str, params: dict) -> pd.DataFrame:
    """``con.execute(sql, params).df()``, run once per block for the same query and
    parameters (each call gets its own copy)."""
    params = bind(sql, params)
    current = _open(con)
    if current is None:
        return con.execute(sql, params).df()
    key = (sql, _key(params))
    if key not in current.frames:
        current.frames[key] = con.execute(sql, params).df()
    return current.frames[key].copy()
