"""Page views computed once per data version, stored beside the per-customer scores.

The first view of a page after an import should read rows, not run its heaviest queries:
the monthly sales with their calendar marks, the weekly monitor, the 30-day agenda, the
cohort table, the repurchase cycles (and the table beside the manual cycles), reminders,
churn warning, products bought together, the model's holdout check and the Campaigns
page's list of every buyer each scan every order (or fit a model): seconds at a million
orders. :func:`rebuild` runs right after :func:`analytics.scores.rebuild` (so after every
import, undo and settings save) and stores what each of those functions returns for the
view a page opens on (``report cohorts`` prints the cohort table's): the newest order's
day, all shops, the stored settings and the page's default controls (``VIEWS`` below).
Pages (``ui.state.cached``) and reports go through :func:`call`, which computes only what
is not stored: another date, one shop, a changed control.

The views are computed inside one :func:`analytics.once.block`: what several of them need
is computed once (the agenda's plan for both languages, the repurchase purchase rows
behind the cycles, reminders, churn warning and cycle tables, the repurchase settings).

Results are stored as Arrow IPC bytes (a DataFrame, or a dataclass of ``analytics``
holding frames — the Campaigns page's untouched target list, in the default language — as
a JSON description plus one stream per frame; nothing is unpickled from the file), each
with the data version it was computed for, and served only while that version is current.
An error a function raises for the default view (too few customers to fit a model, say)
is stored as its message and raised again as :class:`InputError`.

Public functions:
    rebuild   compute and store every default view (``progress`` per view)
    lookup    the stored result of ``fn(con, **kwargs)``, or ``MISSING``
    call      the stored result when there is one, else ``fn(con, **kwargs)``
    clear     forget every stored view
    key       the canonical text of one call (what is stored under)
"""

from __future__ import annotations

import dataclasses
import importlib
import json
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from analytics import once, store
from analytics.errors import InputError

#: Returned by :func:`lookup` when nothing is stored for a call.
MISSING = object()
#: Days the agenda looks ahead, weeks the weekly monitor shows, and days of reminders:
#: the controls' defaults on the Overview and Repurchase pages.
AGENDA_DAYS = 30
MONITOR_WEEKS = 26
REMINDER_DAYS = 7
#: The holdout check's default calibration end, this many days before the as-of date.
HOLDOUT_DAYS = 180
#: Bought together in at least this many baskets: the product pairs shown by default.
PAIR_MIN_COUNT = 3
LANGUAGES = ("zh", "en")
#: The Campaigns page's untouched list is stored in the default language only: a list of
#: every buyer takes seconds to build at a million orders, once per language.
CAMPAIGN_LANGUAGE = "zh"


def _one(**kwargs) -> Callable[[object, date], Iterator[dict]]:
    return lambda con, as_of: iter(
        [{k: v(con, as_of) if callable(v) else v for k, v in kwargs.items()}]
    )


def _as_of(con, as_of: date) -> date:
    return as_of


def _repurchase_settings(con, as_of: date):
    from analytics import repurchase

    return repurchase.load_settings(con)


def _agenda(con, as_of: date) -> Iterator[dict]:
    for lang in LANGUAGES:
        yield {"as_of": as_of, "days": AGENDA_DAYS, "shop": None, "lang": lang}


def _cycles(con, as_of: date) -> Iterator[dict]:
    cfg = _repurchase_settings(con, as_of)
    yield {
        "as_of": as_of,
        "level": "product",
        "min_customers": int(cfg.min_customers),
        "settings": cfg,
        "shop": None,
    }


def _cycle_tables(con, as_of: date) -> Iterator[dict]:
    from analytics import manual_cycles

    for level in manual_cycles.LEVELS:
        yield {"as_of": as_of, "level": level, "shop": None}


def _churn(con, as_of: date) -> Iterator[dict]:
    cfg = _repurchase_settings(con, as_of)
    yield {"as_of": as_of, "factor": float(cfg.overdue_factor), "settings": cfg, "shop": None}


def _holdout(con, as_of: date) -> Iterator[dict]:
    yield {
        "calibration_end": as_of - timedelta(days=HOLDOUT_DAYS),
        "holdout_end": as_of,
        "shop": None,
    }


def _campaign_list(con, as_of: date) -> Iterator[dict]:
    from analytics import campaigns

    spec = campaigns.default_spec(con)
    yield {"spec": spec, "as_of": as_of, "shop": None, "lang": CAMPAIGN_LANGUAGE}


#: The stored functions (qualified names) and, per store and as-of date, the keyword
#: arguments of each default view: the Overview's, then the Repurchase page's.
VIEWS: dict[str, Callable[[object, date], Iterator[dict]]] = {
    "analytics.seasonality.sales_with_marks": _one(period="month", shop=None),
    "analytics.monitoring.weekly_monitor": _one(as_of=_as_of, weeks=MONITOR_WEEKS, shop=None),
    "analytics.actions.agenda": _agenda,
    "analytics.repurchase.product_cycles": _cycles,
    "analytics.repurchase.reminders": _one(
        as_of=_as_of, within_days=REMINDER_DAYS, settings=_repurchase_settings, shop=None
    ),
    "analytics.repurchase.churn_risk": _churn,
    "analytics.manual_cycles.cycle_table": _cycle_tables,
    "analytics.clv.holdout_check": _holdout,
    "analytics.cohorts.cohort_table": _one(period="month", as_of=_as_of, shop=None),
    "analytics.crosssell.product_pairs": _one(as_of=_as_of, min_count=PAIR_MIN_COUNT, shop=None),
    "analytics.campaigns.build_list": _campaign_list,
}


def _calls(con, as_of: date) -> Iterator[tuple[str, dict]]:
    for qualname, calls in VIEWS.items():
        for kwargs in calls(con, as_of):
            yield qualname, kwargs


def key(qualname: str, kwargs: dict) -> str:
    """``module.function(name=value, ...)`` with the arguments sorted by name and each
    value written canonically (dates as ISO text, settings as their dataclass repr)."""
    args = ", ".join(f"{name}={_canonical(kwargs[name])}" for name in sorted(kwargs))
    return f"{qualname}({args})"


def _canonical(value) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return repr(int(value))  # a slider's 2.0 and a setting's 2 are one view
    if dataclasses.is_dataclass(value):
        return repr(value)
    return repr(value)


def _resolve(qualname: str):
    module, _, name = qualname.rpartition(".")
    return getattr(importlib.import_module(module), name)


def rebuild(con, *, as_of: date, progress: Callable[[float], None] | None = None) -> int:
    """Compute every default view for ``as_of`` and store it (replacing what was stored);
    the number stored. Runs in the caller's transaction (or its own)."""
    version = store.data_version(con)
    rows = []
    with once.block(con):  # the views share their intermediate results (analytics.once)
        calls = list(_calls(con, as_of))
        for i, (qualname, kwargs) in enumerate(calls):
            if progress:
                progress(i / len(calls))
            try:
                payload = _encode_buffer(_resolve(qualname)(con, **kwargs))
            except InputError as exc:
                payload = _encode_buffer(_error_frame(str(exc)))
            rows.append((key(qualname, kwargs), payload))
    try:
        _store(con, rows, version)
    except duckdb.OutOfMemoryException:
        # DuckDB holds each payload in one block of its size, which a memory cap (the
        # rebuild's) may not allow for: the list of every buyer is 256 MB at 3M orders.
        with store.uncapped(con):
            _store(con, rows, version)
    return len(rows)


def _store(con, rows: list[tuple[str, pa.Buffer]], version: int) -> None:
    """Replace the stored views with ``rows`` (key, payload), in one transaction."""
    with store.transaction(con):
        con.execute("DELETE FROM stored_views")
        for name, payload in rows:  # handed to DuckDB as Arrow: no copy of the payload
            con.from_arrow(_row_table(name, version, payload)).insert_into("stored_views")


def _row_table(name: str, version: int, payload: pa.Buffer) -> pa.Table:
    """One ``stored_views`` row as an Arrow table whose payload column is ``payload``
    itself (DuckDB copies a Python bytes parameter more than once: 150 MB at 1M orders)."""
    offsets = pa.py_buffer(np.array([0, payload.size], dtype=np.int64).tobytes())
    blob = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, payload])
    return pa.table(
        {
            "key": pa.array([name], pa.string()),
            "data_version": pa.array([version], pa.int64()),
            "payload": blob,
        }
    )


def lookup(con, qualname: str, kwargs: dict):
    """What ``fn(con, **kwargs)`` returned when the views were stored, if they were
    stored for the current data version and this exact call; else ``MISSING``. Raises
    the stored InputError when the call raised one."""
    if qualname not in VIEWS:
        return MISSING
    rows = con.execute(
        "SELECT payload FROM stored_views WHERE key = ? AND data_version = ?",
        [key(qualname, kwargs), store.data_version(con)],
    ).fetchall()
    if not rows:
        return MISSING
    return _decode(rows[0][0])


def call(con, fn, **kwargs):
    """``fn(con, **kwargs)``: the stored view when there is one for this call, else
    computed (pages through ``ui.state.cached``, and the CLI's reports, call this)."""
    stored = lookup(con, f"{fn.__module__}.{fn.__qualname__}", kwargs)
    return fn(con, **kwargs) if stored is MISSING else stored


def clear(con) -> None:
    """Forget every stored view (a customer's deletion; the next rebuild stores them again)."""
    con.execute("DELETE FROM stored_views")


_ERROR_FIELD = "laoke_error"


def _encode(value) -> bytes:
    """A DataFrame as one Arrow IPC stream; a dataclass of ``analytics`` holding frames
    (a campaign's target list) as ``_OBJECT`` + a JSON description + one stream per frame."""
    return _encode_buffer(value).to_pybytes()


def _encode_buffer(value) -> pa.Buffer:
    """:func:`_encode`'s bytes in one Arrow buffer of exactly their size, written once (no
    copy per frame, no joined copy: a list of every buyer is a hundred MB at 1M orders)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        tables: list[pa.Table] = []
        head = json.dumps(_describe(value, tables), ensure_ascii=False).encode()
        sizes = [_stream_size(table) for table in tables]
        total = len(_OBJECT) + 8 + len(head) + sum(8 + size for size in sizes)
        buffer = pa.allocate_buffer(total)
        out = pa.FixedSizeBufferWriter(buffer)
        out.write(_OBJECT)
        out.write(len(head).to_bytes(8, "little"))
        out.write(head)
        for table, size in zip(tables, sizes, strict=True):
            out.write(size.to_bytes(8, "little"))
            _write_stream(out, table)
        out.close()
        return buffer
    if not isinstance(value, pd.DataFrame):
        raise TypeError(f"stored views hold DataFrames; got {type(value).__name__}")
    table = pa.Table.from_pandas(value, preserve_index=False)
    buffer = pa.allocate_buffer(_stream_size(table))
    out = pa.FixedSizeBufferWriter(buffer)
    _write_stream(out, table)
    out.close()
    return buffer


def _write_stream(sink, table: pa.Table) -> None:
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)


def _stream_size(table: pa.Table) -> int:
    """The bytes of ``table``'s IPC stream (counted, not written)."""
    mock = pa.MockOutputStream()
    _write_stream(mock, table)
    return mock.size()


#: The first bytes of a stored dataclass (an Arrow stream starts otherwise).
_OBJECT = b"LAOKE-OBJECT-1\n"


def _describe(value, frames: list[pa.Table]):
    """``value`` as JSON-ready data; its frames appended to ``frames`` (as Arrow tables)."""
    if isinstance(value, pd.DataFrame):
        frames.append(pa.Table.from_pandas(value, preserve_index=False))
        return {"frame": len(frames) - 1}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        cls = type(value)
        fields = {
            f.name: _describe(getattr(value, f.name), frames)
            for f in dataclasses.fields(value)
            if f.init
        }
        return {"dataclass": f"{cls.__module__}.{cls.__qualname__}", "fields": fields}
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, (list, tuple)):
        return {"list": [_describe(v, frames) for v in value]}
    if value is None or isinstance(value, (bool, int, float, str)):
        return {"value": value}
    raise TypeError(f"stored views cannot hold {type(value).__name__}")


def _rebuild_object(data, frames: list):
    if "frame" in data:
        return frames[data["frame"]]
    if "dataclass" in data:
        qualname = data["dataclass"]
        if not qualname.startswith("analytics."):  # only LaoKe's own types are built
            raise TypeError(f"stored view of an unexpected type {qualname}")
        fields = {name: _rebuild_object(v, frames) for name, v in data["fields"].items()}
        return _resolve(qualname)(**fields)
    if "datetime" in data:
        return datetime.fromisoformat(data["datetime"])
    if "date" in data:
        return date.fromisoformat(data["date"])
    if "list" in data:
        return [_rebuild_object(v, frames) for v in data["list"]]
    return data["value"]


def _decode_object(payload: bytes):
    at = len(_OBJECT)
    size = int.from_bytes(payload[at : at + 8], "little")
    head = json.loads(payload[at + 8 : at + 8 + size])
    at += 8 + size
    frames = []
    while at < len(payload):
        size = int.from_bytes(payload[at : at + 8], "little")
        frames.append(_decode(payload[at + 8 : at + 8 + size]))
        at += 8 + size
    return _rebuild_object(head, frames)


def _error_frame(message: str) -> pd.DataFrame:
    return pd.DataFrame({_ERROR_FIELD: [message]})


def _encode_error(message: str) -> bytes:
    return _encode(_error_frame(message))


def _decode(payload: bytes):
    if payload.startswith(_OBJECT):
        return _decode_object(payload)
    table = pa.ipc.open_stream(pa.py_buffer(payload)).read_all()
    if table.column_names == [_ERROR_FIELD]:
        raise InputError(table.column(0)[0].as_py())
    frame = table.to_pandas()
    # Object columns come back as they were returned: text as object (not pandas' string
    # dtype), and a column with no value at all (an outer merge's) as NaN, not None.
    for column in (table.schema.pandas_metadata or {}).get("columns", []):
        name = column["name"]
        if column["numpy_type"] != "object" or name not in frame:
            continue
        if pa.types.is_null(table.schema.field(name).type):
            frame[name] = pd.Series(np.nan, index=frame.index, dtype=object)
        elif frame[name].dtype != object:
            frame[name] = frame[name].astype(object)
    return frame
