"""``st.file_uploader`` that speaks the page's language.

Streamlit 1.67 writes its uploader's own words (the "Upload" button, "2GB per file • CSV…",
"Drag and drop files here" while a file is dragged over it) in English and has no option
for them (streamlit/streamlit#13500). In Chinese, ``file_uploader`` puts a small style
sheet scoped to that one uploader (its ``st-key-<key>`` class) before it, which hides those
English words and shows the catalog's instead (选择文件 / 每个文件不超过 2GB · CSV、XLSX /
拖放文件到这里). In English nothing is added. ``uploader_css`` is plain text, tested alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from analytics.i18n import language, t

_ZONE = "[data-testid='stFileUploaderDropzone']"


def size_limit(megabytes: int) -> str:
    """``2048`` → ``2GB``, ``200`` → ``200MB`` (as Streamlit writes the limit)."""
    if megabytes >= 1024 and megabytes % 1024 == 0:
        return f"{megabytes // 1024}GB"
    return f"{megabytes}MB"


def _css_text(text: str) -> str:
    """``text`` as a CSS string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def uploader_css(key: str, lang: str, types: Sequence[str], limit_mb: int) -> str:
    """The style sheet putting the catalog's words over the uploader ``key``'s English ones
    in ``lang``; empty in English (Streamlit's own words are English already)."""
    if lang != "zh":
        return ""
    scope = f".st-key-{key} {_ZONE}"
    limit = t("uploader.limit", size=size_limit(limit_mb))
    if types:
        limit += " · " + "、".join(x.lstrip(".").upper() for x in types)
    replace = (
        # the button's label, the size/type line and the drop hint (shown while dragging)
        (f"{scope} button [data-testid='stMarkdownContainer'] p", t("uploader.browse")),
        (f"{scope} [data-testid='stFileUploaderDropzoneInstructions'] span", limit),
        (f"{scope} > div:not([data-testid]) > span", t("uploader.drop")),
    )
    rules = []
    for selector, text in replace:
        rules.append(f"{selector} {{font-size: 0 !important;}}")
        rules.append(
            f"{selector}::after {{content: {_css_text(text)}; font-size: 0.875rem; "
            "line-height: 1.6;}"
        )
    return "\n".join(rules)


def file_uploader(
    label: str,
    *,
    key: str,
    types: Sequence[str],
    multiple: bool = False,
    help: str | None = None,  # noqa: A002 (Streamlit's own parameter name)
):
    """``st.file_uploader(label, type=types, key=key, …)`` with its own words in the
    page's language."""
    css = uploader_css(key, language(), types, int(st.get_option("server.maxUploadSize")))
    if css:
        st.html(f"<style>{css}</style>")
    return st.file_uploader(
        label, type=list(types), accept_multiple_files=multiple, key=key, help=help
    )
