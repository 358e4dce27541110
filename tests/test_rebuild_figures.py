"""The scores + stored views rebuild writes the same figures, row for row, as the
rebuild it replaced (before it was reworked to hold less memory): digests of every
column of ``customer_scores`` (values, NULL and NaN told apart, rows in stored order)
and of every stored view, on the demo shop. ``python -m tests.test_rebuild_figures``
prints the digests of the current code (only to be rewritten when a figure is meant
to change)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from analytics import scores, store, views

EXPECTED = Path(__file__).parent / "fixtures" / "rebuild" / "demo_digests.json"


def _text(value) -> str:
    """One value as canonical text: floats to 12 significant digits, NaN and NULL apart."""
    if value is None or value is pd.NA or value is pd.NaT:
        return "NULL"
    if isinstance(value, float):
        return "NaN" if math.isnan(value) else f"{value:.12g}"
    if isinstance(value, (datetime, date, pd.Timestamp)):
        return value.isoformat()
    return f"{type(value).__name__}:{value}"


def _digest(lines) -> str:
    h = hashlib.sha256()
    for line in lines:
        h.update(line.encode())
        h.update(b"\n")
    return h.hexdigest()[:16]


def score_digests(con) -> dict[str, str]:
    """Per column of ``customer_scores``: the digest of its values in stored row order."""
    cursor = con.execute("SELECT * FROM customer_scores")
    names = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    out = {"rows": str(len(rows))}
    for i, name in enumerate(names):
        out[name] = _digest(_text(row[i]) for row in rows)
    return out


def _frame_lines(df: pd.DataFrame):
    yield "|".join(f"{c}:{df[c].dtype}" for c in df.columns)
    for row in df.itertuples(index=False, name=None):
        yield "|".join(_text(v.item() if hasattr(v, "item") else v) for v in row)


def _object_lines(value):
    if isinstance(value, pd.DataFrame):
        yield from _frame_lines(value)
    elif dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            yield f"field {field.name}"
            yield from _object_lines(getattr(value, field.name))
    else:
        yield repr(value)


def view_digests(con) -> dict[str, str]:
    """Per stored view (its key): the digest of what :func:`analytics.views.lookup` returns
    (an error view: its message)."""
    out = {}
    for (key,) in con.execute("SELECT key FROM stored_views ORDER BY key").fetchall():
        payload = con.execute("SELECT payload FROM stored_views WHERE key = ?", [key]).fetchone()
        try:
            value = views._decode(payload[0])
        except Exception as exc:  # noqa: BLE001 - an error view's message is its figure
            out[key] = _digest([f"error {exc}"])
            continue
        out[key] = _digest(_object_lines(value))
    return out


def digests(con) -> dict:
    return {"scores": score_digests(con), "views": view_digests(con)}


def _read(db, digest) -> dict:
    con = store.connect(db, read_only=True)
    try:
        return digest(con)
    finally:
        con.close()


def test_scores_columns_equal_the_previous_rebuilds_row_for_row(scored_db):
    mine = _read(scored_db, score_digests)
    expected = json.loads(EXPECTED.read_text())["scores"]
    assert mine == expected


def test_stored_views_equal_the_previous_rebuilds(scored_db):
    mine = _read(scored_db, view_digests)
    expected = json.loads(EXPECTED.read_text())["views"]
    assert mine.keys() == expected.keys()
    different = [key for key in expected if mine[key] != expected[key]]
    assert different == []


def _memory_limit(con) -> str:
    return con.execute("SELECT current_setting('memory_limit')").fetchone()[0]


def test_duckdb_memory_is_capped_only_while_the_rebuild_runs(demo_con):
    before = _memory_limit(demo_con)
    during = set()
    scores.rebuild(demo_con, progress=lambda _f, _step: during.add(_memory_limit(demo_con)))
    assert during == {"488.2 MiB"}  # scores.REBUILD_MEMORY_LIMIT, 512MB
    assert _memory_limit(demo_con) == before


def test_a_rebuild_that_does_not_fit_the_cap_runs_again_without_it(demo_con, monkeypatch):
    monkeypatch.setattr(scores, "REBUILD_MEMORY_LIMIT", "1MB")  # too little for any step
    limits = []
    rebuild = scores._rebuild

    def counted(con, **kwargs):
        limits.append(_memory_limit(con))
        return rebuild(con, **kwargs)

    monkeypatch.setattr(scores, "_rebuild", counted)
    default = _memory_limit(demo_con)
    assert scores.rebuild(demo_con) == 20_000
    assert limits == ["976.5 KiB", default]
    assert _memory_limit(demo_con) == default
    assert digests(demo_con) == json.loads(EXPECTED.read_text())


def test_a_payload_larger_than_the_memory_cap_is_stored_uncapped(con):
    con.execute("CREATE TABLE blobs (b BLOB)")
    payload = b"x" * 20_000_000
    with store.memory_cap(con, "8MB"):
        with pytest.raises(duckdb.OutOfMemoryException):
            con.execute("INSERT INTO blobs VALUES (?)", [payload])
        with store.uncapped(con):
            con.execute("INSERT INTO blobs VALUES (?)", [payload])
        assert _memory_limit(con) == "7.6 MiB"  # the cap again
    assert con.execute("SELECT octet_length(b) FROM blobs").fetchall() == [(20_000_000,)]


def test_stored_views_bigger_than_the_memory_cap_are_stored(con, monkeypatch):
    big = pd.DataFrame({"text": ["x" * 1_000] * 20_000})  # a 20 MB payload
    monkeypatch.setattr(views, "VIEWS", {"analytics.big.view": views._one(shop=None)})
    monkeypatch.setattr(views, "_resolve", lambda _name: lambda _con, **_kw: big)
    with store.memory_cap(con, "8MB"):
        assert views.rebuild(con, as_of=date(2026, 10, 31)) == 1
        assert _memory_limit(con) == "7.6 MiB"  # the cap again
    stored = views.lookup(con, "analytics.big.view", {"shop": None})
    pd.testing.assert_frame_equal(stored, big)


if __name__ == "__main__":
    import shutil
    import sys
    import tempfile

    from analytics.demo import load_demo_shop
    from tests.conftest import DEMO_END

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.duckdb"
        connection = store.connect(path)
        load_demo_shop(connection, end=DEMO_END)
        connection.close()
        shutil.copy(path, Path(tmp) / "copy.duckdb")
        connection = store.connect(path)
        scores.rebuild(connection)
        json.dump(digests(connection), sys.stdout, indent=1, sort_keys=True)
        connection.close()
