"""ui/uploader.py: Streamlit's own uploader words, in Chinese on a Chinese page."""

from __future__ import annotations

from analytics import i18n
from ui.uploader import size_limit, uploader_css


def test_chinese_uploader_shows_chinese_button_limit_and_drop_hint():
    i18n.set_language("zh")
    css = uploader_css("order_files", "zh", ["csv", "xlsx"], 2048)
    assert 'content: "选择文件"' in css
    assert 'content: "每个文件不超过 2GB · CSV、XLSX"' in css
    assert 'content: "拖放文件到这里"' in css
    # every rule is scoped to this one uploader
    rules = [line for line in css.splitlines() if line.strip()]
    assert rules and all(line.startswith(".st-key-order_files ") for line in rules)


def test_english_uploader_keeps_streamlits_own_words():
    i18n.set_language("en")
    try:
        assert uploader_css("order_files", "en", ["csv"], 2048) == ""
    finally:
        i18n.set_language("zh")


def test_upload_limit_reads_as_streamlit_writes_it():
    assert size_limit(2048) == "2GB"
    assert size_limit(200) == "200MB"
