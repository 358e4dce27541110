"""The Overview and the Import page say plainly when orders have no identifiable buyer."""

from __future__ import annotations

from analytics import store
from analytics.importers import import_orders
from tests.conftest import FIXTURES
from tests.pages.apptest import dashboard

DOUYIN = FIXTURES / "identity" / "douyin_encrypted.csv"


def _encrypted_shop(path):
    con = store.connect(path)
    result = import_orders(con, DOUYIN)
    con.close()
    return result


def test_overview_shows_the_share_of_orders_without_a_buyer(tmp_path, monkeypatch):
    db = tmp_path / "shop.duckdb"
    _encrypted_shop(db)
    at = dashboard(db, monkeypatch).run()
    assert not at.exception, at.exception
    warnings = [w.value for w in at.warning]
    assert any("1,000 个订单中有 1,000 个（100.0%）无法识别买家" in w for w in warnings), warnings


def test_overview_notice_speaks_english(tmp_path, monkeypatch):
    db = tmp_path / "shop.duckdb"
    _encrypted_shop(db)
    at = dashboard(db, monkeypatch, lang="en").run()
    warnings = [w.value for w in at.warning]
    assert any("1,000 of 1,000 orders (100.0%) have no identifiable buyer" in w for w in warnings)


def test_overview_has_no_notice_when_every_buyer_is_known(demo_copy, monkeypatch):
    at = dashboard(demo_copy, monkeypatch).run()
    assert not any("无法识别买家" in w.value for w in at.warning)


def test_import_result_says_how_many_orders_have_no_buyer(tmp_path, monkeypatch):
    db = tmp_path / "shop.duckdb"
    result = _encrypted_shop(db)
    at = dashboard(db, monkeypatch).run()
    at.switch_page("pages/import.py")
    at.session_state["import_results"] = [result]
    at.run()
    assert not at.exception, at.exception
    warnings = [w.value for w in at.warning]
    assert any(w.startswith("1,000 个订单中有 1,000 个（100.0%）无法识别买家") for w in warnings)


def test_import_result_of_a_mapping_file_says_how_many_orders_got_a_buyer(tmp_path, monkeypatch):
    db = tmp_path / "shop.duckdb"
    _encrypted_shop(db)
    con = store.connect(db)
    result = import_orders(con, FIXTURES / "identity" / "douyin_encrypted_buyers.csv")
    con.close()
    at = dashboard(db, monkeypatch, lang="en").run()
    assert not any("no identifiable buyer" in w.value for w in at.warning)
    at.switch_page("pages/import.py")
    at.session_state["import_results"] = [result]
    at.run()
    assert any(i.value.startswith("1,000 orders got their buyer") for i in at.info)
    assert any("5 order ids of the mapping file" in w.value for w in at.warning)


def test_import_history_names_a_mapping_import(tmp_path, monkeypatch):
    db = tmp_path / "shop.duckdb"
    _encrypted_shop(db)
    con = store.connect(db)
    import_orders(con, FIXTURES / "identity" / "douyin_encrypted_buyers.csv")
    con.close()
    at = dashboard(db, monkeypatch).run()
    at.switch_page("pages/import.py").run()
    [history] = [d.value for d in at.dataframe if "outcome" in d.value.columns]
    assert history.iloc[0]["kind"] == "订单→买家对照表"
