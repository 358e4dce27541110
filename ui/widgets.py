"""Reusable pieces of page layout: KPI cards, charts with their data, downloads, empty states."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from analytics import downloads, export, store
from analytics.i18n import language, t
from ui import auth, charts, format, state
from ui.memo import Memo, fingerprint

PERCENT_METRICS = {"repurchase_rate", "returning_revenue_share"}
MONEY_METRICS = {"revenue", "aov"}


def fmt_value(metric: str, value: float) -> str:
    """A KPI value as the cards show it ("—" when there is none)."""
    if metric in PERCENT_METRICS:
        return format.percent(value)
    if metric in MONEY_METRICS:
        return format.money(value, fen=metric == "aov")
    return format.count(value)


def kpi_cards(change: pd.DataFrame) -> None:
    """One st.metric per row of ``analytics.kpis.kpi_change``, delta vs the previous period."""
    per_row = 3  # six cards in two rows: wide enough for ¥1,234,567 without truncation
    rows = list(change.itertuples())
    columns = [c for i in range(0, len(rows), per_row) for c in st.columns(per_row)]
    for column, row in zip(columns, rows, strict=False):
        delta = None
        if row.change is not None and not (
            isinstance(row.change, float) and math.isnan(row.change)
        ):
            delta = f"{row.change:+.1%}"
        column.metric(
            t(f"kpi.{row.metric}"),
            fmt_value(row.metric, row.current),
            delta=delta,
            help=t(f"kpi.{row.metric}.help", previous=fmt_value(row.metric, row.previous)),
            border=True,
        )


MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV through the safe writer: UTF-8 with BOM (Excel opens Chinese text intact),
    phones masked, formula-looking cells inert."""
    return export.write_table(df, "csv")


def _record(**entry) -> None:
    """One row of the download log. Streamlit calls a download's data function outside the
    page run, so this writes through ``store.writing`` itself (no page notice to show)."""
    with store.writing(state.db_file()) as con:
        downloads.record(con, **entry)


def recorded_file(
    make: Callable[[], bytes],
    *,
    source: str,
    file_name: str,
    fmt: str,
    rows: int,
    masked: bool,
) -> Callable[[], bytes]:
    """``make`` (returning a file's bytes) wrapped to record the download when it runs;
    who downloads is taken now, in the page run."""
    user = auth.current_user()

    def run() -> bytes:
        payload = make()
        _record(
            user=user.name if user else "?",
            role=user.role if user else None,
            source=source,
            rows=rows,
            masked=masked,
            file_name=file_name,
            fmt=fmt,
        )
        return payload

    return run


def file_maker(
    data,
    *,
    source: str,
    file_name: str,
    fmt: str = "csv",
    full_phone: bool = False,
    sheet: str = "data",
) -> Callable[[], bytes]:
    """A function making the file of ``data`` (a DataFrame or a function returning one)
    through ``export.write_table`` and recording it in the download log, for
    ``st.download_button`` to call when clicked. Full phones only for a user allowed them;
    who downloads is taken now, in the page run."""
    user = auth.current_user()
    full = bool(full_phone) and auth.can("full_phone")

    def make() -> bytes:
        frame = data() if callable(data) else data
        payload = export.write_table(frame, fmt, full_phone=full, sheet=sheet)
        _record(
            user=user.name if user else "?",
            role=user.role if user else None,
            source=source,
            rows=len(frame),
            masked=not full,
            file_name=file_name,
            fmt=fmt,
        )
        return payload

    return make


def download(
    data,
    file_name: str,
    *,
    key: str,
    label: str | None = None,
    fmt: str = "csv",
    full_phone: bool = False,
    sheet: str = "data",
    source: str | None = None,
) -> None:
    """The app's one download button: the file is made by the safe writer when clicked
    (phones masked unless an owner asked for full phones) and recorded (``source``,
    default ``key``, names the list in the log)."""
    st.download_button(
        label or t("common.download_csv"),
        file_maker(
            data,
            source=source or key,
            file_name=file_name,
            fmt=fmt,
            full_phone=full_phone,
            sheet=sheet,
        ),
        file_name=file_name,
        mime=MIME[fmt],
        key=key,
        icon=":material/download:",
        type="tertiary",
    )


def download_csv(
    data: pd.DataFrame | Callable[[], pd.DataFrame],
    file_name: str,
    *,
    key: str,
    label: str | None = None,
) -> None:
    """A CSV download of ``data`` (a function is called only when the user clicks)."""
    download(data, file_name, key=key, label=label)


def chart(fig, data: pd.DataFrame, name: str, *, empty: str | None = None) -> None:
    """A plotly chart in the reader's formats (``ui.charts.polish``) with a download of the
    data it draws; a chart with nothing to draw is replaced by a sentence (``empty``).
    ``fig`` is a figure, or a ``Drawing`` from :func:`drawn` (built and polished once)."""
    drawing = isinstance(fig, Drawing)
    if charts.is_empty(fig.figure if drawing else fig) or data is None or data.empty:
        empty_state(empty or t("common.chart_empty"))
        return
    if drawing:
        shown = fig.figure
    else:
        key = (fingerprint(pio.to_json(fig, validate=False)), language())
        shown = _POLISHED.get(key, lambda: _finished(fig, language()))
    st.plotly_chart(shown, width="stretch", key=f"chart_{name}", config=charts.plotly_config())
    download_csv(data, f"{name}.csv", key=f"dl_{name}")


@dataclass(frozen=True)
class Drawing:
    """A finished figure (polished in the reader's language), shared by every session."""

    figure: go.Figure


def drawn(draw: Callable[..., go.Figure], *args, **kwargs) -> Drawing:
    """``draw(*args, **kwargs)`` polished, for ``chart``: built once per distinct arguments
    (compared by their fingerprint: frames, dates, numbers, text) and language, then
    shared, so a warm view neither builds nor polishes the figure (plotly checks every
    property it sets: 10-30 ms a chart). ``draw`` must read nothing but its arguments and
    ``t()``."""
    lang = language()
    key = (draw.__code__.co_filename, draw.__qualname__, lang, fingerprint(args, kwargs))
    return _DRAWN.get(key, lambda: Drawing(_finished(draw(*args, **kwargs), lang)))


#: Figures built by ``drawn``, shared by every session.
_DRAWN = Memo(limit=512)
#: Finished charts by (digest of the figure as drawn, language), shared by every session:
#: the same drawing on a later view is not polished again (20-30 ms a chart, most of a
#: warm view of a page of charts). ``st.plotly_chart`` only reads them.
_POLISHED = Memo(limit=512)


def _finished(fig: go.Figure, lang: str) -> go.Figure:
    """``fig`` with the dashboard's margins and the reader's formats (``charts.polish``)."""
    margin = {"l": 10, "r": 10, "t": 40, "b": 10, **(fig.layout.margin.to_plotly_json() or {})}
    fig.update_layout(margin=margin, legend_title_text="")
    return charts.polish(fig, lang)


def empty_state(message: str) -> None:
    st.info(message, icon=":material/inbox:")
