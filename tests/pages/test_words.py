"""Every page read in Chinese on the demo shop, as a shop owner reads it: no None/NaN, no
platform ids such as ``taobao``, no identifier-looking English (snake_case, raw column
names) in the text, tables or charts, and thousands separators in the KPI cards."""

from __future__ import annotations

import json
import re

import pytest

from tests.pages.apptest import ROOT, chart_keys, dashboard
from ui.navigation import PAGES as MENU

PAGES = [path for path, _key, _icon in MENU if (ROOT / path).exists()]

#: Words a shop owner should never read in the Chinese UI.
MISSING = re.compile(r"\b(None|NaN|nan|NaT|null|undefined)\b")
PLATFORM_IDS = re.compile(r"\b(taobao|tmall|jd|pdd|douyin|youzan|generic)\b")
SNAKE_CASE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
#: Raw column names that must be labelled before they reach a page.
RAW_COLUMNS = {"platform", "shop", "customer_id", "customer_name", "r", "f", "m", "phone"}


def _texts(at) -> list[str]:
    """Every piece of text the page shows outside code blocks and charts."""
    out: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "success",
                 "warning", "error", "toast"):  # fmt: skip
        out += [str(e.value) for e in getattr(at, kind)]
    for m in at.metric:
        out += [m.label, str(m.value)]
    for kind in ("button", "checkbox", "toggle", "text_input", "number_input", "slider",
                 "date_input", "radio", "selectbox", "multiselect"):  # fmt: skip
        for widget in getattr(at, kind):
            out.append(widget.label)
            out += [str(o) for o in getattr(widget, "options", [])]
    out += [tab.label for tab in at.tabs] + [e.label for e in at.expander]
    return out


def _headers(at) -> list[str]:
    """Table column headers as shown: the configured label, else the raw column name."""
    out: list[str] = []
    for frame in at.dataframe:
        config = json.loads(frame.proto.columns or "{}")
        for column in frame.value.columns:
            if config.get(str(column), {}).get("hidden"):
                continue
            out.append(str(config.get(str(column), {}).get("label") or column))
    return out


def _cells(at) -> list[str]:
    """The text cells of every table's shown columns (the first 50 rows): data, where buyer
    ids such as tb_1908224 are allowed, but not None/NaN or platform ids."""
    out: list[str] = []
    for frame in at.dataframe:
        df = frame.value
        config = json.loads(frame.proto.columns or "{}")
        for column in df.columns:
            if config.get(str(column), {}).get("hidden"):
                continue
            if df[column].dtype == object or str(df[column].dtype).startswith("str"):
                out += [str(v) for v in df[column].head(50)]
    return out


def _chart_texts(at) -> list[str]:
    """Titles, axis titles, legend names, category labels and bar texts of every chart."""
    out: list[str] = []
    for element in at.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        layout = spec.get("layout", {})
        for value in layout.values():
            if isinstance(value, dict):
                title = value.get("title")
                out.append(title.get("text", "") if isinstance(title, dict) else str(title or ""))
                out += [str(v) for v in value.get("ticktext", [])]
        out += [a.get("text", "") for a in layout.get("annotations", [])]
        for trace in spec.get("data", []):
            out.append(str(trace.get("name", "")))
            for key in ("text", "labels", "x", "y"):
                values = trace.get(key)
                if isinstance(values, list):
                    out += [str(v) for v in values if isinstance(v, str)]
            node = trace.get("node", {})
            out += [str(v) for v in node.get("label", [])]
    return out


def _render_all(source_db, tmp_path_factory, lang: str):
    """Each page rendered once in ``lang`` on a copy of ``source_db``."""
    import shutil

    monkeypatch = pytest.MonkeyPatch()
    db = tmp_path_factory.mktemp("words") / "shop.duckdb"
    shutil.copy(source_db, db)
    rendered = {}
    for page in PAGES:
        at = dashboard(db, monkeypatch, lang=lang).run()
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        rendered[page] = at
    return rendered, monkeypatch


@pytest.fixture(scope="module")
def zh_pages(demo_db, tmp_path_factory):
    rendered, monkeypatch = _render_all(demo_db, tmp_path_factory, "zh")
    yield rendered
    monkeypatch.undo()


@pytest.fixture(scope="module")
def real_zh_pages(real_db, tmp_path_factory):
    """Each page in Chinese on the store imported from real-shaped exports (conftest)."""
    rendered, monkeypatch = _render_all(real_db, tmp_path_factory, "zh")
    yield rendered
    monkeypatch.undo()


@pytest.fixture(scope="module", params=["demo", "real"])
def any_zh_pages(request):
    """The Chinese pages on the demo shop, then on the real-shaped store."""
    return request.getfixturevalue("zh_pages" if request.param == "demo" else "real_zh_pages")


@pytest.fixture(scope="module")
def en_pages(demo_db, tmp_path_factory):
    rendered, monkeypatch = _render_all(demo_db, tmp_path_factory, "en")
    yield rendered
    monkeypatch.undo()


#: Code spans (`customer_id`, a column name the user's file may carry) and file names.
ALLOWED = re.compile(r"`[^`]*`|\S+\.(csv|xlsx|xls|txt)\b")


def _bad(texts: list[str], pattern: re.Pattern) -> list[str]:
    return sorted({text for text in texts if pattern.search(ALLOWED.sub("", text))})


@pytest.mark.parametrize("page", PAGES)
def test_chinese_page_shows_no_missing_value_words(any_zh_pages, page):
    at = any_zh_pages[page]
    assert _bad(_texts(at) + _headers(at) + _cells(at) + _chart_texts(at), MISSING) == []


@pytest.mark.parametrize("page", PAGES)
def test_chinese_page_names_platforms_not_ids(any_zh_pages, page):
    at = any_zh_pages[page]
    assert _bad(_texts(at) + _headers(at) + _cells(at) + _chart_texts(at), PLATFORM_IDS) == []


@pytest.mark.parametrize("page", PAGES)
def test_chinese_page_shows_no_identifiers(any_zh_pages, page):
    at = any_zh_pages[page]
    texts = _texts(at) + _headers(at) + _chart_texts(at)
    assert _bad(texts, SNAKE_CASE) == []
    assert sorted({t for t in _headers(at) if t in RAW_COLUMNS}) == []


@pytest.mark.parametrize("page", PAGES)
def test_kpi_cards_have_thousands_separators(any_zh_pages, page):
    values = [str(m.value) for m in any_zh_pages[page].metric]
    unseparated = [v for v in values if re.search(r"(?<![\d.,])\d{4,}", v)]
    assert unseparated == []


def test_overview_cards_on_the_demo_shop_read_with_separators(zh_pages):
    cards = {m.label: m.value for m in zh_pages["pages/overview.py"].metric}
    assert re.fullmatch(r"\d{1,3}(,\d{3})+", cards["有效订单"])
    assert re.fullmatch(r"¥\d{1,3}(,\d{3})+", cards["销售额"])
    assert re.fullmatch(r"\d+\.\d%", cards["复购率"])


def test_overview_names_two_different_measures_differently(zh_pages):
    at = zh_pages["pages/overview.py"]
    cards = [m.label for m in at.metric]
    charts = _chart_texts(at)
    assert "复购率" in cards and "复购率" not in charts
    assert "回头客占比" in charts


def test_after_creating_a_list_the_preview_shows_the_list_made(demo_copy, monkeypatch):
    at = dashboard(demo_copy, monkeypatch).run()
    at.switch_page("pages/campaigns.py").run()
    assert at.slider[0].value == 10  # the holdout measures by default
    before = {m.label: m.value for m in at.metric}
    next(b for b in at.button if b.label == "生成名单").click().run()
    assert not at.exception, at.exception
    after = {m.label: m.value for m in at.metric}
    assert after["营销组（下载）"] == before["营销组（下载）"] != "0"
    assert not any("这个条件下没有客户" in i.value for i in at.info)
    assert any("这是刚生成的名单" in i.value and "近 7 天已营销过" in i.value for i in at.info)
    # the next list (any change to the spec) leaves the contacted customers out
    at.slider[0].set_value(20).run()
    assert {m.label: m.value for m in at.metric}["排除后"] == "0"
    assert any("这个条件下没有客户" in i.value for i in at.info)


def test_campaign_results_without_orders_read_as_a_sentence(demo_copy, monkeypatch):
    at = dashboard(demo_copy, monkeypatch).run()
    at.switch_page("pages/campaigns.py").run()
    next(b for b in at.button if b.label == "生成名单").click().run()
    assert any("活动之后还没有客户下单" in i.value for i in at.info)
    charts = chart_keys(at)
    assert "chart_campaign_rates" not in charts


@pytest.mark.parametrize("page", PAGES)
def test_english_page_shows_no_missing_value_words_or_platform_ids(en_pages, page):
    at = en_pages[page]
    texts = _texts(at) + _headers(at) + _cells(at) + _chart_texts(at)
    assert _bad(texts, MISSING) == []
    assert _bad(texts, PLATFORM_IDS) == []


def test_english_overview_names_provinces_in_english(en_pages):
    charts = _chart_texts(en_pages["pages/overview.py"])
    assert "Guangdong" in charts and "广东" not in charts


#: A list id such as ``upgrade``, ``churn`` or ``reminders:0`` (campaign sources).
LIST_ID = re.compile(r"^[a-z]+(:[a-z0-9_]+)?$")


def test_overview_contact_plan_names_lists_not_their_ids(any_zh_pages):
    assert [c for c in _cells(any_zh_pages["pages/overview.py"]) if LIST_ID.match(c)] == []


def _charts(at) -> list[tuple[dict, dict]]:
    return [
        (json.loads(e.proto.spec), json.loads(e.proto.config or "{}"))
        for e in at.get("plotly_chart")
    ]


DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


@pytest.mark.parametrize("page", PAGES)
def test_chinese_charts_carry_their_own_date_and_number_formats(real_zh_pages, page):
    """Streamlit's plotly.js formats dates and numbers in English (Jan 2024, 20k): every
    Chinese chart gets plotly's zh-CN locale, no axis with SI suffixes, and every date axis
    an explicit format without month names."""
    for spec, config in _charts(real_zh_pages[page]):
        assert config.get("locale") == "zh-CN"
        layout = spec["layout"]
        for name, axis in layout.items():
            if name[1:5] != "axis":
                continue
            assert axis.get("exponentformat") == "none", (page, name)
            for fmt in (axis.get("tickformat"), axis.get("hoverformat")):
                assert not fmt or "%b" not in fmt and "%B" not in fmt, (page, name, fmt)
        for trace in spec["data"]:
            hover = str(trace.get("hovertemplate", ""))
            assert "%b" not in hover and "%Y-%m-%d" not in hover, (page, hover)
            for letter in ("x", "y"):
                values = trace.get(letter)
                if isinstance(values, list) and values and DATE.match(str(values[0])):
                    ref = trace.get(f"{letter}axis", letter)
                    axis = layout.get(f"{letter}axis{ref[1:]}", {})
                    assert axis.get("tickformat") and axis.get("hoverformat"), (page, ref)


def test_chinese_import_page_puts_chinese_words_on_the_uploader(real_zh_pages):
    styles = " ".join(e.proto.body for e in real_zh_pages["pages/import.py"].get("html"))
    assert "选择文件" in styles and "每个文件不超过 2GB" in styles and "拖放文件到这里" in styles


def test_english_import_page_keeps_streamlits_uploader_words(en_pages):
    assert not [e for e in en_pages["pages/import.py"].get("html") if "st-key-" in e.proto.body]


def _copy_with_a_taobao_buyer(real_db, tmp_path):
    """A private copy of the real-shaped store and the id of one of its Taobao buyers."""
    import shutil

    import duckdb

    db = tmp_path / "shop.duckdb"
    shutil.copy(real_db, db)
    with duckdb.connect(str(db), read_only=True) as con:
        (buyer,) = con.execute(
            "SELECT customer_id FROM customers WHERE platform = 'taobao' ORDER BY customer_id"
        ).fetchone()
    return db, buyer


def test_privacy_page_names_a_found_customers_records_in_words(real_db, tmp_path, monkeypatch):
    db, buyer = _copy_with_a_taobao_buyer(real_db, tmp_path)
    at = dashboard(db, monkeypatch).run()
    at.switch_page("pages/privacy.py").run()
    at.text_input(key="privacy_query").input(buyer).run()
    assert not at.exception, at.exception
    texts = _texts(at) + _cells(at)
    assert _bad(texts, SNAKE_CASE) == [] and _bad(texts, PLATFORM_IDS) == []
    assert any(text.startswith("订单：") for text in _texts(at))
    assert at.selectbox(key="privacy_key").options[0].startswith("淘宝/天猫 · ")


def test_customer_lookup_shows_order_status_and_money_in_words(real_db, tmp_path, monkeypatch):
    db, buyer = _copy_with_a_taobao_buyer(real_db, tmp_path)
    at = dashboard(db, monkeypatch)
    at.session_state["customer_search"] = buyer
    at.run()
    at.switch_page("pages/customer.py").run()
    assert not at.exception, at.exception
    orders = next(f.value for f in at.dataframe if "status" in f.value.columns)
    assert set(orders["status"]) <= {"待付款", "已付款", "已发货", "交易成功", "交易关闭", "已退款"}
    assert all(str(v).startswith("¥") for v in orders["amount"])
    assert not [v for v in orders["order_time"] if re.search(r":\d\d:\d\d$", str(v))]


def test_a_shop_quiet_for_half_a_year_gets_a_sentence_not_empty_monitor_charts(
    real_db, tmp_path, monkeypatch
):
    """The real-shaped JD shop has two orders in 2024: no weekly strip of flat lines."""
    import shutil

    db = tmp_path / "shop.duckdb"
    shutil.copy(real_db, db)
    at = dashboard(db, monkeypatch)
    at.session_state["shop"] = next(k for k in _shops(db) if k.startswith("jd/"))
    at.run()
    assert not at.exception, at.exception
    charts = chart_keys(at)
    assert not [c for c in charts if "monitor" in c], charts
    assert any("近 26 周没有有效订单" in i.value for i in at.info)


def _shops(db) -> list[str]:
    from analytics import store

    con = store.connect(db, read_only=True)
    try:
        return store.shops(con)
    finally:
        con.close()
