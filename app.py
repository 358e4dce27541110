"""LaoKe 老客: the dashboard entry. Sidebar (database, as-of date, shop, language) + pages.

Run with ``streamlit run app.py``; pages live in ``pages/`` and only lay out what
``analytics`` computes.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import streamlit as st

from analytics import i18n, store
from analytics.i18n import t
from ui import format, state
from ui.navigation import PAGES

HERE = Path(__file__).parent

st.set_page_config(page_title="LaoKe 老客", page_icon=":material/loyalty:", layout="wide")
i18n.set_language(st.session_state.get("lang", "zh"))

navigation = st.navigation(
    [
        st.Page(HERE / path, title=t(key), icon=icon, url_path=Path(path).stem)
        for path, key, icon in PAGES
        if (HERE / path).exists()
    ]
)

with st.sidebar:
    st.markdown("### LaoKe 老客")
    con = state.cursor()
    empty = store.is_empty(con)
    latest = store.latest_order_date(con)
    st.radio(
        t("sidebar.language"),
        i18n.LANGUAGES,
        format_func=lambda code: {"zh": "中文", "en": "English"}[code],
        key="lang",
        horizontal=True,
    )
    shops = store.shops(con)
    shop_labels = {"": t("sidebar.all_shops"), **{s: format.shop(s) for s in shops}}
    chosen = st.selectbox(
        t("sidebar.shop"),
        list(shop_labels),
        format_func=shop_labels.get,
        key="shop",
        disabled=len(shops) < 2,
    )
    shop = chosen or None
    as_of = st.date_input(
        t("sidebar.as_of"),
        value=latest,
        help=t("sidebar.as_of.help"),
        key=f"as_of_{latest}",
        disabled=empty,
    )
    st.caption(t("sidebar.database", path=state.db_file()))

state.set_context(state.Context(as_of or latest or date.today(), shop, i18n.language(), empty))
navigation.run()
