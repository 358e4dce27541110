"""总览 Overview: KPI cards against the previous period, sales by month, new vs returning
customers, top provinces. With an empty database: load the demo shop or go import."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from analytics import kpis, regions
from analytics.i18n import t
from ui import state
from ui.demo import offer_demo_shop
from ui.widgets import chart, empty_state, kpi_cards

ctx = state.context()
st.title(t("overview.title"))

if ctx.empty:
    empty_state(t("overview.empty"))
    offer_demo_shop()
    st.page_link("pages/import.py", label=t("overview.go_import"), icon=":material/upload_file:")
    st.stop()

days = st.segmented_control(
    t("overview.period"),
    (30, 90, 365),
    default=30,
    format_func=lambda d: t("overview.last_days", days=d),
    key="overview_days",
)
st.caption(t("overview.period.help", as_of=ctx.as_of, days=days or 30))
kpi_cards(state.cached(kpis.kpi_change, as_of=ctx.as_of, days=days or 30, shop=ctx.shop))

monthly = state.cached(kpis.sales_by_period, period="month", shop=ctx.shop)
left, right = st.columns(2)
with left:
    fig = go.Figure()
    fig.add_bar(x=monthly["period_start"], y=monthly["revenue"], name=t("kpi.revenue"))
    fig.add_scatter(
        x=monthly["period_start"],
        y=monthly["orders"],
        name=t("kpi.valid_orders"),
        yaxis="y2",
        mode="lines+markers",
    )
    fig.update_layout(
        title=t("overview.sales_by_month"),
        yaxis={"title": t("kpi.revenue")},
        yaxis2={"title": t("kpi.valid_orders"), "overlaying": "y", "side": "right"},
        legend={"orientation": "h", "y": -0.15},
    )
    chart(fig, monthly, "sales_by_month")
with right:
    fig = go.Figure()
    fig.add_bar(x=monthly["period_start"], y=monthly["new_customers"], name=t("overview.new"))
    fig.add_bar(
        x=monthly["period_start"], y=monthly["returning_customers"], name=t("overview.returning")
    )
    fig.update_layout(
        title=t("overview.new_vs_returning"),
        barmode="stack",
        legend={"orientation": "h", "y": -0.15},
    )
    chart(fig, monthly[["period_start", "new_customers", "returning_customers"]], "new_vs_returning")

top = state.cached(regions.provinces, limit=15, shop=ctx.shop)
fig = go.Figure(
    go.Bar(
        x=top["revenue"][::-1],
        y=top["province"][::-1],
        orientation="h",
        text=[f"{share:.1%}" for share in top["revenue_share"][::-1]],
        textposition="auto",
    )
)
fig.update_layout(title=t("overview.top_provinces"), height=460)
chart(fig, top, "top_provinces")
