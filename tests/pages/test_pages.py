"""Every page renders on the demo shop and on an empty database, in both languages."""

from __future__ import annotations

import json

import pytest

from analytics import store
from analytics.errors import ImportRefused
from analytics.importers import import_orders
from tests.pages.apptest import ROOT, dashboard
from ui.navigation import PAGES as MENU

PAGES = [path for path, _key, _icon in MENU if (ROOT / path).exists()]


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_on_the_demo_shop(page, demo_copy, monkeypatch):
    at = dashboard(demo_copy, monkeypatch).run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    assert at.title, f"{page} shows no title"


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_on_an_empty_database(page, tmp_path, monkeypatch):
    at = dashboard(tmp_path / "empty.duckdb", monkeypatch).run()
    at.switch_page(page).run()
    assert not at.exception, at.exception


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_in_english(page, demo_copy, monkeypatch):
    at = dashboard(demo_copy, monkeypatch, lang="en").run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    texts = " ".join(m.value for m in at.title)
    assert texts and not any("\u4e00" <= ch <= "\u9fff" for ch in texts), texts


def test_overview_shows_kpis_on_the_demo_shop(demo_copy, monkeypatch):
    at = dashboard(demo_copy, monkeypatch).run()
    labels = [m.label for m in at.metric]
    assert "复购率" in labels and "客单价" in labels


def test_empty_overview_offers_the_demo_shop(tmp_path, monkeypatch):
    at = dashboard(tmp_path / "empty.duckdb", monkeypatch).run()
    assert any(b.label == "加载示例店铺" for b in at.button)


@pytest.mark.parametrize(
    ("lang", "imported", "outcome_label"), [("zh", "已导入", "结果"), ("en", "Imported", "Outcome")]
)
def test_import_history_speaks_the_users_language(
    demo_copy, monkeypatch, lang, imported, outcome_label
):
    at = dashboard(demo_copy, monkeypatch, lang=lang).run()
    at.switch_page("pages/import.py").run()
    [history] = [d for d in at.dataframe if "outcome" in d.value.columns]
    assert set(history.value["outcome"]) == {imported}
    config = json.loads(history.proto.columns)
    labels = {name: c["label"] for name, c in config.items() if "label" in c}
    assert labels["outcome"] == outcome_label
    assert not any(label.startswith("import.") for label in labels.values()), labels


def test_import_history_lists_an_attempt_that_changed_nothing(demo_copy, monkeypatch, tmp_path):
    at = dashboard(demo_copy, monkeypatch).run()
    at.switch_page("pages/import.py").run()
    [before] = [d.value for d in at.dataframe if "outcome" in d.value.columns]
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ImportRefused):
        import_orders(store.connect(demo_copy), empty)

    at.run()

    [after] = [d.value for d in at.dataframe if "outcome" in d.value.columns]
    assert len(after) == len(before) + 1
    assert (after.iloc[0]["file_name"], after.iloc[0]["outcome"]) == ("empty.csv", "未导入")
