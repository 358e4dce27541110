"""Page sections of the action lists (issue 15), laid out here so the pages that show them
(Overview, Campaigns, Repurchase) each gain one call: the dated agenda, the churn and
upgrade list summaries, the bought-together table and the manual-cycle editor."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import actions, crosssell, manual_cycles, views
from analytics.errors import InputError
from analytics.i18n import t
from ui import auth, format, state, tables
from ui.widgets import download_csv, empty_state

AGENDA_DAYS = views.AGENDA_DAYS  # the stored default view's
PAIR_MIN_COUNT = views.PAIR_MIN_COUNT  # the stored default view's


def agenda_section(ctx) -> None:
    """未来 30 天联系计划: when, whom, why (analytics.actions.agenda)."""
    st.subheader(t("actions.agenda.title", days=AGENDA_DAYS))
    st.caption(t("actions.agenda.caption"))
    try:
        df = state.cached(
            actions.agenda, as_of=ctx.as_of, days=AGENDA_DAYS, shop=ctx.shop, lang=ctx.lang
        )
    except InputError as exc:
        st.error(str(exc))
        return
    if df.empty:
        empty_state(t("actions.agenda.empty"))
        return
    config = {c: t(f"actions.col.{c}") for c in actions.AGENDA_COLUMNS}
    config["date"] = st.column_config.DateColumn(t("actions.col.date"), format="YYYY-MM-DD")
    config["source"] = None  # the list's id (KIND:VALUE), for the download, not for reading
    # the reason is the longest text: room for it before the offer
    config["why"] = st.column_config.TextColumn(t("actions.col.why"), width="large")
    config["customers"] = st.column_config.NumberColumn(
        t("actions.col.customers"), width="small", format="localized"
    )
    tables.dataframe(df, hide_index=True, width="stretch", column_config=config, height=300)
    download_csv(df, "agenda.csv", key="actions_dl_agenda")


def _save_button(label: str, key: str, save, on_saved) -> None:
    """A settings save button: enabled for who may change settings; ``save(writer)``
    writes (an InputError is shown, nothing saved), then ``on_saved(what save returned)``."""
    if not st.button(label, key=key, disabled=not auth.can("settings")):
        return
    auth.require("settings")
    try:
        with state.write(stop=False) as writer:
            saved = save(writer)
    except InputError as exc:
        st.error(str(exc))
    else:
        on_saved(saved)


#: The ActionSettings fields the editor shows: (field, min, max, step).
_SETTING_INPUTS = (
    ("contact_budget", 0.0, None, 100.0),
    ("cost_per_contact", 0.01, None, 0.5),
    ("win_back_rate", 0.0, 1.0, 0.05),
    ("upgrade_gap_pct", 1.0, 100.0, 5.0),
)


def settings_editor() -> None:
    """The stored budget, cost per contact, win-back rate and upgrade gap (ActionSettings)."""
    cfg = actions.load_settings(state.cursor())
    with st.expander(t("actions.settings.title")):
        values = {
            name: column.number_input(
                t(f"actions.settings.{name}"),
                min_value=low,
                max_value=high,
                value=getattr(cfg, name),
                step=step,
            )
            for column, (name, low, high, step) in zip(
                st.columns(len(_SETTING_INPUTS)), _SETTING_INPUTS, strict=True
            )
        }
        _save_button(
            t("actions.settings.save"),
            "actions_settings_save",
            lambda writer: actions.save_settings(
                writer, actions.ActionSettings(**{**cfg.__dict__, **values})
            ),
            lambda _: st.rerun(),
        )


def churn_summary(ctx) -> None:
    """How the ranked churn list was cut: lost, not overdue, no gain, over budget."""
    try:
        ranking = state.cached(actions.churn_ranking, as_of=ctx.as_of, shop=ctx.shop)
    except InputError as exc:
        st.error(str(exc))
        return
    from analytics.repurchase import load_settings

    counts = ranking.counts
    settings_editor()
    st.info(
        t(
            "actions.churn.summary",
            **counts,
            max_days=load_settings(state.cursor()).churn_max_days,
            affordable=ranking.settings.affordable,
            saving=ranking.expected_saving,
        ),
        icon=":material/insights:",
    )
    left = ranking.ranked[~ranking.ranked["selected"].astype(bool)].head(200).copy()
    if not left.empty:
        left["left_out"] = left["left_out"].map(lambda v: t(f"actions.left_out.{v}"))
        with st.expander(t("actions.left_out.over_budget") + " / " + t("actions.left_out.no_gain")):
            tables.dataframe(
                left.drop(columns=["platform", "selected"]),
                hide_index=True,
                width="stretch",
            )


def upgrade_summary(ctx, pct: float) -> None:
    """How many buyers are within reach of the next tier, and their share."""
    try:
        summary = state.cached(
            actions.upgrade_summary, as_of=ctx.as_of, gap_pct=float(pct), shop=ctx.shop
        )
    except InputError as exc:
        st.error(str(exc))
        return
    settings_editor()
    st.info(
        t("actions.upgrade.summary", n=summary["candidates"], share=summary["share"], pct=pct),
        icon=":material/insights:",
    )


def pairs_section(ctx) -> None:
    """关联购买: product pairs with support, confidence, lift and a suggestion."""
    st.subheader(t("actions.pairs.title"))
    st.caption(t("actions.pairs.caption"))
    try:
        df = state.cached(
            crosssell.product_pairs, as_of=ctx.as_of, min_count=PAIR_MIN_COUNT, shop=ctx.shop
        )
    except InputError as exc:
        st.error(str(exc))
        return
    if df.empty:
        empty_state(t("actions.pairs.empty", n=PAIR_MIN_COUNT))
        return
    shown = df.copy()
    shown["suggestion"] = shown["suggestion"].map(lambda s: t(f"actions.pairs.{s}"))
    config = {c: t(f"actions.pairs.col.{c}") for c in ("item_a", "item_b", "count_ab")}
    config |= {
        c: st.column_config.NumberColumn(t(f"actions.pairs.col.{c}"), format="percent")
        for c in ("support", "confidence")
    }
    config["lift"] = st.column_config.NumberColumn(t("actions.pairs.col.lift"), format="%.2f")
    config["suggestion"] = t("actions.pairs.col.suggestion")
    tables.dataframe(
        shown[["item_a", "item_b", "count_ab", "support", "confidence", "lift", "suggestion"]],
        hide_index=True,
        width="stretch",
        column_config=config,
    )
    download_csv(df, "product_pairs.csv", key="actions_dl_pairs")


#: The cycle table's number columns.
CYCLE_NUMBERS = ("learned_days", "customers", "manual_days", "effective_days")


def _days(value) -> str:
    """A count or a number of days for the cycle table: 2,200 / 32 / 2.5, "—" if missing."""
    number = pd.to_numeric(value, errors="coerce")
    if pd.isna(number):
        return format.MISSING
    return format.count(number) if float(number).is_integer() else f"{number:,.1f}"


def manual_cycles_section(ctx) -> None:
    """手动回购周期: learned beside manual, and the editor of the manual rules."""
    st.subheader(t("actions.cycles.title"))
    st.caption(t("actions.cycles.caption"))
    con = state.cursor()
    rules = manual_cycles.load(con)
    for level in manual_cycles.LEVELS:
        try:
            table = state.cached(
                manual_cycles.cycle_table, as_of=ctx.as_of, level=level, shop=ctx.shop
            )
        except InputError as exc:
            st.error(str(exc))
            return
        if not table.empty:
            # Shown as text: a missing number reads "—" (Streamlit's grid writes None).
            table = table.assign(
                **{c: [_days(v) for v in table[c]] for c in CYCLE_NUMBERS},
                per_unit=[
                    "—" if v is None or pd.isna(v) else ("✓" if v else "")
                    for v in table["per_unit"]
                ],
            )
            tables.dataframe(
                table,
                hide_index=True,
                width="stretch",
                column_config={
                    "item": t("actions.cycles.col.item"),
                    **{
                        c: t(f"actions.cycles.col.{c}")
                        for c in (
                            "learned_days",
                            "customers",
                            "manual_days",
                            "per_unit",
                            "effective_days",
                        )
                    },
                },
            )
    edited = st.data_editor(
        manual_cycles.rules_table(rules)
        if rules.rules
        else pd.DataFrame(
            {
                "level": pd.Series(dtype=str),
                "item": pd.Series(dtype=str),
                "days": pd.Series(dtype=float),
                "per_unit": pd.Series(dtype=bool),
            }
        ),  # fmt: skip
        num_rows="dynamic",
        width="stretch",
        key="actions_cycles_editor",
        column_config={
            "level": st.column_config.SelectboxColumn(
                t("actions.cycles.col.level"), options=list(manual_cycles.LEVELS), default="product"
            ),
            "item": t("actions.cycles.col.item"),
            "days": st.column_config.NumberColumn(t("actions.cycles.col.days"), min_value=0.5),
            "per_unit": st.column_config.CheckboxColumn(
                t("actions.cycles.col.per_unit"), default=False
            ),
        },
    )

    def save(writer) -> int:
        value = manual_cycles.rules_from_table(edited)
        manual_cycles.save(writer, value)
        return len(value.rules)

    _save_button(
        t("actions.cycles.save"),
        "actions_cycles_save",
        save,
        lambda n: st.success(t("actions.cycles.saved", n=n)),
    )
