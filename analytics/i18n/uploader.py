"""Catalog: the words inside Streamlit's file uploader (its button, size limit and drop
hint), which Streamlit itself writes only in English; ``ui.uploader`` puts these over it."""

ZH = {
    "uploader.browse": "选择文件",
    "uploader.limit": "每个文件不超过 {size}",
    "uploader.drop": "拖放文件到这里",
}

EN = {
    "uploader.browse": "Browse files",
    "uploader.limit": "Up to {size} per file",
    "uploader.drop": "Drop files here",
}
