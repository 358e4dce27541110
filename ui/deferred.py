"""Whole lists for downloads made when clicked.

A page shows the first rows of a long list; its download holds every row and is built only
when the user clicks (``ui.widgets.download`` with a function). Streamlit calls that
function outside the page run, after the run's connection is closed, so it reads through
a read-only connection of its own.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from analytics import store
from ui import state


def whole_list(fn, **kwargs) -> Callable[[], pd.DataFrame]:
    """A function returning ``fn(con, **kwargs)`` on its own read-only connection."""
    db = state.db_file()

    def make() -> pd.DataFrame:
        with store.reading(db) as con:
            return fn(con, **kwargs)

    return make
