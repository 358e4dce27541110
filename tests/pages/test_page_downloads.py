"""Every page download goes through the safe writer: phones masked, formula cells inert,
and the download recorded in the log with who, which list, how many rows, masked or not."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest

from analytics import accounts, downloads, store
from tests.pages.apptest import ROOT
from ui import auth, widgets

NASTY = pd.DataFrame(
    {
        "customer_id": ['=HYPERLINK("http://x","y")', "小明"],
        "phone": ["13812345678", "+86 139 1234 5678"],
        "手机": ["13700001111", None],
        "note": ["@SUM(A1)", "-2+3"],
        "orders": [-1, 3],
    }
)


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "shop.duckdb"
    store.connect(path).close()
    monkeypatch.setenv("LAOKE_DB", str(path))
    monkeypatch.delenv("LAOKE_LAN", raising=False)
    return path


def test_page_csv_masks_phones_and_neutralizes_formulas():
    data = widgets.csv_bytes(NASTY)
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel keeps the Chinese
    frame = pd.read_csv(io.BytesIO(widgets.csv_bytes(NASTY)), dtype=str, keep_default_na=False)
    assert frame["customer_id"].tolist() == ['\'=HYPERLINK("http://x","y")', "小明"]
    assert frame["phone"].tolist() == ["138****5678", "139****5678"]
    assert frame["手机"].tolist() == ["137****1111", ""]
    assert frame["note"].tolist() == ["'@SUM(A1)", "'-2+3"]
    assert frame["orders"].tolist() == ["-1", "3"]  # numbers stay numbers


def test_download_file_is_made_by_the_safe_writer_and_recorded(db):
    make = widgets.file_maker(NASTY, source="segments_members_download", file_name="m.csv")
    frame = pd.read_csv(io.BytesIO(make()), dtype=str)
    assert frame["phone"].tolist() == ["138****5678", "139****5678"]
    assert frame["customer_id"].iloc[0].startswith("'=")
    log = downloads.download_log(store.connect(db))
    assert log[["source", "file_name", "row_count", "masked", "role"]].iloc[0].tolist() == [
        "segments_members_download",
        "m.csv",
        2,
        True,
        "owner",
    ]


def test_download_builds_a_deferred_list_only_when_clicked(db):
    calls = []

    def build():
        calls.append(1)
        return NASTY

    make = widgets.file_maker(build, source="lifecycle.list", file_name="l.csv")
    assert calls == []
    make()
    assert calls == [1]


def test_staff_gets_masked_phones_even_when_full_phones_are_asked(db, monkeypatch):
    monkeypatch.setattr(auth, "current_user", lambda: accounts.User("clerk", "staff"))
    make = widgets.file_maker(NASTY, source="campaign:1", file_name="c.csv", full_phone=True)
    frame = pd.read_csv(io.BytesIO(make()), dtype=str)
    assert frame["phone"].tolist() == ["138****5678", "139****5678"]
    log = downloads.download_log(store.connect(db))
    assert log[["user_name", "role", "masked"]].iloc[0].tolist() == ["clerk", "staff", True]


def test_owner_gets_full_phones_when_asked_and_the_log_says_so(db):
    make = widgets.file_maker(
        NASTY, source="campaign:1", file_name="c.xlsx", fmt="xlsx", full_phone=True
    )
    frame = pd.read_excel(io.BytesIO(make()), dtype=str, engine="calamine")
    assert frame["phone"].tolist() == ["13812345678", "'+86 139 1234 5678"]
    assert frame["note"].tolist() == ["'@SUM(A1)", "'-2+3"]
    log = downloads.download_log(store.connect(db))
    assert log[["file_format", "masked"]].iloc[0].tolist() == ["xlsx", False]


def test_pages_make_no_download_outside_the_safe_writer():
    """No page writes a file itself: downloads go through ui.widgets (download /
    download_csv / recorded_file), which use analytics.export's writer."""
    offenders = []
    for page in sorted((ROOT / "pages").glob("*.py")):
        text = page.read_text(encoding="utf-8")
        for pattern in (r"\.to_csv\(", r"\.to_excel\(", r"csv_bytes\(", r"to_(csv|xlsx)_bytes\("):
            if re.search(pattern, text):
                offenders.append(f"{page.name}: {pattern}")
        for match in re.finditer(r"download_button\(", text):
            after = text[match.end() : match.end() + 400]
            if "recorded_file(" not in after:
                offenders.append(f"{page.name}: download_button without recorded_file")
    assert offenders == []
