"""Reusable pieces of page layout: KPI cards, charts with their data, downloads, empty states."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from analytics.i18n import language, t
from ui import charts, format

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


def csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV as UTF-8 with BOM, so Excel opens Chinese text intact."""
    return df.to_csv(index=False).encode("utf-8-sig")


def download_csv(df: pd.DataFrame, file_name: str, *, key: str, label: str | None = None) -> None:
    st.download_button(
        label or t("common.download_csv"),
        csv_bytes(df),
        file_name=file_name,
        mime="text/csv",
        key=key,
        icon=":material/download:",
        type="tertiary",
    )


def chart(fig, data: pd.DataFrame, name: str, *, empty: str | None = None) -> None:
    """A plotly chart in the reader's formats (``ui.charts.polish``) with a download of the
    data it draws; a chart with nothing to draw is replaced by a sentence (``empty``)."""
    if charts.is_empty(fig) or data is None or data.empty:
        empty_state(empty or t("common.chart_empty"))
        return
    margin = {"l": 10, "r": 10, "t": 40, "b": 10, **(fig.layout.margin.to_plotly_json() or {})}
    fig.update_layout(margin=margin, legend_title_text="")
    charts.polish(fig, language())
    st.plotly_chart(fig, width="stretch", key=f"chart_{name}")
    download_csv(data, f"{name}.csv", key=f"dl_{name}")


def empty_state(message: str) -> None:
    st.info(message, icon=":material/inbox:")
