"""同期群 Cohorts: buyers grouped by the month (or week) of their first valid order; a heatmap
of retention, revenue or orders by cohort age, and cumulative revenue per customer curves
of the latest cohorts, each with its data, plus the full cohort table to download."""

from __future__ import annotations

import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from analytics import cohorts
from analytics.i18n import t
from ui import charts, format, state
from ui.widgets import chart, download_csv, drawn, empty_state

HEATMAP_METRICS = ("retention", "revenue", "orders")
CELL_FORMAT = {"retention": ".0%", "revenue": ",.0f", "orders": ",.0f"}
#: Cohorts drawn in the heatmap: three years of months, one year of weeks.
HEATMAP_COHORTS = {"month": 36, "week": 52}
CURVE_COHORTS = 12
#: Write the value in each cell only while the grid is narrow enough to read it.
CELL_TEXT_MAX_AGES = 18

ctx = state.context()
st.title(t("cohorts.title"))

if ctx.empty:
    empty_state(t("cohorts.empty"))
    st.stop()

left, right = st.columns(2)
period = (
    left.segmented_control(
        t("cohorts.period"),
        cohorts.PERIODS,
        default="month",
        format_func={p: t(f"cohorts.period.{p}") for p in cohorts.PERIODS}.get,
        key="cohorts_period",
    )
    or "month"
)
metric = (
    right.segmented_control(
        t("cohorts.metric"),
        HEATMAP_METRICS,
        default="retention",
        format_func={m: t(f"cohorts.metric.{m}") for m in HEATMAP_METRICS}.get,
        key="cohorts_metric",
    )
    or "retention"
)
st.caption(t("cohorts.intro", unit=t(f"cohorts.unit.{period}"), as_of=ctx.as_of))

table = state.cached(cohorts.cohort_table, period=period, as_of=ctx.as_of, shop=ctx.shop)
if table.empty:
    empty_state(t("cohorts.none"))
    st.stop()


def cohort_label(cohort: str, period: str, lang: str) -> str:
    """A cohort as the reader says it: 2024年1月 / Jan 2024, 2026年第18周（4月27日起）."""
    if period == "month":
        return format.month(f"{cohort}-01", lang)
    return format.week(cohort, lang)


def heatmap_figure(matrix, metric: str, period: str, lang: str) -> go.Figure:
    """``metric`` per cohort (rows, newest last) and age (columns)."""
    low, high = cohorts.color_range(matrix)
    cell = CELL_FORMAT[metric]
    fig = go.Figure(
        go.Heatmap(
            z=matrix.to_numpy(),
            x=[str(age) for age in matrix.columns],
            y=[cohort_label(c, period, lang) for c in matrix.index],
            zmin=low,
            zmax=high,
            colorscale="Blues",
            hoverongaps=False,
            texttemplate=f"%{{z:{cell}}}" if matrix.shape[1] <= CELL_TEXT_MAX_AGES else None,
            hovertemplate=f"%{{y}} · %{{x}}: %{{z:{cell}}}<extra></extra>",
            colorbar={"tickformat": cell},
        )
    )
    fig.update_layout(
        title=t("cohorts.heatmap", metric=t(f"cohorts.metric.{metric}")),
        xaxis={"title": t(f"cohorts.axis.age.{period}"), "type": "category"},
        yaxis={"title": t("cohorts.axis.cohort"), "autorange": "reversed", "type": "category"},
        height=max(420, 22 * len(matrix) + 140),
    )
    return fig


def curves_figure(curves, period: str, lang: str) -> go.Figure:
    """Cumulative revenue per customer by age, one line per cohort."""
    fig = px.line(
        curves.assign(cohort=[cohort_label(c, period, lang) for c in curves["cohort"]]),
        x="age",
        y="revenue_per_customer_cum",
        color="cohort",
        markers=period == "month",
        # one colour per cohort: 24 distinct colours before any repeats
        color_discrete_sequence=charts.distinct_colors(curves["cohort"].nunique()),
        labels={
            "age": t(f"cohorts.axis.age.{period}"),
            "revenue_per_customer_cum": t("cohorts.axis.revenue_per_customer"),
            "cohort": t("cohorts.axis.cohort"),
        },
    )
    fig.update_layout(title=t("cohorts.curves", n=CURVE_COHORTS))
    return fig


# Heatmap -----------------------------------------------------------------------------
last = HEATMAP_COHORTS[period]
matrix = cohorts.cohort_matrix(table, metric, last=last)
chart(
    drawn(heatmap_figure, matrix, metric, period, ctx.lang),
    matrix.reset_index(),
    f"cohort_heatmap_{period}_{metric}",
)
if table["cohort"].nunique() > last:
    st.caption(t("cohorts.heatmap.last", n=last))

# Cumulative revenue per customer -----------------------------------------------------
curves = cohorts.revenue_curves(table, last=CURVE_COHORTS)
chart(
    drawn(curves_figure, curves, period, ctx.lang),
    curves,
    f"cohort_revenue_curves_{period}",
)

download_csv(
    table,
    f"cohorts_{period}_{ctx.as_of}.csv",
    key=f"dl_cohort_table_{period}",
    label=t("cohorts.download_table"),
)
