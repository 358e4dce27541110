"""The UI catalogs: every key in both languages, the same placeholders in both, and
Chinese sentences with full-width punctuation."""

from __future__ import annotations

import re
import string

import pytest

from analytics.i18n import catalogs, t

#: Keys whose languages take different pieces on purpose (the caller passes all of them).
DIFFERENT_PLACEHOLDERS = {
    # zh writes 6月1日 from month and day numbers, en a formatted "Jun 1"
    "monitoring.week",
    "monitoring.week.partial",
    # en names the first bad row inline; zh shows the bad rows in a table below
    "refusal.too_many_bad",
}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_key_exists_in_both_languages():
    zh, en = catalogs()["zh"], catalogs()["en"]
    assert sorted(zh.keys() - en.keys()) == []
    assert sorted(en.keys() - zh.keys()) == []


def test_no_text_is_empty():
    empty = [(lang, k) for lang, table in catalogs().items() for k, v in table.items() if not v]
    assert empty == []


def test_placeholders_match_between_languages():
    zh, en = catalogs()["zh"], catalogs()["en"]
    mismatched = {
        key: (sorted(_fields(zh[key])), sorted(_fields(en[key])))
        for key in zh.keys() & en.keys()
        if key not in DIFFERENT_PLACEHOLDERS and _fields(zh[key]) != _fields(en[key])
    }
    assert mismatched == {}


def test_documented_placeholder_differences_still_exist():
    zh, en = catalogs()["zh"], catalogs()["en"]
    for key in DIFFERENT_PLACEHOLDERS:
        assert _fields(zh[key]) != _fields(en[key]), f"{key} now matches: drop the exception"


#: An ASCII , ; ! ? right after or before a Chinese character, or : after one (outside {…}).
HALF_WIDTH = re.compile(r"[\u4e00-\u9fff][,;!?:]|[,;!?][\u4e00-\u9fff]")


def test_chinese_sentences_use_full_width_punctuation():
    outside_braces = {k: re.sub(r"\{[^}]*\}", "{}", v) for k, v in catalogs()["zh"].items()}
    half = {k: v for k, v in outside_braces.items() if HALF_WIDTH.search(v)}
    assert half == {}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_text_has_well_formed_placeholders(lang):
    broken = []
    for key, text in catalogs()[lang].items():
        try:
            list(string.Formatter().parse(text))
        except ValueError as exc:
            broken.append((key, str(exc)))
    assert broken == []
    assert t("nav.overview", lang=lang) == {"zh": "总览", "en": "Overview"}[lang]


def test_whole_numbers_in_sentences_read_with_separators():
    assert t("actions.agenda.reminders", lang="zh", n=11501) == "11,501 位客户到了回购提醒日"
    assert t("repurchase.churn.count", lang="en", n=2367) == "2,367 customers overdue"
    # a year, an id and a placeholder with its own format are left as written
    assert t("actions.agenda.event", lang="zh", event="双11", year=2025).startswith("2025 年")
    made = t("campaigns.preview.made", lang="zh", id=1024, days=7)
    assert "#1024" in made
