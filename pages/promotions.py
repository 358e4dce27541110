"""促销计算器 Promotion planner: what a price cut, 满减, 拼单, 订金膨胀, member day, campaign
or 直通车 spend must achieve to earn as much as without it (SPEC "Promotion maths").

One tab per calculator of ``analytics.promotions``; inputs start from the shop's own orders
of the chosen period (``planner_defaults``) and can be saved as named scenarios
(``analytics.scenarios``) and reloaded. Impossible inputs show the InputError message.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import promotions, scenarios, settings
from analytics.errors import InputError
from analytics.i18n import t
from analytics.promotions import PromotionSettings
from ui import auth, charts, state, tables
from ui.widgets import chart, download_csv, drawn, empty_state

PERIODS = (30, 90, 180, 365)
#: The line a calculator's answer is drawn with (break-even volume, the threshold).
KEY_LINE = {"dash": "dash", "color": "firebrick"}
#: Rows of the pooling pairs shown on the page (the download has all of them).
PAIRS_SHOWN = 200
#: Inputs of each calculator besides those of ``planner_defaults`` (kind -> {field: default}).
EXTRA_INPUTS = {"ads": {"with_cpc": True}}
#: Inputs that are fractions, drawn as 0–100% sliders, with their step. Every other number
#: is an amount or a count (>= 0).
FRACTION_STEPS = {
    "margin": 0.01,
    "discount": 0.01,
    "reach": 0.05,
    "conversion": 0.05,
    "expected_response": 0.005,
    "conversion_rate": 0.001,
}

ctx = state.context()
ss = st.session_state


def _key(kind: str, field: str) -> str:
    return "promo.margin" if field == "margin" else f"promo.{kind}.{field}"


def _defaults_of(kind: str) -> dict:
    """The tab's inputs and their defaults; every tab but pooling also keeps the margin."""
    values = {**defaults.inputs[kind], **EXTRA_INPUTS.get(kind, {})}
    return values if kind == "pooling" else {"margin": defaults.margin, **values}


def _attempt(fn, **kwargs):
    """``fn(**kwargs)``, or None after showing the InputError message."""
    try:
        return fn(**kwargs)
    except InputError as exc:
        st.error(str(exc), icon=":material/error:")
        return None


def _cached(fn):
    """``fn`` run through the data-version cache (functions that read the store)."""
    return lambda **kwargs: state.cached(fn, **kwargs)


def _money(value: float) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}¥{abs(value):,.2f}" if abs(value) < 100 else f"{sign}¥{abs(value):,.0f}"


def _flash(kind: str, level: str, text: str) -> None:
    ss["promo._flash"] = (kind, level, text)


# ------------------------------------------------------------------ scenario callbacks


def _save_prefs(prefs: PromotionSettings) -> None:
    if not auth.can("settings"):
        return
    try:
        value = PromotionSettings(
            margin=ss["promo.margin"],
            period_days=ss["promo.days"] or prefs.period_days,
            reach=prefs.reach,
        )
        with state.write(stop=False) as con:
            settings.save(con, promotions.SETTINGS_NAME, value)
    except InputError as exc:
        st.toast(str(exc), icon=":material/error:")
        return
    st.toast(t("promo.page.saved_defaults", margin=value.margin, days=value.period_days))


def _save_scenario(kind: str, fields: dict) -> None:
    name = ss.get(f"promo.{kind}._name", "")
    inputs = {field: ss.get(_key(kind, field), value) for field, value in fields.items()}
    try:
        with state.write(stop=False) as con:
            scenarios.save_scenario(con, name=name, kind=kind, inputs=inputs)
    except InputError as exc:
        _flash(kind, "error", str(exc))
        return
    ss[f"promo.{kind}._pick"] = name.strip()
    _flash(kind, "success", t("promo.sc.saved", name=name.strip()))


def _loadable(field: str, value, default):
    """``value`` in the type of the input's default, or None when the widget would refuse it
    (a widget keeps the numeric type it was made with and its bounds)."""
    if isinstance(default, bool):
        return value if isinstance(value, bool) else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = type(default)(value)
    if number != value or number < 0 or (field in FRACTION_STEPS and number > 1):
        return None
    return number


def _load_scenario(kind: str, name: str, inputs: dict, fields: dict) -> None:
    for field, default in fields.items():
        value = _loadable(field, inputs.get(field), default)
        if value is not None:
            ss[_key(kind, field)] = value
    _flash(kind, "success", t("promo.sc.loaded", name=name))


def _delete_scenario(kind: str, name: str) -> None:
    try:
        with state.write(stop=False) as con:
            scenarios.delete_scenario(con, name=name)
    except InputError as exc:
        _flash(kind, "error", str(exc))
        return
    ss.pop(f"promo.{kind}._pick", None)
    _flash(kind, "success", t("promo.sc.deleted", name=name))


def _reset(kind: str, fields: dict) -> None:
    for field, value in fields.items():
        if field != "margin":
            ss[_key(kind, field)] = value
    _flash(kind, "success", t("promo.sc.reset_done"))


def scenario_box(kind: str) -> None:
    """Save the tab's inputs under a name; reload or delete a saved scenario."""
    fields = _defaults_of(kind)
    with st.expander(t("promo.sc.title"), icon=":material/bookmark:"):
        flash = ss.get("promo._flash")
        if flash and flash[0] == kind:
            del ss["promo._flash"]
            (st.error if flash[1] == "error" else st.success)(flash[2])
        left, right = st.columns([3, 2], vertical_alignment="bottom")
        left.text_input(t("promo.sc.name"), key=f"promo.{kind}._name", max_chars=100)
        right.button(
            t("promo.sc.save"),
            key=f"promo.{kind}._save",
            on_click=_save_scenario,
            args=(kind, fields),
            icon=":material/save:",
        )
        saved = state.cached(scenarios.list_scenarios, kind=kind)
        if saved.empty:
            st.caption(t("promo.sc.none"))
        else:
            names = saved["name"].tolist()
            if ss.get(f"promo.{kind}._pick") not in names:
                ss[f"promo.{kind}._pick"] = names[0]
            stamps = dict(zip(names, saved["saved_at"], strict=True))
            pick = st.selectbox(
                t("promo.sc.pick"),
                names,
                key=f"promo.{kind}._pick",
                format_func=lambda n: f"{n}  ·  {stamps[n]:%Y-%m-%d %H:%M}",
            )
            inputs = saved.loc[saved["name"] == pick, "inputs"].iloc[0]
            load, delete, _ = st.columns([1, 1, 3])
            load.button(
                t("promo.sc.load"),
                key=f"promo.{kind}._load",
                on_click=_load_scenario,
                args=(kind, pick, inputs, fields),
                icon=":material/upload:",
            )
            delete.button(
                t("promo.sc.delete"),
                key=f"promo.{kind}._delete",
                on_click=_delete_scenario,
                args=(kind, pick),
                icon=":material/delete:",
            )
        st.button(
            t("promo.sc.reset"),
            key=f"promo.{kind}._reset",
            on_click=_reset,
            args=(kind, fields),
            type="tertiary",
            icon=":material/restart_alt:",
        )


# ------------------------------------------------------------------------ calculators


def _percent_slider(kind: str, field: str) -> float:
    return st.slider(
        t(f"promo.in.{field}"),
        min_value=0.0,
        max_value=1.0,
        step=FRACTION_STEPS[field],
        format="percent",
        key=_key(kind, field),
        help=_help(f"promo.in.{field}.help"),
    )


def _money_input(kind: str, field: str, step: float = 10.0, label: str | None = None) -> float:
    return st.number_input(
        t(label or f"promo.in.{field}"), min_value=0.0, step=step, key=_key(kind, field)
    )


def _count_input(kind: str, field: str) -> int:
    return st.number_input(t(f"promo.in.{field}"), min_value=0, step=10, key=_key(kind, field))


def _help(key: str) -> str | None:
    text = t(key)
    return None if text == key else text


def break_even_figure(curve: pd.DataFrame, volume_multiplier: float) -> go.Figure:
    """Profit after the price cut against the volume sold, the break-even volume marked."""
    fig = go.Figure(
        go.Scatter(
            x=curve["volume_multiplier"],
            y=curve["profit_index"],
            mode="lines",
            name=t("promo.chart.after"),
        )
    )
    charts.guides(
        fig,
        charts.hline(1, t("promo.chart.before"), dash="dot", color="gray"),
        charts.vline(
            volume_multiplier,
            t("promo.chart.break_even_at", multiplier=volume_multiplier),
            **KEY_LINE,
        ),
    )
    fig.update_layout(
        title=t("promo.chart.profit_vs_volume"),
        xaxis={"title": t("promo.chart.volume_axis"), "ticksuffix": "×"},
        yaxis={"title": t("promo.chart.profit_axis"), "tickformat": ".0%"},
    )
    return fig


def threshold_figure(hist: pd.DataFrame, near_floor: float, threshold: float) -> go.Figure:
    """Orders by amount, those reaching the threshold apart, the near-miss band shaded."""
    fig = go.Figure()
    for band, color in (("below", "#9aa5b1"), ("above", "#d9534f")):
        part = hist[hist["band"] == band]
        fig.add_bar(
            x=part["bin_mid"],
            y=part["orders"],
            width=part["bin_end"] - part["bin_start"],
            name=t(f"promo.chart.band.{band}"),
            marker_color=color,
            customdata=part[["bin_start", "bin_end"]],
            hovertemplate="%{customdata[0]:,.2f} – %{customdata[1]:,.2f}: %{y:,}<extra></extra>",
        )
    charts.guides(
        fig,
        charts.vrect(near_floor, threshold, t("promo.chart.near_band"), fill="orange"),
        charts.vline(threshold, t("promo.chart.threshold_line", threshold=threshold), **KEY_LINE),
    )
    fig.update_layout(
        title=t("promo.chart.histogram"),
        xaxis={"title": t("promo.chart.amount_axis")},
        yaxis={"title": t("promo.chart.orders_axis")},
        bargap=0.05,
        legend={"orientation": "h", "y": -0.2},
    )
    return fig


def comparison_figure(table: pd.DataFrame) -> go.Figure:
    """ROI and profit of two campaigns side by side."""
    fig = charts.two_panels(t("promo.chart.roi"), t("promo.chart.profit"))
    fig.add_bar(x=table["campaign"], y=table["roi"], name=t("promo.chart.roi"))
    fig.add_bar(
        x=table["campaign"], y=table["profit"], name=t("promo.chart.profit"), xaxis="x2", yaxis="y2"
    )
    fig.update_layout(title=t("promo.chart.roi_vs_profit"), showlegend=False)
    return fig


def break_even_tab(margin: float) -> None:
    discount = _percent_slider("break_even", "discount")
    result = _attempt(promotions.break_even, margin=margin, discount=discount)
    if result is not None:
        st.info(result.sentence(ctx.lang), icon=":material/calculate:")
        a, b, c, d = st.columns(4)
        a.metric(t("promo.m.volume_multiplier"), f"{result.volume_multiplier:.2f}×", border=True)
        b.metric(t("promo.m.extra_volume"), f"{result.extra_volume:.0%}", border=True)
        c.metric(t("promo.m.new_unit_margin"), f"{result.new_unit_margin:.0%}", border=True)
        d.metric(t("promo.m.new_margin_rate"), f"{result.new_margin_rate:.1%}", border=True)
        curve = promotions.break_even_curve(margin=margin, discount=discount)
        fig = drawn(break_even_figure, curve, result.volume_multiplier)
        chart(fig, curve, "promo_break_even_curve")
    table = _attempt(promotions.break_even_table, margin=margin)
    if table is not None and not table.empty:
        st.subheader(t("promo.table.break_even"))
        tables.show(
            table,
            {"volume_multiplier": "multiplier"}
            | dict.fromkeys(("discount", "extra_volume", "new_margin_rate"), "percent"),
            {c: t(f"promo.col.{c}") for c in table.columns},
        )
        download_csv(table, "promo_break_even_table.csv", key="dl_promo_break_even_table")


def threshold_tab(margin: float) -> None:
    a, b, c = st.columns(3)
    with a:
        threshold = _money_input("threshold", "threshold")
    with b:
        reduction = _money_input("threshold", "reduction", step=5.0)
    with c:
        reach = _percent_slider("threshold", "reach")
    st.caption(defaults.suggestion.sentence(ctx.lang))
    result = _attempt(
        _cached(promotions.threshold_simulator),
        threshold=threshold,
        reduction=reduction,
        start=defaults.start,
        end=defaults.end,
        margin=margin,
        reach=reach,
        shop=ctx.shop,
    )
    if result is None:
        return
    if result.orders == 0:
        empty_state(t("promo.page.no_orders_period", start=result.start, end=result.end))
        return
    st.info(result.sentence(ctx.lang), icon=":material/calculate:")
    cols = st.columns(5)
    cols[0].metric(
        t("promo.m.above"), f"{result.orders_above:,}", help=t("promo.m.above.help"), border=True
    )
    cols[1].metric(t("promo.m.near"), f"{result.orders_near:,}", border=True)
    cols[2].metric(t("promo.m.far"), f"{result.orders_far:,}", border=True)
    cols[3].metric(t("promo.m.discount_cost"), _money(result.discount_cost), border=True)
    cols[4].metric(
        t("promo.m.extra_orders"),
        f"{result.break_even_extra_orders:,}",
        help=t("promo.m.extra_orders.help", uplift=result.break_even_uplift),
        border=True,
    )
    hist = state.cached(
        promotions.threshold_histogram,
        threshold=result.threshold,
        start=result.start,
        end=result.end,
        shop=ctx.shop,
    )
    fig = drawn(threshold_figure, hist, result.near_floor, result.threshold)
    chart(fig, hist, "promo_threshold_histogram")


def pooling_tab() -> None:
    threshold = _money_input("pooling", "threshold")
    result = _attempt(
        _cached(promotions.pooling),
        threshold=threshold,
        start=defaults.start,
        end=defaults.end,
        shop=ctx.shop,
    )
    if result is None:
        return
    if defaults.orders == 0:
        empty_state(t("promo.page.no_orders_period", start=result.start, end=result.end))
        return
    st.info(result.sentence(ctx.lang), icon=":material/calculate:")
    cols = st.columns(5)
    cols[0].metric(t("promo.m.below"), f"{result.below_orders:,}", border=True)
    cols[1].metric(t("promo.m.pairs"), f"{result.pairs:,}", border=True)
    cols[2].metric(t("promo.m.pooled"), f"{result.pooled_orders:,}", border=True)
    cols[3].metric(t("promo.m.unpaired"), f"{result.unpaired_orders:,}", border=True)
    cols[4].metric(t("promo.col.combined"), _money(result.pooled_revenue), border=True)
    if result.pairs == 0:
        st.caption(t("promo.page.no_pairs", threshold=result.threshold))
        return
    pairs = state.cached(
        promotions.pooling_pairs,
        threshold=result.threshold,
        start=result.start,
        end=result.end,
        shop=ctx.shop,
    )
    st.caption(t("promo.page.pairs", n=min(PAIRS_SHOWN, len(pairs))))
    labels = ("order_a", "amount_a", "order_b", "amount_b", "combined")
    tables.show(
        pairs.head(PAIRS_SHOWN),
        {
            "platform": "platform",
            **dict.fromkeys(("amount_a", "amount_b", "combined"), "money_fen"),
        },
        {"platform": t("common.col.platform"), "shop": t("common.col.shop")}
        | {c: t(f"promo.col.{c}") for c in labels},
        width="content",
    )
    download_csv(pairs, "promo_pooling_pairs.csv", key="dl_promo_pooling_pairs")


def deposit_tab(margin: float) -> None:
    a, b, c = st.columns(3)
    with a:
        deposit = _money_input("deposit", "deposit", step=5.0)
        expected = _count_input("deposit", "expected_orders")
    with b:
        deduction = _money_input("deposit", "deduction", step=5.0)
        conversion = _percent_slider("deposit", "conversion")
    with c:
        price = _money_input("deposit", "price")
    result = _attempt(
        promotions.deposit_upgrade,
        deposit=deposit,
        deduction=deduction,
        price=price,
        margin=margin,
        expected_orders=expected,
        conversion=conversion,
    )
    if result is None:
        return
    st.info(result.sentence(ctx.lang), icon=":material/calculate:")
    cols = st.columns(5)
    cols[0].metric(t("promo.m.effective_discount"), f"{result.effective_discount:.1%}", border=True)
    cols[1].metric(t("promo.m.cost_per_order"), _money(result.cost_per_order), border=True)
    cols[2].metric(t("promo.m.given"), _money(result.discount_cost), border=True)
    cols[3].metric(
        t("promo.m.net_cost"),
        _money(result.net_cost),
        help=t("promo.m.net_cost.help"),
        border=True,
    )
    cols[4].metric(t("promo.m.extra_orders"), f"{result.break_even_orders:,}", border=True)


def member_day_tab(margin: float) -> None:
    a, b = st.columns(2)
    with a:
        discount = _percent_slider("member_day", "discount")
        customers = _count_input("member_day", "segment_customers")
    with b:
        response = _percent_slider("member_day", "expected_response")
        aov = _money_input("member_day", "aov")
    result = _attempt(
        promotions.member_day,
        discount=discount,
        margin=margin,
        segment_customers=customers,
        expected_response=response,
        aov=aov,
    )
    if result is None:
        return
    st.info(result.sentence(ctx.lang), icon=":material/calculate:")
    cols = st.columns(4)
    cols[0].metric(t("promo.m.expected_orders"), f"{result.expected_orders:,.0f}", border=True)
    cols[1].metric(t("promo.m.given"), _money(result.discount_cost), border=True)
    cols[2].metric(t("promo.m.extra_orders"), f"{result.break_even_orders:,}", border=True)
    cols[3].metric(
        t("promo.m.break_even_response"), f"{result.break_even_response:.1%}", border=True
    )


def compare_tab(margin: float) -> None:
    columns = st.columns(2)
    campaigns = {}
    for column, name in zip(columns, ("a", "b"), strict=True):
        with column:
            st.markdown(f"**{t('promo.in.campaign', name=name.upper())}**")
            spend = _money_input("compare", f"spend_{name}", 100.0, "promo.in.spend")
            revenue = _money_input("compare", f"revenue_{name}", 100.0, "promo.in.revenue")
            campaigns[name] = _attempt(
                promotions.campaign_return, spend=spend, revenue=revenue, margin=margin
            )
    a, b = campaigns["a"], campaigns["b"]
    if a is None or b is None:
        return
    verdict = promotions.compare_campaigns(a, b)
    st.info(verdict.sentence(ctx.lang), icon=":material/calculate:")
    for name, result in (("A", a), ("B", b)):
        st.caption(f"{t('promo.in.campaign', name=name)}: {result.sentence(ctx.lang)}")
    cols = st.columns(5)
    cols[0].metric(t("promo.m.roi", name="A"), f"{a.roi:.2f}", border=True)
    cols[1].metric(t("promo.m.roi", name="B"), f"{b.roi:.2f}", border=True)
    cols[2].metric(t("promo.m.profit", name="A"), _money(a.profit), border=True)
    cols[3].metric(t("promo.m.profit", name="B"), _money(b.profit), border=True)
    cols[4].metric(
        t("promo.m.crossover"),
        "—" if verdict.crossover_margin is None else f"{verdict.crossover_margin:.0%}",
        help=t("promo.m.crossover.help"),
        border=True,
    )
    table = promotions.comparison_table(a, b)
    chart(drawn(comparison_figure, table), table, "promo_roi_vs_profit")


def ads_tab(margin: float) -> None:
    a, b = st.columns(2)
    with a:
        spend = _money_input("ads", "spend", step=100.0, label="promo.in.ads_spend")
        with_cpc = st.checkbox(t("promo.in.with_cpc"), key=_key("ads", "with_cpc"))
        rate = _percent_slider("ads", "conversion_rate") if with_cpc else None
    with b:
        revenue = _money_input("ads", "attributed_revenue", step=100.0)
        aov = _money_input("ads", "aov") if with_cpc else None
    result = _attempt(
        promotions.ads_roi,
        spend=spend,
        attributed_revenue=revenue,
        margin=margin,
        conversion_rate=rate,
        aov=aov,
    )
    if result is None:
        return
    st.info(result.sentence(ctx.lang), icon=":material/calculate:")
    cols = st.columns(4)
    cols[0].metric(t("promo.m.ads_roi"), f"{result.roi:.2f}", border=True)
    cols[1].metric(
        t("promo.m.break_even_roi"),
        f"{result.break_even_roi:.2f}",
        help=t("promo.m.break_even_roi.help"),
        border=True,
    )
    cols[2].metric(t("promo.m.ads_profit"), _money(result.profit), border=True)
    cols[3].metric(
        t("promo.m.max_cpc"),
        "—" if result.max_cpc is None else _money(result.max_cpc),
        border=True,
    )


# ------------------------------------------------------------------------------ layout

st.title(t("promo.page.title"))
st.caption(t("promo.page.intro"))

try:
    prefs = settings.load(state.cursor(), promotions.SETTINGS_NAME, PromotionSettings)
except (ValueError, TypeError) as exc:  # InputError, or a damaged stored value
    st.warning(t("promo.page.bad_settings", message=exc))
    prefs = PromotionSettings()

if ss.get("promo._margin_sig") != prefs.margin or "promo.margin" not in ss:
    ss["promo.margin"] = prefs.margin
    ss["promo._margin_sig"] = prefs.margin
periods = sorted({*PERIODS, prefs.period_days})
if ss.get("promo.days", 0) not in (*periods, None):
    ss["promo.days"] = prefs.period_days

left, middle, right = st.columns([3, 5, 2], vertical_alignment="bottom")
with left:
    margin = st.slider(
        t("promo.page.margin"),
        min_value=0.0,
        max_value=1.0,
        format="percent",
        step=FRACTION_STEPS["margin"],
        key="promo.margin",
        help=t("promo.page.margin.help"),
    )
with middle:
    days = (
        st.segmented_control(
            t("promo.page.period"),
            periods,
            # Labels made now: AppTest formats options again outside the script's thread.
            format_func={d: t("promo.page.last_days", days=d) for d in periods}.get,
            key="promo.days",
        )
        or prefs.period_days
    )
with right:
    st.button(
        t("promo.page.save_defaults"),
        help=t("promo.page.save_defaults.help"),
        on_click=_save_prefs,
        args=(prefs,),
        disabled=not auth.can("settings"),
        icon=":material/push_pin:",
    )

defaults = state.cached(
    promotions.planner_defaults,
    as_of=ctx.as_of,
    days=days,
    margin=prefs.margin,
    reach=prefs.reach,
    shop=ctx.shop,
)
st.caption(t("promo.page.period.help", start=defaults.start, end=defaults.end))

# Inputs start from the defaults; those drawn from the orders follow the period and shop.
scope = (ctx.shop, ctx.as_of, defaults.days)
refresh = ss.get("promo._scope") != scope
for kind, fields in defaults.inputs.items():
    for field, value in {**fields, **EXTRA_INPUTS.get(kind, {})}.items():
        key = _key(kind, field)
        if key not in ss or (refresh and (kind, field) in defaults.data_driven):
            ss[key] = value
ss["promo._scope"] = scope

if ctx.empty:
    empty_state(t("promo.page.empty", aov=defaults.aov))

typed = None if defaults.from_data else t("promo.page.typed_default")
cols = st.columns(4)
cols[0].metric(t("promo.m.aov"), _money(defaults.aov), help=typed, border=True)
cols[1].metric(t("promo.m.orders"), f"{defaults.orders:,}", border=True)
cols[2].metric(t("promo.m.customers"), f"{defaults.customers:,}", border=True)
cols[3].metric(
    t("promo.page.suggested"),
    t(
        "promo.page.suggested_value",
        threshold=defaults.suggestion.threshold,
        reduction=defaults.suggestion.reduction,
    ),
    help=defaults.suggestion.sentence(ctx.lang),
    border=True,
)

KINDS = ("break_even", "threshold", "pooling", "deposit", "member_day", "compare", "ads")
tabs = st.tabs([t(f"promo.tab.{kind}") for kind in KINDS])
with tabs[0]:
    break_even_tab(margin)
    scenario_box("break_even")
with tabs[1]:
    threshold_tab(margin)
    scenario_box("threshold")
with tabs[2]:
    pooling_tab()
    scenario_box("pooling")
with tabs[3]:
    deposit_tab(margin)
    scenario_box("deposit")
with tabs[4]:
    member_day_tab(margin)
    scenario_box("member_day")
with tabs[5]:
    compare_tab(margin)
    scenario_box("compare")
with tabs[6]:
    ads_tab(margin)
    scenario_box("ads")
