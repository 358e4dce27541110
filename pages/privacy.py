"""客户数据与权限 Customer data & access (owner only): find one customer, export everything
stored about them, delete them (PIPL); the download log, the deletion log and the accounts."""

from __future__ import annotations

import streamlit as st

from analytics import accounts, downloads, export, privacy
from analytics.errors import InputError
from analytics.i18n import t
from ui import auth, format, state
from ui.widgets import MIME, empty_state, recorded_file

ctx = state.context()
auth.require("privacy")
st.title(t("privacy.title"))
st.caption(t("privacy.intro"))

FOUND_COLUMNS = (
    "platform",
    "shop",
    "customer_id",
    "customer_name",
    "phone",
    "valid_orders",
    "revenue",
    "last_seen",
)


def _customer(key: privacy.CustomerKey) -> str:
    """A customer as the reader names them: 淘宝/天猫 · 老客优选旗舰店 · 快乐的小草2330603."""
    return f"{format.shop(f'{key.platform}/{key.shop}')} · {key.customer_id}"


def _labels(prefix: str, names) -> dict:
    return {name: t(f"{prefix}.{name}") for name in names}


# ----------------------------------------------------------------------------- find
st.subheader(t("privacy.find"))
message = st.session_state.pop("privacy_message", None)
if message:
    st.success(message)
query = st.text_input(t("privacy.query"), key="privacy_query")
key = None
if query.strip():
    try:
        found = privacy.find_customers(state.cursor(), query, shop=ctx.shop)
    except InputError as exc:
        st.error(str(exc))
        st.stop()
    if found.empty:
        empty_state(t("privacy.none"))
    else:
        shown = export.with_masked_phones(found)[list(FOUND_COLUMNS)]
        kinds = {"platform": "platform", "revenue": "money_fen", "last_seen": "timestamp"}
        st.dataframe(
            format.table(shown, kinds),
            hide_index=True,
            width="stretch",
            column_config=_labels("privacy.col", FOUND_COLUMNS),
        )
        keys = [privacy.CustomerKey(r.platform, r.shop, r.customer_id) for r in found.itertuples()]
        key = st.selectbox(t("privacy.choose"), keys, format_func=_customer, key="privacy_key")

if key is not None:
    record = privacy.customer_record(state.cursor(), key)
    st.caption(t("privacy.stored"))
    held = [
        t("privacy.table_rows", table=t(f"privacy.table.{name}"), n=len(df))
        for name, df in record.items()
        if len(df)
    ]
    st.markdown(" · ".join(held) if held else t("privacy.stored.none"))
    rows = sum(len(df) for df in record.values())
    stem = export.file_stem("laoke_customer", key.platform, key.shop, key.customer_id)

    # --------------------------------------------------------------------- export
    st.subheader(t("privacy.export"))
    c1, c2, _ = st.columns([1, 1, 4])
    for column, fmt in ((c1, "xlsx"), (c2, "json")):
        column.download_button(
            t(f"privacy.export_{fmt}"),
            recorded_file(
                lambda fmt=fmt: privacy.export_customer(state.cursor(), key, fmt=fmt),
                source=f"privacy.export:{key}",
                file_name=f"{stem}.{fmt}",
                fmt=fmt,
                rows=rows,
                masked=False,
            ),
            file_name=f"{stem}.{fmt}",
            mime=MIME[fmt],
            key=f"privacy_export_{fmt}",
            icon=":material/download:",
        )

    # --------------------------------------------------------------------- delete
    st.subheader(t("privacy.delete"))
    st.warning(t("privacy.delete.warning", customer=_customer(key)), icon=":material/warning:")
    typed = st.text_input(
        t("privacy.delete.confirm", customer_id=key.customer_id), key=f"privacy_confirm_{key}"
    )
    if st.button(
        t("privacy.delete.run"),
        type="primary",
        disabled=typed.strip() != key.customer_id,
        icon=":material/delete_forever:",
    ):
        auth.require("delete")
        user = auth.current_user()
        try:
            with state.write(stop=False) as con:
                counts = privacy.delete_customer(con, key, user=user.name)
        except InputError as exc:
            st.error(str(exc))
        else:
            st.session_state["privacy_message"] = t(
                "privacy.deleted", customer=_customer(key), rows=sum(counts.values())
            )
            st.session_state.pop("privacy_key", None)
            st.rerun()

# ----------------------------------------------------------------------------- logs
st.divider()
st.subheader(t("privacy.downloads"))
log = downloads.download_log(state.cursor())
if log.empty:
    empty_state(t("privacy.downloads.empty"))
else:
    columns = [c for c in downloads.LOG_COLUMNS if c not in ("download_id", "file_format")]
    st.dataframe(
        log[columns],
        hide_index=True,
        width="stretch",
        column_config=_labels("privacy.log.col", columns),
    )

st.subheader(t("privacy.deletions"))
deleted = privacy.deletion_log(state.cursor())
if deleted.empty:
    empty_state(t("privacy.deletions.empty"))
else:
    columns = ["deleted_at", "user_name", "platform", "shop", "customer_id", "rows_deleted"]
    labels = {
        **_labels("privacy.col", ("platform", "shop")),
        **_labels("privacy.log.col", ("deleted_at", "user_name", "customer_id", "rows_deleted")),
    }
    st.dataframe(
        format.table(deleted[columns], {"platform": "platform", "deleted_at": "timestamp"}),
        hide_index=True,
        width="stretch",
        column_config=labels,
    )

st.subheader(t("privacy.accounts"))
st.caption(t("privacy.accounts.help"))
users = accounts.list_users()
if not users:
    empty_state(t("privacy.accounts.none"))
else:
    st.dataframe(
        [
            {"name": u.name, "role": t(f"auth.role.{u.role}"), "created_at": u.created_at}
            for u in users
        ],
        hide_index=True,
        column_config=_labels("privacy.accounts.col", ("name", "role", "created_at")),
    )
