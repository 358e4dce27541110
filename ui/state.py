"""One DuckDB connection per process, a cursor per script run, reads cached by data version."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import date

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from analytics import i18n, store


@st.cache_resource(show_spinner=False)
def _connection(path: str):
    return store.connect(path)


def db_file() -> str:
    return str(store.db_path())


def cursor():
    """A cursor on the process-wide connection, for this script run (thread safe)."""
    return _connection(db_file()).cursor()


def data_version() -> int:
    return store.data_version(cursor())


@st.cache_data(show_spinner=False, max_entries=256)
def _cached_call(qualname: str, db: str, version: int, kwargs: dict):
    module, _, name = qualname.rpartition(".")
    fn = getattr(importlib.import_module(module), name)
    return fn(_connection(db).cursor(), **kwargs)


def cached(fn, **kwargs):
    """``fn(con, **kwargs)``, cached until the next import or settings change."""
    return _cached_call(f"{fn.__module__}.{fn.__qualname__}", db_file(), data_version(), kwargs)


@dataclass(frozen=True)
class Context:
    """What the sidebar chose: the analysis date, the shop (None = all) and the language."""

    as_of: date
    shop: str | None
    lang: str
    empty: bool


def context() -> Context:
    """The sidebar's choices (defaults before the sidebar ran); also sets the UI language.

    Every page calls this first. When a server process starts on a deep link (``/import``)
    Streamlit runs that page the legacy way, straight from ``pages/`` without ``app.py``, and
    stays in that mode until ``st.navigation`` is called; leave it and rerun through app.py.
    """
    if PagesManager.uses_pages_directory and "laoke_context" not in st.session_state:
        PagesManager.uses_pages_directory = False
        st.rerun()
    i18n.set_language(st.session_state.get("lang", "zh"))
    ctx = st.session_state.get("laoke_context")
    if ctx is None:
        con = cursor()
        ctx = Context(
            store.latest_order_date(con) or date.today(), None, i18n.language(), store.is_empty(con)
        )
    return ctx


def set_context(ctx: Context) -> None:
    st.session_state["laoke_context"] = ctx


def scored_as_of():
    """The as-of date of the stored per-customer scores, rebuilding them first when they
    are stale (with a progress bar); None when the store is empty."""
    from analytics import scores

    con = cursor()
    if scores.is_current(con):
        return scores.stored_as_of(con)
    bar = st.progress(0.0)

    def progress(fraction: float, step: str) -> None:
        text = i18n.t("scores.progress", step=i18n.t(f"scores.step.{step}"))
        bar.progress(min(fraction, 1.0), text=text)

    try:
        return scores.ensure(con, progress=progress)
    finally:
        bar.empty()


def use_scores(ctx: Context) -> bool:
    """Whether the page can read the stored scores for the sidebar's choice (the newest
    order day, all shops); otherwise it says it is computing and computes on the fly."""
    scored = scored_as_of()
    if scored is not None and ctx.as_of == scored and ctx.shop is None:
        return True
    shop = ctx.shop or i18n.t("scores.all_shops")
    st.caption(i18n.t("scores.computing", scored=scored, as_of=ctx.as_of, shop=shop))
    return False
