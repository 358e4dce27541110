"""The scores + stored views rebuild writes the same figures, row for row, as the
rebuild it replaced (before it was reworked to hold less memory): the figures of every
column of ``customer_scores`` (rows in stored order) and of every stored view, on the
demo shop. ``python -m tests.test_rebuild_figures`` prints the figures of the current
code (only to be rewritten when a figure is meant to change).

A figure (``_figure``) is an exact digest of the values, each float's place marked, with
NULL and NaN told apart, plus sums of the finite floats compared to 1e-6, and to 1e-3 for
what the buyer models predict: their fits' last digits differ between CPUs, and the demo
shop's BG/NBD fit sits at its dropout limit, where they move the predictions by up to
1.7e-4 (an AMD EPYC against the Intel machine the figures were taken on)."""

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

EXPECTED = Path(__file__).parent / "fixtures" / "rebuild" / "demo_figures.json"
#: How far a float sum may move between machines: exact arithmetic's last digits, and the
#: predictions of a model fit (``_fitted``).
FLOAT_TOLERANCE = 1e-6
FIT_TOLERANCE = 1e-3
#: Figures predicted by the buyer models (BG/NBD, modified BG/NBD, Gamma-Gamma), by the
#: start of their key: score columns, and the stored views of ``analytics.clv``.
FITTED = ("p_alive", "expected_purchases_", "clv", "mbg_", "expected_aov", "analytics.clv.")


def _fitted(key: str) -> bool:
    """Whether the figure ``key`` (a score column or a stored view) comes from a fit."""
    return key.startswith(FITTED)


def _text(value) -> str:
    """One non-float value as canonical text (NULL and NaN apart)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return "NULL"
    if isinstance(value, float):
        return "NaN" if math.isnan(value) else "inf" if value > 0 else "-inf"
    if isinstance(value, (datetime, date, pd.Timestamp)):
        return value.isoformat()
    return f"{type(value).__name__}:{value}"


def _figure(values) -> dict:
    """The figure of a sequence of values: a digest of them with every finite float as "F",
    and the finite floats' count, sum, sum of absolute values, position-weighted mean,
    minimum and maximum."""
    h = hashlib.sha256()
    floats = []
    for value in values:
        if isinstance(value, float) and math.isfinite(value):
            floats.append(float(value))
            token = "F"
        else:
            token = _text(value)
        h.update(token.encode())
        h.update(b"\n")
    figure: dict = {"digest": h.hexdigest()[:16]}
    if floats:
        figure["floats"] = [
            len(floats),
            math.fsum(floats),
            math.fsum(abs(x) for x in floats),
            math.fsum((i + 1) * x for i, x in enumerate(floats)) / len(floats),
            min(floats),
            max(floats),
        ]
    return figure


def same_figures(mine: dict, expected: dict) -> list[str]:
    """The keys of ``expected`` whose figure ``mine`` does not match."""
    different = []
    for key, want in expected.items():
        got = mine.get(key)
        ok = got is not None and got["digest"] == want["digest"]
        if ok and "floats" in want:
            count, *sums = want["floats"]
            tolerance = FIT_TOLERANCE if _fitted(key) else FLOAT_TOLERANCE
            ok = got.get("floats", [None])[0] == count and got["floats"][1:] == pytest.approx(
                sums, rel=tolerance, abs=tolerance
            )
        if not ok:
            different.append(key)
    return different + sorted(set(mine) - set(expected))


def score_figures(con) -> dict[str, dict]:
    """Per column of ``customer_scores``: the figure of its values in stored row order."""
    cursor = con.execute("SELECT * FROM customer_scores")
    names = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    out = {"rows": _figure([len(rows)])}
    for i, name in enumerate(names):
        out[name] = _figure(row[i] for row in rows)
    return out


def _frame_values(df: pd.DataFrame):
    yield "|".join(f"{c}:{df[c].dtype}" for c in df.columns)
    for row in df.itertuples(index=False, name=None):
        for value in row:
            yield value.item() if hasattr(value, "item") else value
        yield "|"


def _object_values(value):
    if isinstance(value, pd.DataFrame):
        yield from _frame_values(value)
    elif dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            yield f"field {field.name}"
            yield from _object_values(getattr(value, field.name))
    elif isinstance(value, (list, tuple)):
        yield f"{type(value).__name__} {len(value)}"
        for item in value:
            yield from _object_values(item)
    elif isinstance(value, dict):
        yield f"dict {len(value)}"
        for key, item in value.items():
            yield repr(key)
            yield from _object_values(item)
    elif isinstance(value, float) or hasattr(value, "item"):
        yield value.item() if hasattr(value, "item") else value
    else:
        yield repr(value)


def view_figures(con) -> dict[str, dict]:
    """Per stored view (its key): the figure of what :func:`analytics.views.lookup` returns
    (an error view: its message)."""
    out = {}
    for (key,) in con.execute("SELECT key FROM stored_views ORDER BY key").fetchall():
        payload = con.execute("SELECT payload FROM stored_views WHERE key = ?", [key]).fetchone()
        try:
            value = views._decode(payload[0])
        except Exception as exc:  # noqa: BLE001 - an error view's message is its figure
            out[key] = _figure([f"error {exc}"])
            continue
        out[key] = _figure(_object_values(value))
    return out


def figures(con) -> dict:
    return {"scores": score_figures(con), "views": view_figures(con)}


def _read(db, figure) -> dict:
    con = store.connect(db, read_only=True)
    try:
        return figure(con)
    finally:
        con.close()


def test_scores_columns_equal_the_previous_rebuilds_row_for_row(scored_db):
    mine = _read(scored_db, score_figures)
    expected = json.loads(EXPECTED.read_text())["scores"]
    assert same_figures(mine, expected) == []


def test_stored_views_equal_the_previous_rebuilds(scored_db):
    mine = _read(scored_db, view_figures)
    expected = json.loads(EXPECTED.read_text())["views"]
    assert mine.keys() == expected.keys()
    assert same_figures(mine, expected) == []


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
    expected = json.loads(EXPECTED.read_text())
    mine = figures(demo_con)
    assert same_figures(mine["scores"], expected["scores"]) == []
    assert same_figures(mine["views"], expected["views"]) == []


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
        json.dump(figures(connection), sys.stdout, indent=1, sort_keys=True)
        connection.close()
