"""客户分层 Segments: RFM segments (treemap, R x F grid, segment member lists), member tiers
(distribution, revenue, upgrade candidates), and the customer profile (age bands, provinces,
quality customers, 20/80). Settings for RFM and tiers are edited here and stored."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import demographics, export, pareto, regions, rfm, settings, tiers
from analytics.errors import InputError
from analytics.i18n import t
from ui import auth, charts, format, state, tables
from ui.deferred import whole_list
from ui.widgets import chart, download, drawn, empty_state

ROOT = Path(__file__).resolve().parent.parent
#: Rows shown in a list on the page; its download always has all of them.
SHOWN_ROWS = 1000

ctx = state.context()
st.title(t("segments.title"))

if ctx.empty:
    empty_state(t("segments.empty"))
    st.stop()

# The per-customer figures read the stored scores: built here once per data version
# when an import left them to the first reader (with a progress bar).
state.scored_as_of()
con = state.cursor()
rfm_settings = settings.load(con, "rfm", rfm.RfmSettings)
tier_rules = settings.load(con, "tiers", tiers.TierRules)


def segments_figure(summary: pd.DataFrame) -> go.Figure:
    """The RFM segments as a treemap of their customers (segments with none left out)."""
    shown = summary[summary["customers"] > 0]
    fig = go.Figure(
        go.Treemap(
            labels=shown["name"],
            parents=[""] * len(shown),
            values=shown["customers"],
            customdata=shown[["share", "revenue", "revenue_share", "action"]],
            texttemplate="<b>%{label}</b><br>%{value:,}<br>%{customdata[0]:.1%}",
            hovertemplate="<b>%{label}</b><br>" + t("segments.rfm.hover") + "<extra></extra>",
            branchvalues="total",
            marker_colors=charts.color_list(shown["segment"], charts.SEGMENT_COLORS),
        )
    )
    fig.update_layout(title=t("segments.rfm.treemap"), height=460)
    return fig


def grid_figure(grid: pd.DataFrame, lang: str) -> go.Figure:
    """Customers per R (rows) and F (columns) score, each cell named by its segment."""
    # One word per line so long English names fit a cell.
    names = [rfm.SEGMENTS[s].name(lang).replace(" ", "<br>") for s in grid["segment"]]
    fig = go.Figure(
        go.Heatmap(
            x=grid["f"],
            y=grid["r"],
            z=grid["customers"],
            text=names,
            texttemplate="%{text}<br>%{z:,}",
            textfont={"size": 11},
            hovertemplate=t("segments.rfm.grid.hover") + "<extra></extra>",
            colorscale="Blues",
            showscale=False,
        )
    )
    fig.update_layout(
        title=t("segments.rfm.grid"),
        height=460,
        xaxis={"title": t("segments.rfm.grid.f"), "dtick": 1},
        yaxis={"title": t("segments.rfm.grid.r"), "dtick": 1},
    )
    return fig


def tier_customers_figure(summary: pd.DataFrame) -> go.Figure:
    fig = go.Figure(
        go.Bar(
            x=summary["name"],
            y=summary["customers"],
            text=[format.count(n) for n in summary["customers"]],
        )
    )
    fig.update_layout(title=t("segments.tiers.customers"), height=360)
    return fig


def tier_revenue_figure(summary: pd.DataFrame) -> go.Figure:
    fig = go.Figure(
        go.Bar(
            x=summary["name"],
            y=summary["revenue"],
            text=[f"{s:.1%}" for s in summary["revenue_share"]],
        )
    )
    fig.update_layout(title=t("segments.tiers.revenue"), height=360)
    return fig


def age_bands_figure(ages: pd.DataFrame) -> go.Figure:
    """Customers per age band: known ages, then those placed at random (age unknown)."""
    fig = go.Figure()
    fig.add_bar(x=ages["age_band"], y=ages["known_customers"], name=t("segments.age.known"))
    fig.add_bar(
        x=ages["age_band"],
        y=ages["imputed_customers"],
        name=t("segments.age.imputed"),
        text=[t("segments.age.bar_text", share=s) for s in ages["imputed_share"]],
        textposition="outside",
    )
    fig.update_layout(
        barmode="stack",
        height=380,
        xaxis={
            "title": t("segments.age.band"),
            "type": "category",
            "categoryorder": "array",
            "categoryarray": ["<18", *[b for b in demographics.AGE_BANDS if b != "<18"]],
        },
        legend={"orientation": "h", "y": -0.2},
    )
    return fig


def provinces_figure(top: pd.DataFrame, lang: str) -> go.Figure:
    fig = go.Figure(
        go.Bar(
            x=top["customers"][::-1],
            y=[format.province(p, lang) for p in top["province"][::-1]],
            orientation="h",
            text=[t("segments.province.bar_text", share=s) for s in top["revenue_share"][::-1]],
            textposition="auto",
        )
    )
    fig.update_layout(height=460, xaxis={"title": t("segments.col.customers")})
    return fig


def pareto_figure(curve: pd.DataFrame, top20: float) -> go.Figure:
    """Share of revenue against share of customers (best first), the top 20% marked."""
    fig = go.Figure()
    fig.add_scatter(
        x=curve["customer_share"],
        y=curve["revenue_share"],
        mode="lines",
        name=t("segments.pareto.curve"),
        fill="tozeroy",
    )
    fig.add_scatter(
        x=[0, 1],
        y=[0, 1],
        mode="lines",
        name=t("segments.pareto.equal"),
        line={"dash": "dot", "color": "gray"},
    )
    fig.add_scatter(x=[0.2], y=[top20], mode="markers", marker={"size": 12}, showlegend=False)
    fig.add_annotation(
        x=0.2,
        y=top20,
        text=t("segments.pareto.annotation", share=top20),
        showarrow=True,
        ax=90,
        ay=40,
        bgcolor="white",
        bordercolor="gray",
    )
    fig.update_layout(
        height=420,
        xaxis={"title": t("segments.pareto.x"), "tickformat": ".0%"},
        yaxis={"title": t("segments.pareto.y"), "tickformat": ".0%"},
        legend={"orientation": "h", "y": -0.2},
    )
    return fig


def _download(data, file_name: str, *, key: str, label: str | None = None) -> None:
    """A CSV download (UTF-8 with BOM) of ``data``, a DataFrame or a function returning one,
    built only when clicked: lists of a large shop are too big to build on every run."""
    download(data, file_name, key=key, label=label)


#: How the columns of the customer lists read (``ui.tables`` kinds).
LIST_KINDS = {
    "recency_days": "days",
    "frequency": "count",
    "monetary": "money_fen",
    "r": "count",
    "f": "count",
    "m": "count",
    "province": "province",
    "valid_orders": "count",
    "revenue": "money_fen",
    "orders_to_next": "count",
    "spend_to_next": "money_fen",
}


def _table(df, columns: list[str], config: dict, total: int) -> None:
    """The first ``SHOWN_ROWS`` rows of a list of ``total`` as a table, saying so when
    there are more (the analytics return only those rows; the download has them all)."""
    if total > SHOWN_ROWS:
        st.caption(t("segments.list.first_rows", shown=SHOWN_ROWS, n=total))
    # Phones masked on screen for everyone: full phones only in an owner's file.
    shown = export.with_masked_phones(df.head(SHOWN_ROWS))
    tables.show(shown, LIST_KINDS, config, columns=columns, height=360)


def _columns(names: list[str]) -> dict:
    return {name: t(f"segments.col.{name}") for name in names}


def _request(flag: str) -> None:
    st.session_state[flag] = True


def _save_button(name: str) -> bool:
    """A save button; True on the run after it was clicked. The click is kept in session
    state by a callback, so it survives a rerun before this point of the script."""
    st.button(
        t("segments.settings.save"),
        disabled=not auth.can("settings"),
        key=f"segments_{name}_save",
        on_click=_request,
        args=(f"segments_{name}_save_requested",),
    )
    return st.session_state.pop(f"segments_{name}_save_requested", False)


def _store(name: str, build) -> None:
    """Build the settings with ``build()`` and save them as ``name``, then rerun so the
    page uses them; a value the settings refuse is shown, nothing is saved."""
    auth.require("settings")
    try:
        value = build()
    except InputError as exc:
        st.session_state[f"segments_{name}_message"] = str(exc)
        return
    with state.write() as con:
        settings.save(con, name, value)
    st.session_state[f"segments_{name}_message"] = None
    st.rerun()


def _show_message(name: str) -> None:
    key = f"segments_{name}_message"
    if key in st.session_state:
        message = st.session_state.pop(key)
        if message:
            st.error(message)
        else:
            st.success(t("segments.settings.saved"))


def _rfm_settings_form() -> None:
    with st.expander(t("segments.rfm.settings")):
        method = st.radio(
            t("segments.rfm.settings.method"),
            rfm.METHODS,
            index=rfm.METHODS.index(rfm_settings.method),
            format_func=lambda m: t(f"segments.rfm.method.{m}", lang=ctx.lang),
            horizontal=True,
            # Keyed by language: its labels change with it (a kept value would show unselected).
            key=f"segments_rfm_method_{ctx.lang}",
        )
        st.caption(t("segments.rfm.settings.edges_help"))
        edges = {}
        for measure, step in (("recency", 1), ("frequency", 1), ("monetary", 50)):
            current = getattr(rfm_settings, f"{measure}_edges")
            st.markdown(t(f"segments.rfm.settings.{measure}"))
            cells = st.columns(4)
            edges[measure] = tuple(
                cell.number_input(
                    f"{measure} {i + 1}",
                    min_value=0,
                    value=int(value),
                    step=step,
                    label_visibility="collapsed",
                    key=f"segments_rfm_{measure}_{i}",
                )
                for i, (cell, value) in enumerate(zip(cells, current, strict=True))
            )
        if _save_button("rfm"):
            _store(
                "rfm",
                lambda: rfm.RfmSettings(
                    method=method,
                    recency_edges=edges["recency"],
                    frequency_edges=edges["frequency"],
                    monetary_edges=edges["monetary"],
                ),
            )
        _show_message("rfm")


def _tier_settings_form() -> None:
    with st.expander(t("segments.tiers.settings")):
        st.caption(t("segments.tiers.settings.help"))
        combine = st.radio(
            t("segments.tiers.settings.combine"),
            tiers.COMBINES,
            index=tiers.COMBINES.index(tier_rules.combine),
            format_func=lambda c: t(f"segments.tiers.combine.{c}", lang=ctx.lang),
            horizontal=True,
            key=f"segments_tiers_combine_{ctx.lang}",
        )
        edited = st.data_editor(
            tiers.rules_table(tier_rules),
            num_rows="dynamic",
            hide_index=True,
            column_config={name: t(f"segments.tiers.col.{name}") for name in tiers.TABLE_COLUMNS},
            # A new editor once the rules change, so saved edits are not applied twice.
            key=f"segments_tiers_table_{hash(tier_rules)}",
        )
        if _save_button("tiers"):
            _store("tiers", lambda: tiers.rules_from_table(edited, combine))
        _show_message("tiers")


def _rfm_tab() -> None:
    _rfm_settings_form()
    st.caption(
        t(
            "segments.rfm.caption",
            as_of=ctx.as_of,
            method=t(f"segments.rfm.method.{rfm_settings.method}"),
        )
    )
    summary = state.cached(
        rfm.segment_summary,
        as_of=ctx.as_of,
        settings=rfm_settings,
        shop=ctx.shop,
        lang=ctx.lang,
    )
    if not (summary["customers"] > 0).any():
        empty_state(t("segments.no_buyers", as_of=ctx.as_of))
        return
    summary.insert(1, "name", [rfm.SEGMENTS[s].name(ctx.lang) for s in summary["segment"]])

    left, right = st.columns(2)
    with left:
        chart(drawn(segments_figure, summary), summary, "rfm_segments")
    with right:
        grid = state.cached(rfm.rf_grid, as_of=ctx.as_of, settings=rfm_settings, shop=ctx.shop)
        chart(drawn(grid_figure, grid, ctx.lang), grid, "rfm_grid")

    empty_segments = summary.loc[summary["customers"] == 0, "name"]
    if rfm_settings.method == "quintile" and len(empty_segments):
        quote = "「{}」" if ctx.lang == "zh" else "{}"
        names = ("" if ctx.lang == "zh" else ", ").join(quote.format(n) for n in empty_segments)
        st.caption(t("segments.rfm.empty_hint", names=names))
    st.subheader(t("segments.rfm.table"))
    # st.table wraps text, so every suggested action is read in full
    st.table(
        format.table(
            summary[["name", "customers", "share", "revenue", "revenue_share", "action"]],
            {
                "customers": "count",
                "share": "percent",
                "revenue": "money",
                "revenue_share": "percent",
            },  # fmt: skip
            {
                name: t(f"segments.col.{key}")
                for name, key in (
                    ("name", "segment"),
                    ("customers", "customers"),
                    ("share", "share"),
                    ("revenue", "revenue"),
                    ("revenue_share", "revenue_share"),
                    ("action", "action"),
                )
            },  # fmt: skip
        ).set_index(t("segments.col.segment"))
    )

    st.subheader(t("segments.members.title"))
    counts = dict(zip(summary["segment"], summary["customers"], strict=True))
    pick, search_box = st.columns([1, 1])
    segment = pick.selectbox(
        t("segments.members.pick"),
        list(rfm.SEGMENTS),
        format_func=lambda s: t(
            "segments.members.option",
            lang=ctx.lang,
            name=rfm.SEGMENTS[s].name(ctx.lang),
            n=int(counts[s]),
        ),
        key=f"segments_pick_{ctx.lang}",
    )
    search = search_box.text_input(t("segments.members.search"), key="segments_search")
    st.info(rfm.SEGMENTS[segment].action(ctx.lang), icon=":material/lightbulb:")
    query = {
        "as_of": ctx.as_of,
        "segment": segment,
        "search": search.strip() or None,
        "settings": rfm_settings,
        "shop": ctx.shop,
    }
    members = state.cached(rfm.segment_members, **query, limit=SHOWN_ROWS)
    if members.empty:
        empty_state(t("segments.members.none"))
        return
    total = state.cached(rfm.segment_member_count, **query)
    st.caption(t("segments.members.count", n=total))
    shown = [
        "customer_id",
        "customer_name",
        "recency_days",
        "frequency",
        "monetary",
        "r",
        "f",
        "m",
        "phone",
        "province",
        "city",
    ]
    _table(members, shown, _columns(shown), total)
    _download(
        whole_list(rfm.segment_members, **query),
        f"segment_{segment}_{ctx.as_of}.csv",
        key="segments_members_download",
        label=t("segments.members.download"),
    )
    if (ROOT / "pages" / "campaigns.py").exists():
        st.page_link(
            "pages/campaigns.py",
            label=t("segments.members.to_campaigns"),
            icon=":material/campaign:",
        )


def _tiers_tab() -> None:
    _tier_settings_form()
    st.caption(
        t("segments.tiers.caption", combine=t(f"segments.tiers.combine.{tier_rules.combine}"))
    )
    summary = state.cached(tiers.tier_summary, rules=tier_rules, shop=ctx.shop)
    summary.insert(1, "name", [tier_rules.name(x, ctx.lang) for x in summary["tier"]])
    left, right = st.columns(2)
    with left:
        chart(drawn(tier_customers_figure, summary), summary, "tier_customers")
    with right:
        revenue = summary[["tier", "name", "revenue", "revenue_share"]]
        chart(drawn(tier_revenue_figure, summary), revenue, "tier_revenue")

    st.subheader(t("segments.tiers.candidates"))
    a, b = st.columns(2)
    within_spend = a.number_input(
        t("segments.tiers.within_spend"),
        min_value=0.0,
        value=200.0,
        step=50.0,
        key="segments_within_spend",
    )
    within_orders = b.number_input(
        t("segments.tiers.within_orders"),
        min_value=0,
        value=1,
        step=1,
        key="segments_within_orders",
    )
    st.caption(t("segments.tiers.candidates.help", orders=within_orders, spend=within_spend))
    query = {
        "rules": tier_rules,
        "within_spend": float(within_spend),
        "within_orders": int(within_orders),
        "shop": ctx.shop,
    }
    candidates = state.cached(tiers.upgrade_candidates, **query, limit=SHOWN_ROWS)
    if candidates.empty:
        empty_state(t("segments.tiers.candidates.none"))
        return
    total = state.cached(tiers.upgrade_candidate_count, **query)
    names = {tier: tier_rules.name(tier, ctx.lang) for tier in tier_rules.ids()}

    def named(frame):
        """The candidates with their tiers' names (one lookup per tier, not per buyer)."""
        frame.insert(0, "tier_name", frame["tier"].map(names))
        frame.insert(1, "next_tier_name", frame["next_tier"].map(names))
        return frame

    candidates = named(candidates)
    st.caption(t("segments.tiers.candidates.count", n=total))
    shown = [
        "customer_id",
        "customer_name",
        "tier_name",
        "next_tier_name",
        "valid_orders",
        "revenue",
        "orders_to_next",
        "spend_to_next",
        "phone",
    ]
    config = _columns(
        ["customer_id", "customer_name", "valid_orders", "orders_to_next", "spend_to_next"]
    )
    config |= {
        "tier_name": t("segments.col.tier"),
        "next_tier_name": t("segments.col.next_tier"),
        "revenue": t("segments.col.revenue"),
        "phone": t("segments.col.phone"),
    }
    _table(candidates, shown, config, total)
    whole = whole_list(tiers.upgrade_candidates, **query)
    _download(
        lambda: named(whole()),
        "upgrade_candidates.csv",
        key="segments_candidates_download",
    )


def _profile_tab() -> None:
    ages = state.cached(demographics.age_band_summary, as_of=ctx.as_of, shop=ctx.shop)
    st.subheader(t("segments.age.title"))
    if not (ages["customers"] > 0).any():
        empty_state(t("segments.age.none"))
    else:
        chart(drawn(age_bands_figure, ages), ages, "age_bands")
        st.caption(t("segments.age.caption", as_of=ctx.as_of))

    left, right = st.columns(2)
    with left:
        st.subheader(t("segments.province.title"))
        top = state.cached(regions.provinces, limit=15, shop=ctx.shop)
        chart(drawn(provinces_figure, top, ctx.lang), top, "segment_provinces")
    with right:
        st.subheader(t("segments.quality.title"))
        quality = state.cached(demographics.quality_summary, as_of=ctx.as_of, shop=ctx.shop)
        a, b, c = st.columns(3)
        a.metric(
            t("segments.quality.metric"),
            f"{quality.quality_customers:,}",
            help=t(
                "segments.quality.metric.help",
                rule=t(f"segments.quality.rule.{quality.basis}"),
            ),
            border=True,
        )
        b.metric(t("segments.quality.share"), f"{quality.share:.1%}", border=True)
        c.metric(t("segments.quality.revenue_share"), f"{quality.revenue_share:.1%}", border=True)
        _download(
            whole_list(demographics.quality_customers, as_of=ctx.as_of, shop=ctx.shop),
            f"quality_customers_{ctx.as_of}.csv",
            key="segments_quality_download",
            label=t("segments.quality.download"),
        )

    st.subheader(t("segments.pareto.title"))
    curve = state.cached(pareto.pareto_curve, shop=ctx.shop, points=100)
    top20 = state.cached(pareto.top_share, top=0.2, shop=ctx.shop)
    st.metric(
        t("segments.pareto.metric"),
        f"{top20:.1%}",
        help=t("segments.pareto.metric.help"),
        border=True,
    )
    chart(drawn(pareto_figure, curve, top20), curve, "pareto")


tab_rfm, tab_tiers, tab_profile = st.tabs(
    [t("segments.tab.rfm"), t("segments.tab.tiers"), t("segments.tab.profile")]
)
with tab_rfm:
    _rfm_tab()
with tab_tiers:
    _tiers_tab()
with tab_profile:
    _profile_tab()
