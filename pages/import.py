"""数据导入 Import: upload order exports and buyer profiles, preview the detected layout (with
the reason) and column mapping, reuse or change the mapping saved for a file's columns,
import with progress, see each file's result, and browse or undo history."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.errors import ImportRefused, InputError
from analytics.i18n import language, t
from analytics.importers import ImportResult, import_orders, preview
from analytics.importers.detect import BY_PLATFORM
from analytics.importers.formats import FIELDS, ITEM_FIELDS
from analytics.importers.history import HISTORY_COLUMNS, import_history, undo_import
from analytics.importers.mappings import saved_mapping
from analytics.importers.profiles import import_profiles
from ui import auth, format, state, tables
from ui.uploader import file_uploader
from ui.uploads import saved_upload

FILE_TYPES = ["csv", "txt", "tsv", "xlsx", "xls"]

state.context()  # sets the UI language chosen in the sidebar
auth.require("import")  # staff: no import, no undo
st.title(t("import.title"))
tab_orders, tab_profiles, tab_history = st.tabs(
    [t("import.tab_orders"), t("import.tab_profiles"), t("import.tab_history")]
)


#: Fields with a label in the core catalog; the others are labelled by the importers one.
_CORE_FIELDS = tuple(f for f in FIELDS if f != "after_sale")


def _label(field: str) -> str:
    return t(f"field.{field}") if field in _CORE_FIELDS else t(f"importers.field.{field}")


def _preview(upload, platform: str):
    """(detection, header) of an upload, cached per uploaded file and platform choice."""
    key = f"preview_{upload.file_id}_{platform}"
    if key not in st.session_state:
        try:
            with saved_upload(upload) as path:
                source, detection = preview(path, name=upload.name, platform=platform)
            st.session_state[key] = (detection, source.header, None)
        except ImportRefused as refused:
            st.session_state[key] = (None, [], refused)
    return st.session_state[key]


def _show_problems(problems) -> None:
    st.dataframe(
        pd.DataFrame(
            {
                t("import.col.line"): [p.line for p in problems],
                t("import.col.column"): [p.column for p in problems],
                t("import.col.value"): [p.value for p in problems],
                t("import.col.reason"): [p.text() for p in problems],
            }
        ),
        hide_index=True,
    )


def _show_result(result: ImportResult | ImportRefused) -> None:
    """One file's outcome; a refusal in the current language, with the rows behind it."""
    if isinstance(result, ImportRefused):
        st.error(t("import.refused", file=result.file, reason=result.text()))
        if result.problems:
            _show_problems(result.problems)
        return
    if result.lines_written:
        st.caption(
            t(
                "importers.lines_written",
                file=result.file_name,
                n=format.count(result.lines_written),
            )
        )
    st.success(
        t(
            "import.done",
            file=result.file_name,
            id=result.import_id,
            read=format.count(result.rows_read),
            inserted=format.count(result.inserted),
            updated=format.count(result.updated),
            unchanged=format.count(result.unchanged),
            rejected=format.count(result.rejected),
        )
    )
    if result.platform == "buyers":
        st.info(t("identity.assigned", n=result.updated, same=result.unchanged))
    for notice in result.notices():
        st.warning(notice, icon=":material/person_off:")
    if result.merged:
        st.info(t("importers.merged", n=result.merged))
        st.caption(t("importers.merged.help"))
    if result.problems:
        st.warning(t("import.rejected_rows", n=format.count(result.rejected)))
        _show_problems(result.problems)


with tab_orders:
    st.caption(t("import.big_files"))
    with st.expander(t("import.cli.title"), icon=":material/terminal:"):
        st.caption(t("import.cli.help"))
        st.code(
            "python -m analytics import " + ("文件名.csv" if language() == "zh" else "FILE.csv"),
            language="bash",
        )
    uploads = file_uploader(
        t("import.files"),
        types=FILE_TYPES,
        multiple=True,
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
        with st.expander(f"{upload.name} · {format.file_size(upload.size)}", expanded=True):
            if problem:
                st.error(t("import.refused", file=upload.name, reason=problem.text()))
                continue
            st.markdown(t("import.detected", label=detection.format.label))
            st.caption(detection.explain())
            fmt = detection.format
            mapping = dict(detection.mapping)
            saved = saved_mapping(state.cursor(), header)
            change = False
            if saved:
                st.info(t("importers.saved_mapping", date=f"{saved.saved_at:%Y-%m-%d}"))
                change = st.toggle(t("importers.change_mapping"), key=f"chg_{upload.file_id}")
                mapping.update(saved.mapping)
            fields = [f for f in fmt.fields if f in FIELDS or fmt.kind == "items"]
            if fmt.grain == "line" or fmt.kind == "items":
                fields += [f for f in ITEM_FIELDS if f not in fields]
            if change:
                ask = fields
            else:
                ask = [f for f in fmt.required if not mapping.get(f) and f not in detection.derived]
            for field in ask:
                current = mapping.get(field)
                mapping[field] = st.selectbox(
                    t("import.map_field", field=_label(field)),
                    header,
                    index=header.index(current) if current in header else None,
                    key=f"map_{upload.file_id}_{field}_{change}",
                    placeholder=t("import.map_placeholder")
                    if field in fmt.required
                    else t("importers.not_used"),
                )
            if ask:
                st.caption(t("importers.mapping_remembered"))
            st.dataframe(
                pd.DataFrame(
                    [
                        {t("import.col.field"): _label(f), t("import.col.source"): mapping[f]}
                        for f in fields
                        if mapping.get(f)
                    ]
                    + [
                        {
                            t("import.col.field"): _label(f),
                            t("import.col.source"): " / ".join("+".join(s) for s in sources),
                        }
                        for f, sources in detection.derived.items()
                        if not mapping.get(f)
                    ]
                ),
                hide_index=True,
            )
            chosen = {k: v for k, v in mapping.items() if v}
            if all(chosen.get(f) or f in detection.derived for f in fmt.required):
                mappings[upload.file_id] = chosen
                ready.append(upload)
            else:
                st.warning(t("import.map_needed"))

    # Files imported in this session stay in the uploader; the button waits for new ones.
    done = st.session_state.setdefault("imported_files", set())
    pending = [u for u in ready if u.file_id not in done]
    if ready and not pending:
        st.caption(t("import.done_all"))
    if uploads and st.button(
        t("import.run", n=len(pending) or len(ready)),
        type="primary",
        disabled=not pending,
        icon=":material/upload:",
    ):
        ready = pending
        results = []
        for index, upload in enumerate(ready):
            bar = st.progress(0.0, text=upload.name)
            try:
                with saved_upload(upload) as path, state.write(import_of=upload.name) as con:
                    results.append(
                        import_orders(
                            con,
                            path,
                            name=upload.name,
                            platform=platform,
                            shop=shop_name,
                            mapping=mappings[upload.file_id],
                            progress=lambda f, b=bar, n=upload.name: b.progress(f, text=n),
                        )
                    )
                    if index == len(ready) - 1:  # the last file lands with its figures
                        state.rebuild_scores(con)
            except ImportRefused as refused:
                results.append(refused)
            bar.empty()
        state.scored_as_of()  # when the last file was refused: the scores of the others
        st.session_state["import_results"] = results
        done.update(u.file_id for u in ready)
        st.session_state.pop("laoke_context", None)
        st.rerun()

    for result in st.session_state.get("import_results", []):
        _show_result(result)

with tab_profiles:
    st.markdown(t("import.profiles.intro"))
    profile_upload = file_uploader(t("import.profiles.file"), types=FILE_TYPES, key="profiles")
    if profile_upload and st.button(t("import.profiles.run"), type="primary"):
        try:
            with (
                saved_upload(profile_upload) as path,
                state.write(import_of=profile_upload.name, kind="profiles") as con,
            ):
                result = import_profiles(con, path, name=profile_upload.name)
            _show_result(result)
        except ImportRefused as refused:
            _show_result(refused)

with tab_history:
    # Not cached by data version: a refused or unchanged import is history too.
    history = import_history(state.cursor())
    if history.empty:
        st.info(t("import.history.empty"))
    else:
        shown = history.assign(
            kind=history["kind"].map(lambda k: t(f"import.history.kind.{k}")),
            outcome=history["outcome"].map(lambda o: t(f"import.history.outcome.{o}")),
        )
        counts = [c for c in HISTORY_COLUMNS if c.startswith("rows_")]
        # the outcome right after the file, so it never scrolls out of sight
        first = ["import_id", "file_name", "outcome"]
        tables.show(
            shown[[*first, *[c for c in shown.columns if c not in first]]],
            {"platform": "platform", "started_at": "timestamp", "finished_at": "timestamp"}
            | dict.fromkeys(counts, "count"),
            {c: t(f"import.history.col.{c}") for c in HISTORY_COLUMNS},
        )
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
                    with state.write() as con:
                        summary = undo_import(con, int(chosen))
                        state.rebuild_scores(con)  # the undo lands with its figures
                    st.session_state["undo_message"] = t(
                        "import.undo.done",
                        id=summary.import_id,
                        removed=summary.removed,
                        restored=summary.restored,
                    )
                    if summary.lines_removed or summary.lines_restored:
                        st.session_state["undo_message"] += " " + t(
                            "importers.lines_undone",
                            removed=summary.lines_removed,
                            restored=summary.lines_restored,
                        )
                except InputError as exc:
                    st.session_state["undo_message"] = str(exc)
                st.session_state.pop("laoke_context", None)
                st.rerun()
        if "undo_message" in st.session_state:
            st.success(st.session_state.pop("undo_message"))
