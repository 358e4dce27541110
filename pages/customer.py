"""客户查询 Customer lookup: find a buyer by id, name or (masked) phone from the sidebar and
see what an operator checks before a call: orders, stage, RFM segment, tier, predicted
next order, and the campaigns they received with the outcome."""

from __future__ import annotations

import streamlit as st

from analytics import campaigns, customer_view, export
from analytics.errors import InputError
from analytics.i18n import t
from ui import format, state
from ui.widgets import empty_state

ctx = state.context()
st.title(t("customer.title"))

query = st.session_state.get("customer_search") or st.session_state.get("customer_query", "")
if not query:
    empty_state(t("customer.hint"))
    st.stop()

found = state.cached(customer_view.search_customers, text=query, shop=ctx.shop)
if found.empty:
    empty_state(t("customer.none"))
    st.stop()

labels = [
    " · ".join((r.customer_id, r.customer_name or "", export.mask_phone(r.phone), r.shop))
    for r in found.itertuples()
]
choice = st.selectbox(t("customer.pick"), range(len(found)), format_func=labels.__getitem__)
row = found.iloc[choice]
try:
    detail = state.cached(
        customer_view.customer_detail,
        platform=row["platform"],
        shop=row["shop"],
        customer_id=row["customer_id"],
        as_of=ctx.as_of,
    )
except InputError as exc:
    st.error(str(exc))
    st.stop()

facts = detail.facts
st.subheader(
    f"{facts['customer_name'] or detail.customer_id} · {export.mask_phone(facts['phone'])}"
)
stage = facts["stage"] and t(f"lifecycle.stage.{facts['stage']}")
segment = facts["segment"] and campaigns.segment_label("rfm", facts["segment"], ctx.lang)
tier = facts["tier"] and campaigns.segment_label(
    "tier", facts["tier"], ctx.lang, con=state.cursor()
)
cards = (
    ("orders", f"{facts['orders']:,}"),
    ("spend", f"¥{facts['spend']:,.2f}"),
    ("aov", "—" if facts["aov"] is None else f"¥{facts['aov']:,.2f}"),
    ("p_alive", "—" if facts["p_alive"] is None else f"{facts['p_alive']:.0%}"),
    ("stage", stage or "—"),
    ("segment", segment or "—"),
    ("tier", tier or "—"),
    ("next", str(facts["expected_next"] or "—")),
)
for start in range(0, len(cards), 4):
    for column, (name, text) in zip(st.columns(4), cards[start : start + 4], strict=False):
        column.metric(t(f"customer.m.{name}"), text, border=True)
st.caption(
    f"{t('customer.m.first')} {facts['first_order'] or '—'} · "
    f"{t('customer.m.last')} {facts['last_order'] or '—'}"
)

st.subheader(t("customer.orders"))
ORDER_COLUMNS = ("order_id", "order_time", "status", "amount", "refund_amount", "product", "city")
orders = detail.orders[list(ORDER_COLUMNS)].assign(
    status=[t(f"order.status.{s}") if isinstance(s, str) else s for s in detail.orders["status"]]
)
ORDER_KINDS = {"order_time": "timestamp", "amount": "money_fen", "refund_amount": "money_fen"}
st.dataframe(
    format.table(orders, ORDER_KINDS),
    hide_index=True,
    width="stretch",
    column_config={c: t(f"customer.col.{c}") for c in ORDER_COLUMNS},
)

st.subheader(t("customer.campaigns"))
if detail.campaigns.empty:
    empty_state(t("customer.campaigns.empty"))
else:
    received = detail.campaigns.copy()
    received["outcome"] = [
        t("customer.outcome.control")
        if r.grp == "control"
        else t("customer.outcome.bought", days=30, orders=r.orders, revenue=r.revenue)
        if r.bought
        else t("customer.outcome.none", days=30)
        for r in received.itertuples()
    ]
    received["grp"] = received["grp"].map(lambda g: t(f"campaigns.grp.{g}"))
    shown = ("campaign_id", "name", "created_at", "offer", "grp", "outcome")
    st.dataframe(
        received[list(shown)],
        hide_index=True,
        width="stretch",
        column_config={c: t(f"customer.col.{c}") for c in shown},
    )
