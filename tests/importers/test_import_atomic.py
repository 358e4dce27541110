"""An import is all or nothing even though it commits its TEMP staging early (to free the
memory of the staged rows, ``orders._free_dropped_tables``): a failure at any later step
leaves orders, customers and the import history as they were."""

from __future__ import annotations

import pytest

from analytics.importers import import_orders, replay
from analytics.importers import orders as importer
from tests.taobao_export import order, write_export


def _state(con) -> tuple:
    return tuple(
        con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
        for table in ("orders", "customers", "import_keys")
    ) + (con.execute("SELECT count(*) FROM imports WHERE outcome = 'imported'").fetchall(),)


def _fail(*_args, **_kwargs):
    raise RuntimeError("disk full")


@pytest.mark.parametrize("step", ["record_orders", "refresh"])
@pytest.mark.parametrize("first", [True, False], ids=["first import", "later import"])
def test_a_failure_after_the_staging_commit_changes_nothing(
    con, tmp_path, monkeypatch, step, first
):
    if not first:
        import_orders(con, write_export(tmp_path / "a.csv", [order("1", "张三")]))
    before = _state(con)
    assert before[0] == [] if first else len(before[0]) == 1
    target = replay if step == "record_orders" else importer.customers
    monkeypatch.setattr(target, step, _fail)
    rows = [order("1", "张三", paid="80.00"), order("2", "李四"), order("3", "王五")]
    with pytest.raises(RuntimeError, match="disk full"):
        import_orders(con, write_export(tmp_path / "b.csv", rows))
    assert _state(con) == before
    # Nothing of the staging is left behind either: the next import works.
    monkeypatch.undo()
    result = import_orders(con, write_export(tmp_path / "c.csv", rows))
    assert result.inserted == (3 if first else 2)
