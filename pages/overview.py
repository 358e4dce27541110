"""总览 Overview: KPI cards against the previous period; revenue and orders by month or week
with public holidays, Spring Festival and 618/双11/双12 marked; new vs returning customers;
top provinces; the weekly monitoring strip (new customers, AOV, repurchase rate with
anomalies flagged and explained). With an empty database: load the demo shop or go import."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import kpis, monitoring, regions, seasonality, views
from analytics.i18n import t
from analytics.importers.identity import unknown_buyers
from ui import action_sections, charts, format, state
from ui.demo import offer_demo_shop
from ui.widgets import chart, drawn, empty_state, kpi_cards

#: Weeks drawn in the weekly sales chart and in the monitoring strip.
SALES_WEEKS = 52
MONITOR_WEEKS = views.MONITOR_WEEKS  # the stored default view's
HOLIDAY_FILL = "rgba(99, 110, 250, 0.15)"
SPRING_FILL = "rgba(228, 87, 86, 0.2)"
SHOPPING_LINE = "rgba(214, 39, 40, 0.55)"
FLAG_COLOR = "#d62728"
ORDERS_LINE = "#ff7f0e"


def draw_marks(fig: go.Figure, marks: pd.DataFrame, lang: str) -> None:
    """Holiday periods as bands, shopping festivals as dashed lines; Spring Festival and
    the festivals labelled on top, every mark named on hover (triangles at the bottom).
    The shapes and labels are added in one layout update (plotly re-checks every shape on
    each ``add_vrect``: twenty years of marks took seconds)."""
    names = marks[f"name_{lang}"]
    shapes, labels = [], []
    for mark, name in zip(marks.itertuples(index=False), names, strict=True):
        if mark.kind == "shopping":
            line = {"dash": "dash", "color": SHOPPING_LINE, "width": 1}
            shape = {"type": "line", "x0": mark.date, "x1": mark.date, "line": line}
        else:
            fill = SPRING_FILL if mark.kind == "spring_festival" else HOLIDAY_FILL
            end = mark.end + pd.Timedelta(days=1)
            shape = {"type": "rect", "x0": mark.start, "x1": end, "fillcolor": fill}
            shape |= {"line": {"width": 0}, "layer": "above"}
        shapes.append(shape | {"xref": "x", "yref": "y domain", "y0": 0, "y1": 1})
        if mark.kind != "public_holiday":
            labels.append(
                {
                    "x": mark.date,
                    "y": 1,
                    "yref": "paper",
                    "text": name,
                    "showarrow": False,
                    "textangle": -90,
                    "xanchor": "center",
                    "yanchor": "bottom",
                    "font": {"size": 10, "color": "#666"},
                }
            )
    fig.update_layout(
        shapes=[*fig.layout.shapes, *shapes], annotations=[*fig.layout.annotations, *labels]
    )
    fig.add_scatter(
        x=marks["date"],
        y=[0] * len(marks),
        mode="markers",
        marker={"symbol": "triangle-up", "size": 9, "color": "#888"},
        hovertext=names,
        hoverinfo="text+x",
        name=t("monitoring.sales.marks_trace"),
    )


def sales_figure(sales: pd.DataFrame, grain: str, as_of, lang: str) -> go.Figure:
    """Revenue bars and the orders line per month or week, the running period hatched and
    dashed, the calendar marked."""
    if grain == "week":
        title = t("monitoring.sales.title_week", weeks=SALES_WEEKS)
        bar_period = {"xperiod": 7 * 24 * 3600 * 1000, "xperiod0": "2024-01-01"}  # a Monday
    else:
        title = t("monitoring.sales.title_month")
        bar_period = {"xperiod": "M1"}
    marks = seasonality.marks_for_periods(sales["period_start"], grain)
    fig = go.Figure()
    # The period holding the as-of date is still running: hatched bar, dashed line to it.
    running = charts.unfinished(sales["period_start"], grain, as_of)
    fig.add_bar(
        x=sales["period_start"],
        y=sales["revenue"],
        name=t("kpi.revenue"),
        xperiodalignment="middle",
        marker={"pattern": {"shape": ["/" if r else "" for r in running]}},
        **bar_period,
    )
    done = sales[[not r for r in running]]
    fig.add_scatter(
        x=done["period_start"],
        y=done["orders"],
        name=t("kpi.valid_orders"),
        yaxis="y2",
        mode="lines+markers",
        xperiodalignment="middle",
        line={"color": ORDERS_LINE},
        **bar_period,
    )
    if any(running) and len(sales) > 1:
        tail = sales.tail(2)
        fig.add_scatter(
            x=tail["period_start"],
            y=tail["orders"],
            name=t("overview.unfinished"),
            yaxis="y2",
            mode="lines+markers",
            xperiodalignment="middle",
            line={"color": ORDERS_LINE, "dash": "dash"},
            marker={"symbol": ["circle", "circle-open"]},
            **bar_period,
        )
    draw_marks(fig, marks, lang)
    fig.update_layout(
        title=title,
        yaxis={"title": t("kpi.revenue")},
        yaxis2={"title": t("kpi.valid_orders"), "overlaying": "y", "side": "right"},
        legend={"orientation": "h", "y": -0.15},
        height=480,
    )
    labels = marks.loc[marks["kind"] != "public_holiday", f"name_{lang}"]
    charts.labels_above(fig, list(labels))
    return fig


def new_vs_returning_figure(monthly: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    fig.add_bar(x=monthly["period_start"], y=monthly["new_customers"], name=t("overview.new"))
    fig.add_bar(
        x=monthly["period_start"], y=monthly["returning_customers"], name=t("overview.returning")
    )
    fig.update_layout(
        title=t("overview.new_vs_returning"),
        barmode="stack",
        legend={"orientation": "h", "y": -0.15},
        height=460,
    )
    return fig


def provinces_figure(top: pd.DataFrame, lang: str) -> go.Figure:
    fig = go.Figure(
        go.Bar(
            x=top["revenue"][::-1],
            y=[format.province(p, lang) for p in top["province"][::-1]],
            orientation="h",
            text=[f"{share:.1%}" for share in top["revenue_share"][::-1]],
            textposition="auto",
        )
    )
    fig.update_layout(title=t("overview.top_provinces"), height=460)
    return fig


def monitor_figure(weekly: pd.DataFrame, metric: str, lang: str) -> go.Figure:
    """One metric of the weekly strip: the weeks, their baseline and the flagged weeks."""
    flagged = weekly[weekly[f"{metric}_flag"]]
    symbols = ["circle-open" if partial else "circle" for partial in weekly["partial"]]
    fig = go.Figure()
    fig.add_scatter(
        x=weekly["week_start"],
        y=weekly[f"{metric}_baseline"],
        mode="lines",
        line={"dash": "dot", "color": "#999"},
        name=t("monitoring.strip.baseline"),
    )
    fig.add_scatter(
        x=weekly["week_start"],
        y=weekly[metric],
        mode="lines+markers",
        marker={"symbol": symbols},
        name=t(f"monitoring.metric.{metric}"),
        customdata=weekly[f"marks_{lang}"],
        hovertemplate=f"%{{x|{charts.DATE_FORMATS[lang]['day_year']}}}: %{{y"
        + {"repurchase_rate": ":.1%", "aov": ":,.2f"}.get(metric, ":,.0f")
        + "}<br>%{customdata}<extra></extra>",
    )
    fig.add_scatter(
        x=flagged["week_start"],
        y=flagged[metric],
        mode="markers",
        marker={"color": FLAG_COLOR, "size": 12, "line": {"width": 2, "color": "white"}},
        name=t("monitoring.strip.flagged"),
    )
    fig.update_layout(
        title=t(f"monitoring.metric.{metric}"),
        height=260,
        showlegend=False,
        yaxis={"tickformat": ".0%"} if metric == "repurchase_rate" else {},
    )
    return fig


ctx = state.context()
st.title(t("overview.title"))

if ctx.empty:
    empty_state(t("overview.empty"))
    offer_demo_shop()
    st.page_link("pages/import.py", label=t("overview.go_import"), icon=":material/upload_file:")
    st.stop()

# Orders whose buyer the export hid (encrypted, masked) are sales but no customer: say so.
unknown = state.cached(unknown_buyers, shop=ctx.shop)
if unknown.unknown:
    st.warning(unknown.notice(), icon=":material/person_off:")

days = st.segmented_control(
    t("overview.period"),
    (30, 90, 365),
    default=30,
    format_func=lambda d: t("overview.last_days", days=d),
    key="overview_days",
)
st.caption(t("overview.period.help", as_of=ctx.as_of, days=days or 30))
kpi_cards(state.cached(kpis.kpi_change, as_of=ctx.as_of, days=days or 30, shop=ctx.shop))

# Revenue and orders by month (all time) or by week (the last 52 weeks), with the calendar.
grain = (
    st.segmented_control(
        t("monitoring.sales.granularity"),
        seasonality.PERIODS,
        default="month",
        format_func=lambda p: t(f"monitoring.sales.{p}"),
        key="overview_grain",
    )
    or "month"
)
if grain == "week":
    start, end = seasonality.weeks_back(ctx.as_of, SALES_WEEKS)
    sales = state.cached(
        seasonality.sales_with_marks, period="week", start=start, end=end, shop=ctx.shop
    )
else:
    sales = state.cached(seasonality.sales_with_marks, period="month", shop=ctx.shop)
chart(drawn(sales_figure, sales, grain, ctx.as_of, ctx.lang), sales, f"sales_by_{grain}")
st.caption(t("monitoring.sales.caption"))

# The monthly sales of the chart above (the same call: computed, or stored, once).
monthly = state.cached(seasonality.sales_with_marks, period="month", shop=ctx.shop)
left, right = st.columns(2)
with left:
    chart(
        drawn(new_vs_returning_figure, monthly),
        monthly[["period_start", "new_customers", "returning_customers"]],
        "new_vs_returning",
    )
with right:
    top = state.cached(regions.provinces, limit=15, shop=ctx.shop)
    chart(drawn(provinces_figure, top, ctx.lang), top, "top_provinces")

# Who to contact in the next 30 days, when and why (issue 15).
action_sections.agenda_section(ctx)

# Weekly monitoring strip (seed 003): flagged weeks in red, explained below.
st.subheader(t("monitoring.strip.title"), help=t("monitoring.strip.help"))
st.caption(t("monitoring.strip.caption", weeks=MONITOR_WEEKS))
weekly = state.cached(
    monitoring.weekly_monitor, as_of=ctx.as_of, weeks=MONITOR_WEEKS, shop=ctx.shop
)
if weekly.empty:
    empty_state(t("monitoring.strip.empty"))
    st.stop()
if not weekly["orders"].any():
    # no order in the window: three flat or empty charts would say nothing
    empty_state(t("monitoring.strip.quiet", weeks=MONITOR_WEEKS))
    st.stop()
for column, metric in zip(st.columns(3), monitoring.METRICS, strict=True):
    columns = [
        "week_start",
        "days",
        "partial",
        metric,
        f"{metric}_baseline",
        f"{metric}_z",
        f"{metric}_flag",
        f"marks_{ctx.lang}",
    ]
    with column:
        chart(drawn(monitor_figure, weekly, metric, ctx.lang), weekly[columns], f"monitor_{metric}")

sentences = monitoring.explain_anomalies(weekly, ctx.lang)
if sentences:
    st.markdown("\n".join(f"- {sentence}" for sentence in sentences))
elif weekly["new_customers_baseline"].isna().all():
    st.info(t("monitoring.strip.too_short", weeks=monitoring.MIN_BASELINE + 1))
else:
    st.success(t("monitoring.strip.none", weeks=MONITOR_WEEKS))
