"""生命周期 Lifecycle: buyers per stage with their revenue, stage flows between two dates
(Sankey), customer types and the 1st → 4th+ order funnel, the stage settings, and the
customer list of one stage with a search box and a download."""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import timedelta

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import lifecycle, settings
from analytics.errors import InputError
from analytics.i18n import t
from ui import auth, charts, format, state, tables
from ui.deferred import whole_list
from ui.widgets import chart, download, download_csv, drawn, empty_state

#: Greens for buyers still close to the shop, through amber to grey for the lost; the same
#: colours on every page (``ui.charts``).
STAGE_COLORS = {lifecycle.NEW: charts.STAGE_COLORS["new"], **charts.STAGE_COLORS}
#: Rows shown in the customer table (the download has them all).
LIST_ROWS = 1000

ctx = state.context()
st.title(t("lifecycle.title"))

if ctx.empty:
    empty_state(t("lifecycle.empty"))
    st.stop()

# The per-customer figures read the stored scores: built here once per data version
# when an import left them to the first reader (with a progress bar).
state.scored_as_of()
con = state.cursor()
cuts = lifecycle.stage_cuts(con)
type_settings = lifecycle.customer_type_settings(con)
st.caption(t("lifecycle.intro", as_of=ctx.as_of, **asdict(cuts)))


def _translucent(color: str, alpha: float = 0.35) -> str:
    """``#2b8a3e`` → ``rgba(43, 138, 62, 0.35)``: a Sankey link in its source's colour."""
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, {alpha})"


def stage_name(stage: str) -> str:
    return t(f"lifecycle.stage.{stage}")


def stage_range(stage: str, cuts: lifecycle.StageCuts) -> str:
    low, high = cuts.bounds()[stage]
    if high is None:
        return t("lifecycle.stage.range_open", days=cuts.at_risk)
    return t("lifecycle.stage.range", low=low, high=high)


def stages_figure(stages: pd.DataFrame, cuts: lifecycle.StageCuts) -> go.Figure:
    """Buyers per stage (its day range beneath its name), their revenue above the bar."""

    fig = go.Figure(
        go.Bar(
            x=[f"{stage_name(s)}<br><sub>{stage_range(s, cuts)}</sub>" for s in stages["stage"]],
            y=stages["customers"],
            text=[t("lifecycle.revenue_label", revenue=r) for r in stages["revenue"]],
            textposition="outside",
            marker_color=[STAGE_COLORS[s] for s in stages["stage"]],
            customdata=stages[["customers_share", "revenue_share"]],
            hovertemplate=(
                f"%{{y:,}} {t('lifecycle.customers')} (%{{customdata[0]:.1%}})<br>"
                f"{t('lifecycle.revenue')} %{{text}} (%{{customdata[1]:.1%}})<extra></extra>"
            ),
        )
    )
    fig.update_layout(title=t("lifecycle.stages_chart"), yaxis={"title": t("lifecycle.customers")})
    return fig


def flows_figure(flows: pd.DataFrame, start, end) -> go.Figure:
    """Buyers moving from their stage on ``start`` to their stage on ``end`` (Sankey)."""
    sources = [s for s in (lifecycle.NEW, *lifecycle.STAGES) if s in set(flows["from_stage"])]
    targets = [s for s in lifecycle.STAGES if s in set(flows["to_stage"])]
    nodes = [*sources, *targets]
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            node={
                "label": [stage_name(s) for s in nodes],
                "color": [STAGE_COLORS[s] for s in nodes],
                "pad": 18,
                "line": {"width": 0},
            },
            textfont={"color": "#1f2937", "size": 13},
            link={
                "color": [_translucent(STAGE_COLORS[s]) for s in flows["from_stage"]],
                "source": [sources.index(s) for s in flows["from_stage"]],
                "target": [len(sources) + targets.index(s) for s in flows["to_stage"]],
                "value": flows["customers"],
            },
        )
    )
    fig.update_layout(title=t("lifecycle.flows.chart", start=start, end=end), height=460)
    return fig


def types_figure(types: pd.DataFrame) -> go.Figure:
    fig = go.Figure(
        go.Bar(
            x=[t(f"lifecycle.type.{k}") for k in types["customer_type"]],
            y=types["customers"],
            text=[t("lifecycle.revenue_label", revenue=r) for r in types["revenue"]],
            textposition="outside",
            marker_color=charts.color_list(types["customer_type"], charts.CUSTOMER_TYPE_COLORS),
        )
    )
    fig.update_layout(title=t("lifecycle.types.chart"), yaxis={"title": t("lifecycle.customers")})
    return fig


def funnel_figure(funnel: pd.DataFrame) -> go.Figure:
    """Buyers reaching their 1st, 2nd, 3rd and 4th+ order, with the conversion and the
    median days from the step before."""
    steps, texts = [], []
    for row in funnel.itertuples():
        steps.append(
            t("lifecycle.funnel.step_last")
            if row.step == lifecycle.FUNNEL_STEPS[-1]
            else t("lifecycle.funnel.step", n=row.step)
        )
        if row.step == 1:
            texts.append("")
        elif pd.notna(row.median_days_from_previous):
            texts.append(
                t(
                    "lifecycle.funnel.text",
                    conversion=row.conversion,
                    days=row.median_days_from_previous,
                )
            )
        else:
            texts.append(t("lifecycle.funnel.text_no_days", conversion=row.conversion))
    fig = go.Figure(
        go.Funnel(
            y=steps,
            x=funnel["customers"],
            text=texts,
            texttemplate="%{x:,}<br>%{text}",
            textinfo="none",
            marker={"color": ["#7fb3d5", "#8cc084", "#3fa06b", "#2e8b57"]},
        )
    )
    fig.update_layout(title=t("lifecycle.funnel"))
    return fig


# Stages ------------------------------------------------------------------------------
stages = state.cached(lifecycle.lifecycle, as_of=ctx.as_of, shop=ctx.shop)
chart(drawn(stages_figure, stages, cuts), stages, "lifecycle_stages")

# Stage flows -------------------------------------------------------------------------
st.subheader(t("lifecycle.flows"))
st.caption(t("lifecycle.flows.help"))
left, right = st.columns(2)
start = left.date_input(
    t("lifecycle.flows.start"),
    value=ctx.as_of - timedelta(days=90),
    max_value=ctx.as_of,
    key=f"lifecycle_flow_start_{ctx.as_of}",
)
end = right.date_input(
    t("lifecycle.flows.end"), value=ctx.as_of, key=f"lifecycle_flow_end_{ctx.as_of}"
)
if not start or not end or start >= end:
    st.warning(t("lifecycle.flows.bad_range"))
else:
    flows = state.cached(lifecycle.stage_flows, start=start, end=end, shop=ctx.shop)
    if flows.empty:
        empty_state(t("lifecycle.flows.none"))
    else:
        chart(drawn(flows_figure, flows, start, end), flows, "lifecycle_flows")

# Customer types and the order funnel -------------------------------------------------
left, right = st.columns(2)
with left:
    st.subheader(t("lifecycle.types"))
    st.caption(t("lifecycle.types.help", **asdict(type_settings)))
    types = state.cached(lifecycle.customer_type_summary, as_of=ctx.as_of, shop=ctx.shop)
    chart(drawn(types_figure, types), types, "customer_types")
    onboarding = state.cached(lifecycle.onboarding_customers, as_of=ctx.as_of, shop=ctx.shop)
    if not onboarding.empty:
        st.info(
            t(
                "lifecycle.onboarding",
                n=format.count(len(onboarding)),
                days=type_settings.onboarding_days,
            ),
            icon=":material/waving_hand:",
        )
        download_csv(
            onboarding,
            f"onboarding_{ctx.as_of}.csv",
            key="dl_lifecycle_onboarding",
            label=t("lifecycle.onboarding.download"),
        )
with right:
    st.subheader(t("lifecycle.funnel"))
    st.caption(t("lifecycle.funnel.help"))
    funnel = state.cached(lifecycle.order_funnel, as_of=ctx.as_of, shop=ctx.shop)
    chart(drawn(funnel_figure, funnel), funnel, "order_funnel")

# Settings ----------------------------------------------------------------------------
with st.expander(t("lifecycle.settings")):
    st.caption(t("lifecycle.settings.help"))
    if st.session_state.pop("lifecycle_settings_saved", False):
        st.success(t("lifecycle.settings.saved"))
    with st.form("lifecycle_settings"):
        st.markdown(t("lifecycle.settings.stages"))
        columns = st.columns(4)
        cut_values = {
            f.name: column.number_input(
                t(f"lifecycle.settings.{f.name}"),
                min_value=1,
                step=1,
                value=getattr(cuts, f.name),
            )
            for f, column in zip(fields(lifecycle.StageCuts), columns, strict=True)
        }
        st.markdown(t("lifecycle.settings.types"))
        columns = st.columns(3)
        type_values = {
            f.name: column.number_input(
                t(f"lifecycle.settings.{f.name}"),
                min_value=1,
                step=1,
                value=getattr(type_settings, f.name),
            )
            for f, column in zip(fields(lifecycle.CustomerTypeSettings), columns, strict=True)
        }
        save_col, reset_col = st.columns([1, 4])
        owner = auth.can("settings")
        save = save_col.form_submit_button(
            t("lifecycle.settings.save"), type="primary", disabled=not owner
        )
        reset = reset_col.form_submit_button(t("lifecycle.settings.reset"), disabled=not owner)
    if save or reset:
        auth.require("settings")
        try:
            new_cuts = lifecycle.StageCuts() if reset else lifecycle.StageCuts(**cut_values)
            new_types = (
                lifecycle.CustomerTypeSettings()
                if reset
                else lifecycle.CustomerTypeSettings(**type_values)
            )
        except InputError as exc:
            st.error(t("lifecycle.settings.invalid", reason=exc))
        else:
            with state.write() as con:
                settings.save(con, lifecycle.STAGE_SETTINGS, new_cuts)
                settings.save(con, lifecycle.TYPE_SETTINGS, new_types)
            st.session_state["lifecycle_settings_saved"] = True
            st.rerun()

# Customers of one stage --------------------------------------------------------------
st.subheader(t("lifecycle.list"))
left, right = st.columns([1, 2])
stage_labels = {
    s: t("lifecycle.list.stage_option", name=stage_name(s), range=stage_range(s, cuts))
    for s in lifecycle.STAGES
}
stage = left.selectbox(
    t("lifecycle.list.stage"),
    lifecycle.STAGES,
    format_func=stage_labels.get,
    key="lifecycle_list_stage",
)
search = right.text_input(t("lifecycle.list.search"), key="lifecycle_list_search")
query = {"as_of": ctx.as_of, "stage": stage, "search": search.strip() or None, "shop": ctx.shop}
rows = state.cached(lifecycle.stage_customers, **query, limit=LIST_ROWS)
if rows.empty:
    empty_state(t("lifecycle.list.none"))
else:
    total = state.cached(lifecycle.stage_customer_count, **query)
    st.caption(t("lifecycle.list.count", n=f"{total:,}"))
    shown = rows.drop(columns=["stage"])
    tables.show(
        shown,
        {
            "platform": "platform",
            "last_order_date": "day",
            "days_since_last": "days",
            "valid_orders": "count",
            "revenue": "money_fen",
        },
        {c: t(f"lifecycle.col.{c}") for c in shown.columns},
    )
    if total > LIST_ROWS:
        st.caption(t("lifecycle.list.truncated", shown=f"{LIST_ROWS:,}", n=f"{total:,}"))
    download(  # the whole list, built when clicked
        whole_list(lifecycle.stage_customers, **query),
        f"customers_{stage}_{ctx.as_of}.csv",
        key="dl_lifecycle_list",
        label=t("lifecycle.list.download"),
    )
