"""数据导入 Import: upload order exports and buyer profiles, preview the detected layout and
column mapping, import with progress, see each file's result, and browse or undo history."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.errors import ImportRefused, InputError
from analytics.i18n import t
from analytics.importers import ImportResult, import_orders, preview
from analytics.importers.detect import BY_PLATFORM
from analytics.importers.formats import FIELDS, REQUIRED_FIELDS
from analytics.importers.history import import_history, undo_import
from analytics.importers.profiles import import_profiles
from ui import state
from ui.uploads import saved_upload

FILE_TYPES = ["csv", "txt", "tsv", "xlsx", "xls"]

st.title(t("import.title"))
tab_orders, tab_profiles, tab_history = st.tabs(
    [t("import.tab_orders"), t("import.tab_profiles"), t("import.tab_history")]
)


def _preview(upload, platform: str):
    """(detection, header) of an upload, cached per uploaded file and platform choice."""
    key = f"preview_{upload.file_id}_{platform}"
    if key not in st.session_state:
        try:
            with saved_upload(upload) as path:
                source, detection = preview(path, name=upload.name, platform=platform)
            st.session_state[key] = (detection, source.header, None)
        except ImportRefused as refused:
            st.session_state[key] = (None, [], refused.reason)
    return st.session_state[key]


def _show_result(result) -> None:
    if result.outcome == "refused":
        st.error(t("import.refused", file=result.file_name, reason=result.message))
        return
    st.success(
        t(
            "import.done",
            file=result.file_name,
            id=result.import_id,
            read=result.rows_read,
            inserted=result.inserted,
            updated=result.updated,
            unchanged=result.unchanged,
            rejected=result.rejected,
        )
    )
    if result.problems:
        st.warning(t("import.rejected_rows", n=result.rejected))
        st.dataframe(
            pd.DataFrame([p.__dict__ for p in result.problems]).rename(
                columns={
                    "line": t("import.col.line"),
                    "column": t("import.col.column"),
                    "value": t("import.col.value"),
                    "reason": t("import.col.reason"),
                }
            ),
            hide_index=True,
        )


def _refused(upload, reason: str) -> ImportResult:
    return ImportResult(0, upload.name, "refused", message=reason)


with tab_orders:
    uploads = st.file_uploader(
        t("import.files"),
        type=FILE_TYPES,
        accept_multiple_files=True,
        key="order_files",
        help=t("import.files.help"),
    )
    left, right = st.columns(2)
    platform = left.selectbox(
        t("import.platform"),
        ["auto", *BY_PLATFORM],
        format_func=lambda p: t("import.platform.auto") if p == "auto" else BY_PLATFORM[p].label,
    )
    shop_name = right.text_input(t("import.shop"), help=t("import.shop.help")) or None

    mappings: dict[str, dict[str, str]] = {}
    ready = []
    for upload in uploads or []:
        detection, header, problem = _preview(upload, platform)
        with st.expander(f"{upload.name} · {upload.size / 1e6:,.1f} MB", expanded=True):
            if problem:
                st.error(t("import.refused", file=upload.name, reason=problem))
                continue
            st.markdown(t("import.detected", label=detection.format.label))
            st.caption(detection.reason)
            mapping = dict(detection.mapping)
            for field in detection.missing:
                mapping[field] = st.selectbox(
                    t("import.map_field", field=t(f"field.{field}")),
                    header,
                    index=None,
                    key=f"map_{upload.file_id}_{field}",
                    placeholder=t("import.map_placeholder"),
                )
            st.dataframe(
                pd.DataFrame(
                    [
                        {t("import.col.field"): t(f"field.{f}"), t("import.col.source"): mapping[f]}
                        for f in FIELDS
                        if mapping.get(f)
                    ]
                ),
                hide_index=True,
            )
            if all(mapping.get(f) for f in REQUIRED_FIELDS):
                mappings[upload.file_id] = {k: v for k, v in mapping.items() if v}
                ready.append(upload)
            else:
                st.warning(t("import.map_needed"))

    if uploads and st.button(
        t("import.run", n=len(ready)), type="primary", disabled=not ready, icon=":material/upload:"
    ):
        results = []
        for upload in ready:
            bar = st.progress(0.0, text=upload.name)
            try:
                with saved_upload(upload) as path:
                    results.append(
                        import_orders(
                            state.cursor(),
                            path,
                            name=upload.name,
                            platform=platform,
                            shop=shop_name,
                            mapping=mappings[upload.file_id],
                            progress=lambda f, b=bar, n=upload.name: b.progress(f, text=n),
                        )
                    )
            except ImportRefused as refused:
                results.append(_refused(upload, refused.reason))
            bar.empty()
        st.session_state["import_results"] = results
        st.session_state.pop("laoke_context", None)
        st.rerun()

    for result in st.session_state.get("import_results", []):
        _show_result(result)

with tab_profiles:
    st.markdown(t("import.profiles.intro"))
    profile_upload = st.file_uploader(t("import.profiles.file"), type=FILE_TYPES, key="profiles")
    if profile_upload and st.button(t("import.profiles.run"), type="primary"):
        try:
            with saved_upload(profile_upload) as path:
                _show_result(import_profiles(state.cursor(), path, name=profile_upload.name))
        except ImportRefused as refused:
            _show_result(_refused(profile_upload, refused.reason))

with tab_history:
    history = state.cached(import_history)
    if history.empty:
        st.info(t("import.history.empty"))
    else:
        st.dataframe(history, hide_index=True)
        undoable = history.loc[history["outcome"] == "imported", "import_id"].tolist()
        if undoable:
            left, right = st.columns([2, 1])
            chosen = left.selectbox(
                t("import.undo.choose"),
                undoable,
                format_func=lambda i: f"#{i} {history.set_index('import_id').at[i, 'file_name']}",
            )
            confirm = right.checkbox(t("import.undo.confirm"))
            if right.button(t("import.undo.run"), disabled=not confirm, icon=":material/undo:"):
                try:
                    summary = undo_import(state.cursor(), int(chosen))
                    st.session_state["undo_message"] = t(
                        "import.undo.done",
                        id=summary.import_id,
                        removed=summary.removed,
                        restored=summary.restored,
                    )
                except InputError as exc:
                    st.session_state["undo_message"] = str(exc)
                st.session_state.pop("laoke_context", None)
                st.rerun()
        if "undo_message" in st.session_state:
            st.success(st.session_state.pop("undo_message"))
