"""复购与流失 Repurchase & churn: repurchase cycles by product or category, the reminder
list, the churn warning, and the purchase models (P(alive) heat map, holdout check, top
customers by CLV). Model failures (too few customers or repeat buyers) show as warnings."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import clv, repurchase, scores, settings, views
from analytics.errors import InputError
from analytics.i18n import t
from ui import action_sections, format, state, tables
from ui.widgets import chart, download_csv, drawn, empty_state

ctx = state.context()
st.title(t("repurchase.title"))

if ctx.empty:
    empty_state(t("repurchase.empty"))
    st.page_link("pages/import.py", label=t("repurchase.go_import"), icon=":material/upload_file:")
    st.stop()

st.caption(t("repurchase.intro", as_of=ctx.as_of))
cfg = repurchase.load_settings(state.cursor())


def cycles_figure(cycles: pd.DataFrame, level: str) -> go.Figure:
    """The median days between purchases per product (or category), with its 25%-75% range
    as a thin floating bar beside it (drawn across the median bar, it crossed the label)."""
    fig = go.Figure()
    fig.add_bar(
        x=cycles[level],
        y=cycles["median_days"],
        name=t("repurchase.cycles.median"),
        offset=-0.36,
        width=0.56,
        text=[f"{d:g}" for d in cycles["median_days"]],
        textposition="inside",
        insidetextanchor="start",
        customdata=cycles[["customers", "purchases"]],
        hovertemplate=(
            f"%{{x}}<br>{t('repurchase.col.median_days')} %{{y:g}}<br>"
            f"{t('repurchase.col.customers')} %{{customdata[0]:,}}<br>"
            f"{t('repurchase.col.purchases')} %{{customdata[1]:,}}<extra></extra>"
        ),
    )
    fig.add_bar(
        x=cycles[level],
        y=cycles["p75_days"] - cycles["p25_days"],
        base=cycles["p25_days"],
        name=t("repurchase.cycles.spread"),
        offset=0.24,
        width=0.1,
        marker={"color": "#555555"},
        customdata=cycles[["p25_days", "p75_days"]],
        hovertemplate=(
            f"%{{x}}<br>{t('repurchase.cycles.spread')}: "
            "%{customdata[0]:g}–%{customdata[1]:g}<extra></extra>"
        ),
    )
    fig.update_layout(
        title=t("repurchase.cycles.chart"),
        yaxis={"title": t("repurchase.col.median_days")},
        legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.02, "yanchor": "bottom"},
    )
    return fig


def p_alive_figure(alive: pd.DataFrame) -> go.Figure:
    """P(alive) by days since the last purchase (rows) and purchase count (columns)."""
    grid = alive.pivot(index="days_since_bucket", columns="frequency_bucket", values="p_alive")
    grid = grid.reindex(
        index=[b for b in repurchase.DAYS_SINCE_LABELS if b in grid.index],
        columns=[b for b in repurchase.FREQUENCY_LABELS if b in grid.columns],
    )
    fig = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(),
            x=list(grid.columns),
            y=list(grid.index),
            zmin=0,
            zmax=1,
            colorscale="RdYlGn",
            colorbar={"tickformat": ".0%"},
            text=[[f"{v:.0%}" if pd.notna(v) else "" for v in row] for row in grid.to_numpy()],
            texttemplate="%{text}",
            hovertemplate="%{x} / %{y}: %{z:.1%}<extra></extra>",
        )
    )
    fig.update_layout(
        xaxis={"title": t("repurchase.alive.x"), "type": "category"},
        yaxis={"title": t("repurchase.alive.y"), "type": "category", "autorange": "reversed"},
        height=420,
    )
    return fig


def holdout_figure(check: pd.DataFrame) -> go.Figure:
    """Predicted against actual repeat purchases in the holdout, per purchase count."""
    fig = go.Figure()
    for column in ("predicted", "actual"):
        fig.add_bar(
            x=check["frequency_bucket"],
            y=check[column],
            name=t(f"repurchase.holdout.{column}"),
            customdata=check["customers"],
            hovertemplate=(
                f"%{{y:.2f}} ({t('repurchase.col.customers')} %{{customdata:,}})<extra></extra>"
            ),
        )
    fig.update_layout(
        title=t("repurchase.holdout.chart"),
        barmode="group",
        xaxis={"title": t("repurchase.holdout.x"), "type": "category"},
        legend={"orientation": "h", "y": -0.2},
    )
    return fig


def labelled(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The table with its column names in ``lang`` (downloaded)."""
    out = df.rename(columns={c: t(f"repurchase.col.{c}", lang=lang) for c in df.columns})
    basis = t("repurchase.col.basis", lang=lang)
    if basis in out:
        out[basis] = basis_words(out[basis], lang)
    return out


def basis_words(basis: pd.Series, lang: str) -> pd.Series:
    """How each expected date was found, in words (one lookup per kind, not per row)."""
    words = {b: t(f"repurchase.basis.{b}", lang=lang) for b in basis.dropna().unique()}
    return basis.map(words)


#: How the list columns read (``ui.tables`` kinds).
KINDS = {
    "platform": "platform",
    "last_purchase": "day",
    "expected_date": "day",
    "remind_date": "day",
    "last_order_date": "day",
    "cycle_days": "days",
    "median_days": "days",
    "p25_days": "days",
    "p75_days": "days",
    "days_until_expected": "days",
    "days_since_last": "days",
    "expected_gap_days": "days",
    "overdue_ratio": "number",
    "revenue": "money_fen",
    "value_at_risk": "money",
    "p_alive": "percent",
    "expected_purchases": "number",
    "expected_aov": "money_fen",
    "clv": "money_fen",
    "customers": "count",
    "purchases": "count",
    "buyers": "count",
    "frequency": "count",
}


def show_table(df: pd.DataFrame, labels: dict | None = None) -> None:
    """``df`` on the page in the reader's formats, columns in the UI language."""
    names = {c: t(f"repurchase.col.{c}") for c in df.columns} | (labels or {})
    # The buyer and what matters about them first; the expected value right after the
    # name; the shop (the same on most rows) last, so nothing important scrolls away.
    first = [c for c in ("customer_id", "customer_name", "clv") if c in df.columns]
    last = [c for c in ("platform", "shop") if c in df.columns]
    shown = df[[*first, *[c for c in df.columns if c not in first + last], *last]].copy()
    if "basis" in shown:
        shown["basis"] = basis_words(shown["basis"], ctx.lang)
    tables.show(shown, KINDS, names)


#: Rows of a customer list shown on the page (the download holds every row).
SHOWN_ROWS = 1000


def customer_list(df: pd.DataFrame, name: str, labels: dict | None = None) -> None:
    if len(df) > SHOWN_ROWS:  # a long list reaches the browser only in its download
        st.caption(t("segments.list.first_rows", shown=SHOWN_ROWS, n=len(df)))
    show_table(df.head(SHOWN_ROWS), labels)
    download_csv(  # the whole list is labelled and written only when clicked
        lambda lang=ctx.lang: labelled(df, lang),
        f"{name}_{ctx.as_of}.csv",
        key=f"dl_{name}",
        label=t("repurchase.download"),
    )


tab_cycles, tab_reminders, tab_churn, tab_value = st.tabs(
    [
        t("repurchase.tab.cycles"),
        t("repurchase.tab.reminders"),
        t("repurchase.tab.churn"),
        t("repurchase.tab.value"),
    ]
)

# Cycles ------------------------------------------------------------------------------
with tab_cycles:
    st.caption(t("repurchase.cycles.help"))
    left, right = st.columns(2)
    level = (
        left.segmented_control(
            t("repurchase.level"),
            repurchase.LEVELS,
            default="product",
            format_func=lambda lv: t(f"repurchase.level.{lv}"),
            key="repurchase_level",
        )
        or "product"
    )
    min_customers = right.number_input(
        t("repurchase.min_customers"),
        min_value=1,
        value=cfg.min_customers,
        help=t("repurchase.min_customers.help"),
        key="repurchase_min_customers",
    )
    cycles = state.cached(
        repurchase.product_cycles,
        as_of=ctx.as_of,
        level=level,
        min_customers=int(min_customers),
        settings=cfg,
        shop=ctx.shop,
    )
    if cycles.empty:
        empty_state(t("repurchase.cycles.none", n=int(min_customers)))
    else:
        chart(drawn(cycles_figure, cycles, level), cycles, f"repurchase_cycles_{level}")
        show_table(cycles)

# Reminders ---------------------------------------------------------------------------
with tab_reminders:
    left, right = st.columns(2)
    within = left.slider(
        t("repurchase.within"), 0, 60, views.REMINDER_DAYS, key="repurchase_within"
    )
    before = right.number_input(
        t("repurchase.remind_before"),
        min_value=0,
        value=cfg.remind_before_days,
        help=t("repurchase.remind_before.help"),
        key="repurchase_remind_before",
    )
    view = dataclasses.replace(cfg, remind_before_days=int(before))
    st.caption(
        t(
            "repurchase.reminders.help",
            before=view.remind_before_days,
            start=ctx.as_of,
            end=ctx.as_of + timedelta(days=within),
            recent=view.recent_paid_days,
        )
    )
    due = state.cached(
        repurchase.reminders, as_of=ctx.as_of, within_days=within, settings=view, shop=ctx.shop
    )
    if due.empty:
        empty_state(t("repurchase.reminders.none"))
    else:
        st.markdown(t("repurchase.reminders.count", n=format.count(len(due))))
        customer_list(due, "repurchase_reminders")

# Churn warning -----------------------------------------------------------------------
with tab_churn:
    factor = st.slider(
        t("repurchase.factor"),
        1.0,
        5.0,
        float(cfg.overdue_factor),
        step=0.1,
        help=t("repurchase.factor.help"),
        key="repurchase_factor",
    )
    st.caption(t("repurchase.churn.help", max_days=cfg.churn_max_days))
    overdue = state.cached(
        repurchase.churn_risk, as_of=ctx.as_of, factor=factor, settings=cfg, shop=ctx.shop
    )
    if overdue.empty:
        empty_state(t("repurchase.churn.none", factor=factor))
    else:
        st.markdown(t("repurchase.churn.count", n=format.count(len(overdue))))
        customer_list(overdue, "repurchase_churn_risk")

# Purchase models ---------------------------------------------------------------------
with tab_value:
    st.subheader(t("repurchase.alive.title"), help=t("repurchase.alive.model"))
    st.caption(t("repurchase.alive.help"))
    scored = state.use_scores(ctx)
    if scored:
        for limit, figure in scores.model_limits(state.cursor()).items():
            key = {"rate": "days", "dropout": "share"}[limit]
            st.info(t(f"scores.limit.{limit}", **{key: figure}))
    try:
        if scored:
            alive = state.cached(scores.p_alive_matrix)
        else:
            alive = state.cached(repurchase.p_alive_matrix, as_of=ctx.as_of, shop=ctx.shop)
    except InputError as exc:
        st.warning(str(exc))
    else:
        chart(drawn(p_alive_figure, alive), alive, "repurchase_p_alive")

    st.subheader(t("repurchase.holdout.title"))
    st.caption(t("repurchase.holdout.help"))
    left, right = st.columns(2)
    calibration_end = left.date_input(
        t("repurchase.holdout.calibration_end"),
        value=ctx.as_of - timedelta(days=views.HOLDOUT_DAYS),
        max_value=ctx.as_of,
        key=f"repurchase_calibration_end_{ctx.as_of}",
    )
    holdout_end = right.date_input(
        t("repurchase.holdout.holdout_end"),
        value=ctx.as_of,
        key=f"repurchase_holdout_end_{ctx.as_of}",
    )
    if not calibration_end or not holdout_end or holdout_end <= calibration_end:
        st.warning(t("repurchase.holdout.bad_range"))
    else:
        try:
            check = state.cached(
                clv.holdout_check,
                calibration_end=calibration_end,
                holdout_end=holdout_end,
                shop=ctx.shop,
            )
        except InputError as exc:
            st.warning(str(exc))
        else:
            chart(drawn(holdout_figure, check), check, "repurchase_holdout")

    st.subheader(t("repurchase.clv.title"), help=t("repurchase.clv.model"))
    st.caption(t("repurchase.clv.help"))
    c1, c2, c3, c4 = st.columns(4)
    margin = settings.gross_margin(state.cursor())
    c1.metric(
        t("repurchase.clv.margin"), format.percent(margin, 0), help=t("repurchase.clv.margin.help")
    )
    discount = c2.slider(
        t("repurchase.clv.discount"),
        0.0,
        0.5,
        0.1,
        step=0.01,
        format="percent",
        key="repurchase_discount",
    )
    horizon = c3.selectbox(
        t("repurchase.clv.horizon"), (90, 180, 365, 730), index=2, key="repurchase_horizon"
    )
    top = c4.selectbox(t("repurchase.clv.top"), (50, 100, 500, 1000), index=1, key="repurchase_top")
    try:
        if scored and horizon == scores.CLV_HORIZON_DAYS and discount == scores.CLV_DISCOUNT:
            values = state.cached(scores.top_clv, limit=top, margin=margin)
        else:
            values = state.cached(
                repurchase.top_clv,
                as_of=ctx.as_of,
                limit=top,
                horizon_days=horizon,
                margin=margin,
                annual_discount_rate=discount,
                shop=ctx.shop,
            )
    except InputError as exc:
        st.warning(str(exc))
    else:
        purchases = (
            t("repurchase.col.expected_purchases")
            if horizon == 365
            else t("repurchase.col.expected_purchases_days", days=horizon)
        )
        customer_list(values, "repurchase_top_clv", {"expected_purchases": purchases})

# Manual cycles beside the learned ones; products bought together (issue 15).
st.divider()
action_sections.manual_cycles_section(ctx)
action_sections.pairs_section(ctx)
