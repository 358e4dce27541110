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
from ui import auth, format, state
from ui.navigation import PAGES

HERE = Path(__file__).parent

st.set_page_config(page_title="LaoKe 老客", page_icon=":material/loyalty:", layout="wide")
i18n.set_language(st.session_state.get("lang", "zh"))
auth.gate()  # LAN mode: only the sign-in page until signed in

navigation = st.navigation(
    [
        st.Page(HERE / path, title=t(key), icon=icon, url_path=Path(path).stem)
        for path, key, icon in PAGES
        if (HERE / path).exists() and auth.may_open(path)
    ]
)

with st.sidebar:
    st.markdown("### LaoKe 老客")
    empty = state.cached(store.is_empty)
    latest = state.cached(store.latest_order_date)
    st.radio(
        t("sidebar.language"),
        i18n.LANGUAGES,
        format_func=lambda code: {"zh": "中文", "en": "English"}[code],
        key="lang",
        horizontal=True,
    )
    shops = state.cached(store.shops)
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
    st.text_input(
        t("customer.search"),
        key="customer_query",
        help=t("customer.search.help"),
        disabled=empty,
    )
    st.caption(t("sidebar.database", path=state.db_file()))
    auth.account_box()

state.set_context(state.Context(as_of or latest or date.today(), shop, i18n.language(), empty))
try:
    # A new search from the sidebar opens the customer lookup (once per new text).
    # The text is copied to a plain session key: a widget's value does not survive the switch.
    query = (st.session_state.get("customer_query") or "").strip()
    if query and query != st.session_state.get("customer_search"):
        st.session_state["customer_search"] = query
        st.switch_page("pages/customer.py")
    navigation.run()
finally:
    state.end_run()  # no connection held between runs
