"""The dashboard under Streamlit's AppTest, as the page tests open it."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def dashboard(db: Path, monkeypatch, lang: str = "zh") -> AppTest:
    """app.py on database ``db`` in ``lang``, not run yet."""
    monkeypatch.setenv("LAOKE_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["lang"] = lang
    return at
