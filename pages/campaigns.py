"""营销名单 Target lists: pick a source and filters, see what each exclusion removed, keep a
holdout group, create the list (logged as a campaign) and download it as CSV or Excel;
below, every campaign's treatment vs holdout response with a 95% confidence interval."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import campaigns, export
from analytics.errors import InputError
from analytics.i18n import t
from ui import action_sections, auth, charts, format, state, tables
from ui.widgets import chart, download, download_csv, drawn, empty_state

ctx = state.context()
st.title(t("campaigns.title"))

if ctx.empty:
    empty_state(t("campaigns.empty"))
    st.page_link("pages/import.py", label=t("nav.import"), icon=":material/upload_file:")
    st.stop()

# The per-customer figures read the stored scores: built here once per data version
# when an import left them to the first reader (with a progress bar).
state.scored_as_of()
st.caption(t("campaigns.intro"))
# The controls start from the spec whose list is stored with the scores (one source for both).
defaults = campaigns.default_spec(state.cursor())

# ----------------------------------------------------------------------------- 1. source
st.subheader(t("campaigns.build"))
left, right = st.columns(2)
kind = left.selectbox(
    t("campaigns.kind"),
    campaigns.available_kinds(),
    format_func=lambda k: t(f"campaigns.kind.{k}"),
    key="campaigns_kind",
)
value = None
with right:
    if kind in campaigns.TEXT_KINDS:
        try:
            values = state.cached(
                campaigns.source_values, kind=kind, as_of=ctx.as_of, shop=ctx.shop
            )
        except InputError as exc:
            st.error(str(exc))
            st.stop()
        if not values:
            st.info(t("campaigns.value.none"))
            st.stop()
        value = st.selectbox(
            t("campaigns.value"),
            values,
            format_func=lambda v: campaigns.segment_label(kind, v, con=state.cursor()),
            key=f"campaigns_value_{kind}",
        )
        if kind == "upsell":
            price = st.number_input(
                t("campaigns.value.upsell"), min_value=0.0, step=10.0, key="campaigns_upsell"
            )
            value = f"{value},{price:g}" if price else value
    elif kind in campaigns.DAY_KINDS:
        value = st.number_input(
            t("campaigns.value.days"),
            min_value=1 if kind == "unpaid" else 0,
            max_value=366,
            value=campaigns.DAY_KINDS[kind],
            step=1,
            key=f"campaigns_days_{kind}",
        )
    elif kind in campaigns.COUNT_KINDS:
        value = st.number_input(
            t("campaigns.value.count"), min_value=0, value=0, step=50, key="campaigns_count"
        )
    elif kind in campaigns.PCT_KINDS:
        value = st.number_input(
            t("campaigns.value.pct"),
            min_value=1.0,
            max_value=100.0,
            value=campaigns.PCT_KINDS[kind],
            step=5.0,
            key="campaigns_pct",
        )
    elif kind in campaigns.FACTOR_KINDS:
        value = st.number_input(
            t("campaigns.value.factor"),
            min_value=1.0,
            max_value=10.0,
            value=campaigns.FACTOR_KINDS[kind],
            step=0.1,
            key="campaigns_factor",
        )

with st.expander(t("campaigns.filters")):
    c1, c2, c3, c4 = st.columns(4)
    min_spend = c1.number_input(t("campaigns.min_spend"), min_value=0.0, step=50.0)
    max_spend = c2.number_input(t("campaigns.max_spend"), min_value=0.0, step=50.0)
    min_orders = c3.number_input(t("campaigns.min_orders"), min_value=0, step=1)
    max_orders = c4.number_input(t("campaigns.max_orders"), min_value=0, step=1)
    c1, c2, c3 = st.columns(3)
    aov = c1.selectbox(
        t("campaigns.aov_filter"),
        (None, *campaigns.AOV_FILTERS),
        format_func=lambda v: t(f"campaigns.aov_filter.{v or 'any'}"),
        key="campaigns_aov",
    )
    gender = c2.text_input(t("campaigns.gender"), key="campaigns_gender")
    tag = c3.text_input(t("campaigns.tag"), key="campaigns_tag")
    c1, c2 = st.columns(2)
    product = c1.text_input(t("campaigns.product"))
    with c2:
        use_dates = st.checkbox(t("campaigns.use_last_purchase"))
        last = st.date_input(
            t("campaigns.last_purchase"),
            value=(ctx.as_of.replace(day=1), ctx.as_of),
            disabled=not use_dates,
        )
last_from = last_to = None
if use_dates and isinstance(last, tuple) and len(last) == 2:
    last_from, last_to = last

# ----------------------------------------------------------------------------- 2. exclusions
st.subheader(t("campaigns.exclusions"))
columns = st.columns(4)
paid_days = columns[0].number_input(
    t("campaigns.excl_paid_days"), min_value=0, max_value=365, value=defaults.exclude_paid_days
)
contacted_days = columns[1].number_input(
    t("campaigns.excl_contacted_days"),
    min_value=0,
    max_value=365,
    value=defaults.exclude_contacted_days,
)
refunded = columns[2].checkbox(t("campaigns.excl_refunded"), value=defaults.exclude_refunded)
bad_review = columns[3].checkbox(t("campaigns.excl_bad_review"), value=defaults.exclude_bad_review)
removed_slots = dict(zip(campaigns.EXCLUSIONS, [column.empty() for column in columns], strict=True))

# ----------------------------------------------------------------------------- 3. holdout
st.subheader(t("campaigns.holdout"))
holdout = st.slider(
    t("campaigns.holdout_pct"),
    0,
    50,
    int(defaults.holdout_pct),
    help=t("campaigns.holdout_pct.help"),
)
st.caption(t("campaigns.holdout.explain"))
with st.expander(t("campaigns.advanced")):
    seed = st.number_input(
        t("campaigns.seed"),
        min_value=0,
        value=defaults.seed,
        step=1,
        help=t("campaigns.seed.help"),
    )

try:
    spec = campaigns.ListSpec(
        kind=kind,
        value=value,
        min_spend=min_spend or None,
        max_spend=max_spend or None,
        min_orders=min_orders or None,
        max_orders=max_orders or None,
        last_purchase_from=last_from,
        last_purchase_to=last_to,
        product=product,
        aov=aov,
        gender=gender,
        tag=tag,
        exclude_paid_days=paid_days,
        exclude_contacted_days=contacted_days,
        exclude_refunded=refunded,
        exclude_bad_review=bad_review,
        holdout_pct=holdout,
        seed=seed,
    )
    target = state.cached(
        campaigns.build_list, spec=spec, as_of=ctx.as_of, shop=ctx.shop, lang=ctx.lang
    )
except InputError as exc:
    st.error(str(exc))
    st.stop()

for row in target.exclusions.itertuples():
    key = "campaigns.excl.removed" if row.enabled else "campaigns.excl.off"
    removed_slots[row.exclusion].caption(t(key, label=row.label, n=row.removed))

# ----------------------------------------------------------------------------- 4. preview
st.subheader(t("campaigns.preview"))
if kind == "churn":
    action_sections.churn_summary(ctx)
elif kind == "upgrade":
    action_sections.upgrade_summary(ctx, value)
# Right after 生成名单 the list just made is shown (its members now count as contacted, so
# the same spec would find nobody); any change to the spec previews the next list.
made = st.session_state.get("campaigns_logged")
if made and made.get("spec") == spec and made.get("as_of") == ctx.as_of:
    counts, members = made["counts"], made["members"]
    st.info(
        t("campaigns.preview.made", id=made["id"], days=spec.exclude_contacted_days),
        icon=":material/task_alt:",
    )
else:
    counts, members = target.counts(), target.members
for column, name in zip(
    st.columns(5), ("source", "filtered", "final", "treatment", "control"), strict=True
):
    column.metric(t(f"campaigns.count.{name}"), format.count(counts[name]), border=True)

PREVIEW_ROWS = 200
PREVIEW_LABELS = tuple(c for c in campaigns.MEMBER_COLUMNS if c != "platform")
PREVIEW_KINDS = {
    "orders": "count",
    "spend": "money_fen",
    "aov": "money_fen",
    "last_purchase": "day",
    "expected_next": "day",  # missing for one-time buyers: a date column shows —
    "send_date": "day",
}
if len(members) == 0:
    empty_state(t("campaigns.preview.empty"))
else:
    shown = export.with_masked_phones(members.head(PREVIEW_ROWS))
    shown["grp"] = shown["grp"].map(lambda g: t(f"campaigns.grp.{g}"))
    tables.show(
        shown.drop(columns=["platform"]),
        PREVIEW_KINDS,
        {name: t(f"campaigns.col.{name}") for name in PREVIEW_LABELS},
    )
    st.caption(t("campaigns.preview.caption", shown=len(shown), total=len(members)))

# ----------------------------------------------------------------------------- 5. create
st.subheader(t("campaigns.log"))
label = campaigns.segment_label(spec.kind, spec.value, ctx.lang, con=state.cursor())
c1, c2, c3 = st.columns([2, 3, 1])
name = c1.text_input(t("campaigns.name"), value=f"{label} {ctx.as_of}")
offer = c2.text_input(
    t("campaigns.offer"), value=campaigns.suggested_offer(spec.kind, spec.value, ctx.lang)
)
offer_cost = c3.number_input(
    t("campaigns.offer_cost"), min_value=0.0, step=1.0, help=t("campaigns.offer_cost.help")
)
full_phone = auth.can("full_phone") and st.checkbox(t("campaigns.full_phone"))


def _campaign_labels(results: pd.DataFrame) -> list[str]:
    return [f"#{i} {n}" for i, n in zip(results["campaign_id"], results["name"], strict=True)]


def rates_figure(results: pd.DataFrame) -> go.Figure:
    """Each campaign's response rate among the contacted and in the holdout."""
    labels = _campaign_labels(results)
    fig = go.Figure()
    fig.add_bar(x=labels, y=results["treatment_rate"], name=t("campaigns.results.treatment"))
    fig.add_bar(x=labels, y=results["control_rate"], name=t("campaigns.results.control"))
    fig.update_layout(
        title=t("campaigns.results.rates"),
        barmode="group",
        yaxis={"tickformat": ".1%"},
        legend={"orientation": "h", "y": -0.2},
    )
    return fig


def uplift_figure(measured: pd.DataFrame) -> go.Figure:
    """Each measured campaign's uplift with its 95% interval, zero marked."""
    fig = go.Figure(
        go.Scatter(
            x=_campaign_labels(measured),
            y=measured["uplift"],
            error_y={"type": "data", "array": measured["uplift_margin"], "visible": True},
            mode="markers",
            marker={"size": 10},
        )
    )
    charts.guides(fig, charts.hline(0, dash="dot"))
    fig.update_layout(title=t("campaigns.results.uplift"), yaxis={"tickformat": ".1%"})
    return fig


def _request_create() -> None:
    """The click is kept in session state (not read from the button's return value), so it
    survives a rerun that happens before this line, such as state.context()'s."""
    st.session_state["campaigns_create"] = True


st.button(
    t("campaigns.generate"),
    type="primary",
    disabled=target.size == 0,
    on_click=_request_create,
)
if st.session_state.pop("campaigns_create", False) and target.size:
    base = export.file_stem("laoke", spec.source, ctx.as_of)
    try:
        with state.write() as con:
            campaign_id = campaigns.log_campaign(
                con,
                target,
                name=name,
                offer=offer,
                offer_cost=offer_cost or None,
                file_name=base,
            )
    except InputError as exc:
        st.error(str(exc))
    else:
        st.session_state["campaigns_logged"] = {
            "id": campaign_id,
            "name": name,
            "treatment": target.treatment_count,
            "control": target.control_count,
            "base": f"{base}_{campaign_id}",
            "frame": export.export_frame(target.members, full_phone=full_phone, lang=ctx.lang),
            "full_phone": full_phone,
            "spec": spec,
            "as_of": ctx.as_of,
            "counts": target.counts(),
            "members": target.members,
        }
        st.rerun()  # the preview now shows the new campaign's members as contacted

logged = st.session_state.get("campaigns_logged")
if logged:
    values = {k: logged[k] for k in ("id", "name", "treatment", "control")}
    st.success(t("campaigns.generated", **values))
    st.caption(t("campaigns.generated.note"))
    c1, c2, _ = st.columns([1, 1, 4])
    for column, fmt in ((c1, "csv"), (c2, "xlsx")):
        with column:
            download(
                logged["frame"],
                f"{logged['base']}.{fmt}",
                key=f"campaigns_dl_{fmt}",
                label=t(f"campaigns.download_{fmt}"),
                fmt=fmt,
                full_phone=logged["full_phone"],
                sheet=t("campaigns.sheet", lang=ctx.lang),
                source=f"campaign:{logged['id']}",
            )

# ----------------------------------------------------------------------------- results
st.divider()
st.header(t("campaigns.results"))
window = st.segmented_control(
    t("campaigns.results.window"), (7, 14, 30, 60, 90), default=30, key="campaigns_window"
)
results = state.cached(campaigns.campaign_results, window_days=window or 30, shop=ctx.shop)
if results.empty:
    empty_state(t("campaigns.results.empty"))
    st.stop()

for row in results.itertuples():
    if not row.has_control:
        st.caption(t("campaigns.results.no_control", id=row.campaign_id, name=row.name))
    elif not row.window_complete:
        st.caption(
            t(
                "campaigns.results.incomplete",
                id=row.campaign_id,
                name=row.name,
                window=row.window_days,
                days=row.days_observed,
            )
        )

responded = results[["treatment_buyers", "control_buyers"]].fillna(0).to_numpy().sum() > 0
if not responded:
    empty_state(t("campaigns.results.no_orders"))
else:
    left, right = st.columns(2)
    with left:
        chart(
            drawn(rates_figure, results),
            results[["campaign_id", "name", "treatment_rate", "control_rate"]],
            "campaign_rates",
        )
    with right:
        measured = results[results["has_control"]]
        chart(
            drawn(uplift_figure, measured),
            measured[["campaign_id", "name", "uplift", "uplift_ci_low", "uplift_ci_high"]],
            "campaign_uplift",
        )
    st.caption(t("campaigns.results.ci"))

PERCENT = ("treatment_rate", "control_rate", "uplift", "uplift_ci_low", "uplift_ci_high")
MONEY = (
    "treatment_revenue_per_member",
    "control_revenue_per_member",
    "revenue_uplift_per_member",
    "offer_spend",
)
COUNTS = ("treatment_members", "control_members", "treatment_buyers", "control_buyers")
labels = {
    "campaign_id": "#",
    "name": t("campaigns.rcol.campaign"),
    "created_at": t("campaigns.rcol.created_at"),
    "roi": t("campaigns.rcol.roi"),
}
labels |= {c: t(f"campaigns.rcol.{c}") for c in (*COUNTS, *PERCENT, *MONEY)}
kinds = {"created_at": "timestamp", "roi": "number"}
kinds |= {c: "count" for c in COUNTS} | {c: "percent" for c in PERCENT}
kinds |= {c: "money_fen" for c in MONEY}
table = results[["campaign_id", "name", "created_at", *COUNTS, *PERCENT, *MONEY, "roi"]]
tables.show(table, kinds, labels)
download_csv(results, "campaign_results.csv", key="campaigns_dl_results")
st.caption(t("campaigns.results.roi_note"))
