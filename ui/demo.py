"""The one-click demo shop offered when the database is empty."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from analytics.demo import load_demo_shop
from analytics.i18n import t
from ui import auth, state


def offer_demo_shop() -> None:
    if not auth.can("import") or not st.button(
        t("demo.load"), type="primary", icon=":material/storefront:"
    ):
        return
    bar = st.progress(0.0, text=t("demo.loading"))
    with state.write() as con:
        load_demo_shop(
            con,
            end=date.today() - timedelta(days=1),
            progress=lambda f: bar.progress(min(f, 1.0), text=t("demo.loading")),
        )
    bar.empty()
    st.session_state.pop("laoke_context", None)
    st.rerun()
