"""The Import page's result of an import says what was merged, not only what was stored."""

from __future__ import annotations

from analytics import store
from analytics.importers import import_orders
from tests.pages.apptest import dashboard
from tests.taobao_export import order, write_export


def test_import_page_result_says_how_many_repeated_rows_were_merged(tmp_path, monkeypatch):
    db = tmp_path / "s.duckdb"
    rows = [order(str(i), f"b{i}") for i in range(100, 160)]
    rows += [order(str(i), f"b{i}") for i in range(100, 140)]
    con = store.connect(db)
    result = import_orders(con, write_export(tmp_path / "rep.csv", rows))
    con.close()
    at = dashboard(db, monkeypatch).run()
    at.session_state["import_results"] = [result]
    at.switch_page("pages/import.py").run()
    assert not at.exception, at.exception
    assert "40 重复行已合并" in [m.value for m in at.info]
